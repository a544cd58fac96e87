import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { initApp, systemActor } from '../src/app.js';
import type { CustomerInput } from '../src/modules/customers/customer-types.js';
import { generateCustomers } from '../src/modules/synthetic/index.js';
import { rate } from './support.js';

/**
 * Issue 4's API load figure: find-by-mobile (POST /api/v1/customers/search, masked, audited) against a
 * store of N customers, with autocannon in this process and the server in a child process.
 * `node --import tsx bench/api-bench.ts [--customers 1000000] [--connections 20] [--seconds 20]`
 * (needs `npm run build`: the server runs from dist/).
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

async function main(): Promise<void> {
  const customers = arg('customers', 1_000_000);
  const connections = arg('connections', 20);
  const seconds = arg('seconds', 20);
  const dataDir = join(mkdtempSync(join(tmpdir(), 'custodian-api-bench-')), 'data');
  const res = await initApp({ dataDir, who: 'bench', checkpointEvery: 10_000 });
  const app = res.app;
  const actor = systemActor(app.kernel, 'bench');
  await app.consent.addPurpose(actor, { key: 'sales', name: '销售服务', basis: 'contract', retention: '3y' });
  const mobiles: string[] = [];
  let batch: CustomerInput[] = [];
  const t0 = performance.now();
  let created = 0;
  for (const c of generateCustomers({ count: Math.ceil(customers * 1.8), seed: 'api-bench' })) {
    if (c.kind !== 'individual') continue;
    const { name, mobile, idNumber, email, address, region } = c.fields;
    batch.push({
      kind: 'individual',
      purposes: ['sales'],
      fields: { name, mobile, idNumber, email, address, region },
    });
    if (created % 50 === 0 && mobile) mobiles.push(mobile);
    created += 1;
    if (batch.length === 2000 || created === customers) {
      await app.customers.createMany(actor, batch);
      batch = [];
      if (created % 100_000 === 0) process.stderr.write(`  ${created} customers\n`);
    }
    if (created === customers) break;
  }
  const loadMs = performance.now() - t0;
  const token = await app.tokens.create(actor, { name: 'bench', roles: ['manager'] });
  await app.close();

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(
    process.execPath,
    ['bin/custodian', 'serve', '--data', dataDir, '--port', String(port), '--no-init'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CUSTODIAN_LOG_LEVEL: 'warn' },
    },
  );
  try {
    await waitForServer(url, server);
    let n = 0;
    const result = await autocannon({
      url,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/api/v1/customers/search',
          headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
          setupRequest: (req) => {
            n += 1;
            return { ...req, body: JSON.stringify({ mobile: mobiles[(n * 7919) % mobiles.length] }) };
          },
        },
      ],
    });
    const out = {
      at: new Date().toISOString(),
      customers,
      loadPerSec: rate(customers, loadMs),
      connections,
      seconds,
      requestsPerSec: result.requests.average,
      latencyMs: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      non2xx: result.non2xx,
      errors: result.errors,
      targets: { requestsPerSec: 2000, p99Ms: 25 },
    };
    mkdirSync(join('bench', 'results'), { recursive: true });
    writeFileSync(join('bench', 'results', 'api.json'), `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    server.kill('SIGTERM');
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  }
}

await main();
