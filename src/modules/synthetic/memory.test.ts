import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generateSyntheticFile } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-synthetic-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Records are generated lazily and streamed, so a million-record CSV must not need memory in proportion.
it('generates 200,000 records into a CSV with flat memory', async () => {
  const outPath = join(dir, 'large.csv');
  const before = process.memoryUsage().rss;
  let peak = before;
  const started = performance.now();
  const summary = await generateSyntheticFile({
    count: 200_000,
    seed: 'memory',
    dirtyRate: 0.05,
    format: 'csv',
    outPath,
    onProgress: () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const growthMb = (peak - before) / 1024 / 1024;
  console.info(
    `synthetic: ${summary.dataRows} rows in ${seconds.toFixed(1)} s (${Math.round(summary.dataRows / seconds)} rows/s), RSS +${growthMb.toFixed(0)} MB`,
  );
  expect(summary.expected.read).toBeGreaterThanOrEqual(200_000);
  expect(statSync(outPath).size).toBeGreaterThan(200_000 * 100);
  expect(growthMb).toBeLessThan(100);
});
