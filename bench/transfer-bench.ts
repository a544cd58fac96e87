import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initApp, openApp, systemActor } from '../src/app.js';

/**
 * Company-transfer throughput: `node --import tsx bench/transfer-bench.ts [--count N]` seeds a seller,
 * then builds the package and receives it, each phase in a child process of its own so that peak RSS
 * (process.resourceUsage().maxRSS) belongs to that phase. Prints JSON and writes
 * bench/results/transfer.json.
 */
const [phase, dir, countArg] = process.argv.slice(2);

function rss(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function seed(root: string, count: number): Promise<void> {
  const S = join(root, 'seller');
  const B = join(root, 'buyer');
  const s = await initApp({ dataDir: S, who: 'bench', orgName: '卖方' });
  const b = await initApp({ dataDir: B, who: 'bench', orgName: '买方' });
  const sa = systemActor(s.app.kernel, 'bench');
  const ba = systemActor(b.app.kernel, 'bench');
  await s.app.consent.addPurpose(sa, { key: 'sales', name: '销售服务', basis: 'consent', retention: '3y' });
  const t0 = Date.now();
  for (let i = 0; i < count; i += 2000) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 2000); j++)
      batch.push({
        kind: 'individual' as const,
        purposes: ['sales'],
        fields: {
          name: `客户${j}`,
          mobile: `139${String(j).padStart(8, '0')}`,
          email: `c${j}@example.cn`,
          region: j % 2 ? '浙江省杭州市' : '北京市东城区',
          amount: j % 100_000,
          notes: '老客户，偏好线上沟通',
        },
      });
    await s.app.customers.createMany(sa, batch);
  }
  const seedMs = Date.now() - t0;
  const cp = await s.app.transfer.identity.importCounterparty(
    sa,
    await b.app.transfer.identity.exportIdentity(ba),
    {
      name: '买方',
      contact: 'dpo@buyer.example.cn',
    },
  );
  await b.app.transfer.identity.importCounterparty(ba, await s.app.transfer.identity.exportIdentity(sa), {
    name: '卖方',
  });
  const t = await s.app.transfer.cases.create(sa, {
    path: 'B',
    name: 'bench',
    counterpartyId: cp.id,
    fields: ['name', 'mobile', 'email', 'region', 'amount', 'notes'],
  });
  const r0 = Date.now();
  await s.app.transfer.cases.readiness(sa, t.id);
  const readinessMs = Date.now() - r0;
  await s.app.transfer.cases.startNotice(sa, t.id);
  await s.app.transfer.cases.closeAnswers(sa, t.id, { reason: 'bench' });
  writeFileSync(join(root, 'case.json'), JSON.stringify({ id: t.id }));
  await s.app.close();
  await b.app.close();
  process.stdout.write(
    `${JSON.stringify({ phase: 'seed', count, seedMs, readinessMs, readinessPerSec: Math.round(count / (readinessMs / 1000)), maxRssMb: rss() })}\n`,
  );
}

async function pack(root: string, count: number): Promise<void> {
  const app = await openApp({ dataDir: join(root, 'seller') });
  const { id } = JSON.parse(readFileSync(join(root, 'case.json'), 'utf8')) as { id: string };
  const t0 = Date.now();
  const r = await app.transfer.packages.build(systemActor(app.kernel, 'bench'), id, join(root, 'p.age'));
  const ms = Date.now() - t0;
  await app.close();
  const bytes = statSync(join(root, 'p.age')).size;
  process.stdout.write(
    `${JSON.stringify({ phase: 'package', count, records: r.manifest.counts.records, ms, perSec: Math.round(count / (ms / 1000)), mb: +(bytes / 2 ** 20).toFixed(1), maxRssMb: rss() })}\n`,
  );
}

async function receive(root: string, count: number): Promise<void> {
  const app = await openApp({ dataDir: join(root, 'buyer') });
  const manifest = JSON.parse(readFileSync(join(root, 'p.manifest.json'), 'utf8')) as unknown;
  const t0 = Date.now();
  const r = await app.transfer.receiver.receive(systemActor(app.kernel, 'bench'), {
    file: join(root, 'p.age'),
    manifest,
  });
  const ms = Date.now() - t0;
  await app.close();
  process.stdout.write(
    `${JSON.stringify({ phase: 'receive', count, imported: r.imported, ms, perSec: Math.round(count / (ms / 1000)), maxRssMb: rss() })}\n`,
  );
}

async function main(): Promise<void> {
  if (phase === 'seed') return seed(dir as string, Number(countArg));
  if (phase === 'package') return pack(dir as string, Number(countArg));
  if (phase === 'receive') return receive(dir as string, Number(countArg));
  const args = process.argv.slice(2);
  const count = Number(args[args.indexOf('--count') + 1] ?? 100_000) || 100_000;
  const root = mkdtempSync(join(tmpdir(), 'custodian-transfer-bench-'));
  const results = [];
  try {
    for (const p of ['seed', 'package', 'receive']) {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', import.meta.filename, p, root, String(count)],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const r = JSON.parse(out.trim().split('\n').pop() as string);
      process.stderr.write(`${JSON.stringify(r)}\n`);
      results.push(r);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(
    join(import.meta.dirname, 'results', 'transfer.json'),
    `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`,
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

await main();
