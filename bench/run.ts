import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { stopCluster } from './support.js';
import { benchLimits, benchVault } from './vault-bench.js';

/** `npm run bench [-- --count N --only sqlite|postgres]`: prints figures and writes bench/results/*.json. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const count = Number(args[args.indexOf('--count') + 1] ?? 100_000) || 100_000;
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const vault = [];
  try {
    for (const engine of ['sqlite', 'postgres'] as const) {
      if (only && only !== engine) continue;
      process.stderr.write(`vault bench on ${engine}, ${count} customers…\n`);
      const r = await benchVault(engine, count);
      process.stderr.write(`${JSON.stringify(r)}\n`);
      vault.push(r);
    }
  } finally {
    stopCluster();
  }
  const limits = await benchLimits(count);
  const sqlite = vault.find((v) => v.engine === 'sqlite');
  const result = {
    at: new Date().toISOString(),
    machine,
    vault,
    limits,
    ratios: sqlite
      ? {
          createVsRawInsert: +(sqlite.createPerSec / limits.rawSqliteInsertPerSec).toFixed(3),
          createVsBareAesGcm: +(sqlite.createPerSec / limits.bareAesGcm100BPerSec).toFixed(3),
        }
      : null,
    targets: { createPerSecSqlite: 20_000, findByMobilePerSec: 20_000, auditVerifyPerSec: 300_000 },
  };
  mkdirSync(join('bench', 'results'), { recursive: true });
  writeFileSync(join('bench', 'results', 'vault.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

await main();
