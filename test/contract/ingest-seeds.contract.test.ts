import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportTotals } from '../../src/modules/ingest/ingest-types.js';
import { generateSyntheticFile, type SyntheticFormat } from '../../src/modules/synthetic/index.js';
import type { SyntheticEncoding } from '../../src/modules/synthetic/types.js';
import { freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-seeds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEEDS = ['a', 'b', 'c'] as const;
const RATES = [0, 0.05, 0.2] as const;
const KINDS: Array<{ format: SyntheticFormat; encoding: SyntheticEncoding }> = [
  { format: 'csv', encoding: 'utf8' },
  { format: 'csv', encoding: 'gbk' },
  { format: 'xlsx', encoding: 'utf8' },
];
const TOTAL_KEYS = ['rowsRead', 'imported', 'merged', 'rejected', 'blank', 'flagged', 'reasons'] as const;

function pick(o: object): Record<string, unknown> {
  const src = o as Record<string, unknown>;
  return Object.fromEntries(TOTAL_KEYS.map((k) => [k, src[k]]));
}

for (const target of engines()) {
  describe(`import totals equal FILE.truth.json on ${target.engine}`, () => {
    SEEDS.forEach((seed, s) => {
      RATES.forEach((dirtyRate, r) => {
        // Every seed and every dirt rate meets each of the three formats once.
        const kind = KINDS[(s + r) % KINDS.length] as (typeof KINDS)[number];
        const label = `${kind.format}-${kind.encoding}`;
        it(`seed ${seed}, dirt ${dirtyRate}, ${label}`, async () => {
          const path = join(dir, `${target.engine}-${seed}-${r}.${kind.format}`);
          await generateSyntheticFile({ count: 300, seed, dirtyRate, ...kind, outPath: path });
          const truth = JSON.parse(readFileSync(`${path}.truth.json`, 'utf8')) as ImportTotals;
          for (const key of TOTAL_KEYS) expect(truth[key], key).toBeDefined();
          // A fresh store each time: the same seed at another dirt rate repeats the same people.
          const f = await freshApp(target);
          try {
            const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'], chunkSize: 100 });
            expect(report.status).toBe('completed');
            expect(pick(report)).toEqual(pick(truth));
            if (dirtyRate === 0) expect(truth.rejected + truth.blank + truth.merged).toBe(0);
            else expect(truth.rejected + truth.blank + truth.merged).toBeGreaterThan(0);
          } finally {
            await f.cleanup();
          }
        });
      });
    });
  });
}
