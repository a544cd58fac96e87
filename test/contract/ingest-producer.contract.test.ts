import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportTotals } from '../../src/modules/ingest/ingest-types.js';
import { generateSyntheticFile } from '../../src/modules/synthetic/index.js';
import { freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-producer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOTAL_KEYS = ['rowsRead', 'imported', 'merged', 'rejected', 'blank', 'flagged', 'reasons'] as const;
const pick = (o: object) => Object.fromEntries(TOTAL_KEYS.map((k) => [k, (o as Record<string, unknown>)[k]]));

/**
 * Large imports parse and seal rows on a worker thread (chunk-producer-thread.ts) and send the sealed
 * customers across in one buffer per chunk. The result must be the one the inline producer gives:
 * the same counts, and customers that open with the org's keys and are found by their own values.
 */
for (const target of engines()) {
  describe(`the chunk producer on a worker thread, on ${target.engine}`, () => {
    it('imports what the inline producer imports; every sealed customer opens and is found by its mobile or USCC', async () => {
      const path = join(dir, `${target.engine}.csv`);
      await generateSyntheticFile({
        count: 1500,
        seed: 'producer',
        dirtyRate: 0.1,
        format: 'csv',
        encoding: 'gbk',
        outPath: path,
      });
      const truth = JSON.parse(readFileSync(`${path}.truth.json`, 'utf8')) as ImportTotals;
      const reports = [];
      // `inline` leaves every second valid row unsealed: the writer seals those itself, as it does
      // whenever the worker sees it waiting.
      for (const producer of ['thread', 'inline'] as const) {
        const f = await freshApp(target);
        try {
          const report = await f.app.ingest.run(f.actor, path, {
            purposes: ['sales'],
            chunkSize: 200,
            producer,
            ...(producer === 'inline' ? { unsealedShare: 0.5 } : {}),
          });
          expect(report.status).toBe('completed');
          reports.push(report);
          const { items } = await f.app.customers.list(f.actor, { limit: 500 });
          expect(items.length).toBe(500);
          let checked = 0;
          for (const item of items) {
            const v = await f.app.customers.get(f.actor, item.id, {
              reveal: ['mobile', 'uscc', 'idNumber'],
              purpose: 'sales',
            });
            const key =
              typeof v.fields.mobile === 'string'
                ? { mobile: v.fields.mobile }
                : typeof v.fields.uscc === 'string'
                  ? { uscc: v.fields.uscc }
                  : null;
            if (!key) continue;
            const found = await f.app.customers.find(f.actor, key);
            expect(found.map((c) => c.id)).toContain(item.id);
            checked++;
          }
          expect(checked).toBeGreaterThan(400);
        } finally {
          await f.cleanup();
        }
      }
      const [thread, inline] = reports;
      expect(pick(thread as object)).toEqual(pick(truth));
      expect(pick(inline as object)).toEqual(pick(truth));
      expect(thread?.columns).toEqual(inline?.columns);
    });
  });
}
