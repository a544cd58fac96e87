import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Phases run the compiled build (dist/; `npm run bench:transfer` builds it first), as `custodian` runs:
// under tsx, its loader and the sources it keeps would add about 50 MB to each phase's peak RSS.
const dist = (path: string): string => pathToFileURL(join(process.cwd(), 'dist', path)).href;
const { initApp, openApp, systemActor } = (await import(dist('app.js'))) as typeof import('../src/app.js');
const { createTransferModule } = (await import(
  dist('modules/transfer/index.js')
)) as typeof import('../src/modules/transfer/index.js');

/**
 * Company-transfer throughput (issue 5): `node --import tsx bench/transfer-bench.ts [--count N]`
 * seeds a seller, then times the readiness audit, the package build, the receive (verify + import) and
 * the seller's close-out shredding, each phase in a child process of its own so that peak RSS
 * (process.resourceUsage().maxRSS) belongs to that phase; `cpuMs` is the CPU time of all its threads.
 * Prints JSON and writes bench/results/transfer.json.
 *
 * `--reuse DIR` seeds into DIR once and copies it for later runs (seeding a million takes minutes);
 * `--skip-receive` leaves out the receive phase (and so the close-out, which needs its receipt).
 */
const [phase, dir, countArg] = process.argv.slice(2);

function rss(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return Math.round((u.user + u.system) / 1000);
}

const SEED_BATCH = 5000;

async function seed(root: string, count: number): Promise<void> {
  const S = join(root, 'seller');
  const B = join(root, 'buyer');
  const s = await initApp({ dataDir: S, who: 'bench', orgName: '卖方' });
  const b = await initApp({ dataDir: B, who: 'bench', orgName: '买方' });
  const sa = systemActor(s.app.kernel, 'bench');
  const ba = systemActor(b.app.kernel, 'bench');
  await s.app.consent.addPurpose(sa, { key: 'sales', name: '销售服务', basis: 'consent', retention: '3y' });
  const t0 = Date.now();
  for (let i = 0; i < count; i += SEED_BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + SEED_BATCH); j++)
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
  writeFileSync(join(root, 'case.json'), JSON.stringify({ id: t.id }));
  await s.app.close();
  await b.app.close();
  process.stdout.write(
    `${JSON.stringify({ phase: 'seed', count, ms: seedMs, perSec: Math.round(count / (seedMs / 1000)), maxRssMb: rss() })}\n`,
  );
}

async function readiness(root: string, count: number): Promise<void> {
  const app = await openApp({ dataDir: join(root, 'seller') });
  const actor = systemActor(app.kernel, 'bench');
  const { id } = JSON.parse(readFileSync(join(root, 'case.json'), 'utf8')) as { id: string };
  const t0 = Date.now();
  const report = await app.transfer.cases.readiness(actor, id);
  const ms = Date.now() - t0;
  await app.transfer.cases.startNotice(actor, id);
  await app.transfer.cases.closeAnswers(actor, id, { reason: 'bench' });
  await app.close();
  process.stdout.write(
    `${JSON.stringify({ phase: 'readiness', count, inScope: report.inScope, ms, perSec: Math.round(count / (ms / 1000)), cpuMs: cpuMs(), maxRssMb: rss() })}\n`,
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
    `${JSON.stringify({ phase: 'package', count, records: r.manifest.counts.records, ms, perSec: Math.round(count / (ms / 1000)), cpuMs: cpuMs(), mb: +(bytes / 2 ** 20).toFixed(1), maxRssMb: rss() })}\n`,
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
  writeFileSync(join(root, 'receipt.json'), JSON.stringify(r.receipt));
  await app.close();
  process.stdout.write(
    `${JSON.stringify({ phase: 'receive', count, imported: r.imported, ms, perSec: Math.round(count / (ms / 1000)), cpuMs: cpuMs(), maxRssMb: rss() })}\n`,
  );
}

async function closeOut(root: string, count: number): Promise<void> {
  const app = await openApp({ dataDir: join(root, 'seller') });
  const { id } = JSON.parse(readFileSync(join(root, 'case.json'), 'utf8')) as { id: string };
  const receipt = JSON.parse(readFileSync(join(root, 'receipt.json'), 'utf8')) as unknown;
  const k = app.kernel;
  // The transfer module with the kernel's erasure journal, as src/app.ts wires it once it passes
  // `journalErasure` (then shredding is batched; without it, one customers.erase per customer).
  const deps = {
    store: k.store,
    keys: k.keys,
    audit: k.audit,
    clock: k.clock,
    orgId: k.orgId,
    orgName: k.config.orgName,
    catalog: app.catalog,
    customers: app.customers,
    answers: app.notices.transferAnswers,
    journalErasure: k.journalErasure,
  };
  const transfer = createTransferModule(deps);
  const t0 = Date.now();
  const r = await transfer.closeOut.complete(systemActor(k, 'bench'), id, { receipt });
  const ms = Date.now() - t0;
  await app.close();
  process.stdout.write(
    `${JSON.stringify({ phase: 'close-out', count, ...r.certificate?.counts, ms, perSec: Math.round(count / (ms / 1000)), cpuMs: cpuMs(), maxRssMb: rss() })}\n`,
  );
}

async function main(): Promise<void> {
  if (phase === 'seed') return seed(dir as string, Number(countArg));
  if (phase === 'readiness') return readiness(dir as string, Number(countArg));
  if (phase === 'package') return pack(dir as string, Number(countArg));
  if (phase === 'receive') return receive(dir as string, Number(countArg));
  if (phase === 'close-out') return closeOut(dir as string, Number(countArg));
  const args = process.argv.slice(2);
  const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const count = Number(flag('--count') ?? 100_000) || 100_000;
  const reuse = flag('--reuse');
  const phases = ['seed', 'readiness', 'package', 'receive', 'close-out'].filter(
    (p) => !args.includes('--skip-receive') || (p !== 'receive' && p !== 'close-out'),
  );
  const root = mkdtempSync(join(tmpdir(), 'custodian-transfer-bench-'));
  const results = [];
  try {
    if (reuse && existsSync(join(reuse, `seeded-${count}.json`))) {
      cpSync(reuse, root, { recursive: true });
      phases.shift();
      results.push(JSON.parse(readFileSync(join(reuse, `seeded-${count}.json`), 'utf8')));
    }
    for (const p of phases) {
      // Each phase starts with the page cache's dirty pages written out (the seeded copy, the package
      // just built), so one phase's write-back is not timed in the next.
      execFileSync('sync');
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
      if (p === 'seed' && reuse) {
        rmSync(reuse, { recursive: true, force: true });
        cpSync(root, reuse, { recursive: true });
        writeFileSync(join(reuse, `seeded-${count}.json`), JSON.stringify({ ...r, reused: true }));
      }
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
