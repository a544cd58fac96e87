import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportTotals } from '../../src/modules/ingest/ingest-types.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

/** Golden files made by scripts/make-ingest-fixtures.ts; their people are distinct across files. */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'ingest');
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected-totals.json'), 'utf8')) as Record<
  string,
  ImportTotals
>;

function totalsOf(r: Partial<ImportTotals>): ImportTotals {
  return {
    rowsRead: r.rowsRead as number,
    imported: r.imported as number,
    merged: r.merged as number,
    rejected: r.rejected as number,
    blank: r.blank as number,
    flagged: r.flagged as number,
    reasons: r.reasons as Record<string, number>,
  };
}

for (const target of engines()) {
  describe(`golden ingest files on ${target.engine}`, () => {
    let f: AppFixture;

    beforeAll(async () => {
      f = await freshApp(target);
    });
    afterAll(async () => f?.cleanup());

    it('covers every encoding and format', () => {
      expect(Object.keys(EXPECTED).sort()).toEqual([
        'excel2003.xls',
        'gbk.csv',
        'html-gbk.xls',
        'two-sheets.xlsx',
        'utf16le.csv',
        'utf8-bom.csv',
        'utf8.csv',
        'utf8.tsv',
      ]);
    });

    for (const [file, expected] of Object.entries(EXPECTED)) {
      it(`imports ${file} with the committed totals`, async () => {
        const report = await f.app.ingest.run(f.actor, join(FIXTURES, file), { purposes: ['sales'] });
        expect(report.status).toBe('completed');
        expect(totalsOf(report)).toEqual(expected);
        expect(report.counts.read).toBe(expected.rowsRead);
      });
    }
  });
}
