import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { initApp, systemActor } from '../src/app.js';
import { detectFile } from '../src/modules/detect/detect.js';
import { generateSyntheticFile } from '../src/modules/synthetic/index.js';
import { rate } from './support.js';

/**
 * Issue 3's import figures: a generated UTF-8 CSV of N rows imported into an empty SQLite store, then a
 * second file of N rows into the now full store (counted until searchable: blind indexes are written
 * with the rows), peak RSS, and column detection of the file.
 * `node --expose-gc --import tsx bench/import-bench.ts [--rows 1000000]`
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const maxRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

async function main(): Promise<void> {
  const rows = arg('rows', 1_000_000);
  const root = mkdtempSync(join(tmpdir(), 'custodian-import-bench-'));
  try {
    const files = [join(root, 'first.csv'), join(root, 'second.csv')];
    const t0 = performance.now();
    await generateSyntheticFile({
      count: rows,
      seed: 'bench-1',
      dirtyRate: 0.02,
      format: 'csv',
      encoding: 'utf8',
      outPath: files[0] as string,
    });
    await generateSyntheticFile({
      count: rows,
      seed: 'bench-2',
      dirtyRate: 0.02,
      format: 'csv',
      encoding: 'utf8',
      outPath: files[1] as string,
    });
    const generateMs = performance.now() - t0;

    const t1 = performance.now();
    const detected = await detectFile(files[0] as string, {});
    const detectMs = performance.now() - t1;

    const res = await initApp({ dataDir: join(root, 'data'), who: 'bench' });
    const actor = systemActor(res.app.kernel, 'bench');
    await res.app.consent.addPurpose(actor, {
      key: 'sales',
      name: '销售服务',
      basis: 'contract',
      retention: '3y',
    });
    const runs = [];
    for (const [i, file] of files.entries()) {
      const t = performance.now();
      const report = await res.app.ingest.run(actor, file, { purposes: ['sales'], chunkSize: 2000 });
      const ms = performance.now() - t;
      runs.push({
        store: i === 0 ? 'empty' : 'full',
        rowsRead: report.counts.read,
        imported: report.counts.imported,
        rowsPerSec: rate(report.counts.read, ms),
        seconds: Math.round(ms / 100) / 10,
        maxRssMb: maxRssMb(),
      });
      process.stderr.write(`${JSON.stringify(runs[runs.length - 1])}\n`);
    }
    await res.app.close();
    const out = {
      at: new Date().toISOString(),
      rows,
      generateRowsPerSec: rate(rows * 2, generateMs),
      detectSeconds: Math.round(detectMs / 100) / 10,
      detectedColumns:
        detected.mode === 'file' ? detected.columns.filter((c) => c.detected !== null).length : null,
      imports: runs,
      targets: { emptyRowsPerSec: 20_000, fullRowsPerSec: 10_000, maxRssMb: 400, detectSeconds: 10 },
    };
    mkdirSync(join('bench', 'results'), { recursive: true });
    writeFileSync(join('bench', 'results', 'import.json'), `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
