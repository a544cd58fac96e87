import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  idNumberCheckChar,
  orgCodeCheckChar,
  usccCheckChar,
} from '../../src/kernel/identifiers/checksums.js';
import type { ImportReport } from '../../src/modules/ingest/ingest-types.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

/**
 * The store key filter (ADR 0013) only spares lookups: a batch merges into exactly the customers it
 * would merge into with every key looked up, including a customer an earlier chunk of the same batch
 * gave a new mobile number.
 */
const dir = mkdtempSync(join(tmpdir(), 'custodian-key-filter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = '客户类型,姓名,手机,身份证号,邮箱,地址,客户名称,统一社会信用代码,行业';
const idNumber = (serial: number) => {
  const body = `3301061985031${String(serial).padStart(4, '0')}`;
  return body + idNumberCheckChar(body);
};

const orgCode = `MA27Q1X8${orgCodeCheckChar('MA27Q1X8')}`;
const USCC = `91330106${orgCode}${usccCheckChar(`91330106${orgCode}`)}`;

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `\ufeff${[HEADER, ...lines].join('\r\n')}\r\n`);
  return path;
}

const seed = csv('seed.csv', [
  `个人,张三丰,13700000001,${idNumber(1)},,,,,`,
  '个人,李四海,13700000002,,,,,,',
  `个人,王五岳,,${idNumber(3)},,,,,`,
  `企业,,,,,,杭州滤镜测试有限公司,${USCC},制造业`,
]);

const filler = Array.from(
  { length: 240 },
  (_, i) => `个人,新客户${i},1390000${String(i).padStart(4, '0')},${idNumber(100 + i)},,,,,`,
);
const load = csv('load.csv', [
  // First chunk: merges by ID number, by mobile and name, and one that gives 王五岳 a mobile.
  `个人,张三丰,,${idNumber(1)},zs@example.cn,,,,`,
  '个人,李四海,13700000002,,ls@example.cn,,,,',
  `个人,王五岳,13700000003,${idNumber(3)},,,,,`,
  ...filler.slice(0, 120),
  // A later chunk: 王五岳 found by the mobile the first chunk gave him; a contact of the seeded company.
  '个人,王五岳,13700000003,,wwy@example.cn,,,,',
  `联系人,赵六,13700000006,,,,杭州滤镜测试有限公司,${USCC},`,
  ...filler.slice(120),
]);

async function importBoth(f: AppFixture, storeFilter: 'auto' | 'off') {
  await f.app.ingest.run(f.actor, seed, { purposes: ['sales'] });
  let tally: { keys: number; lookedUp: number } | undefined;
  const report: ImportReport = await f.app.ingest.run(f.actor, load, {
    purposes: ['sales'],
    producer: 'thread',
    chunkSize: 50,
    storeFilter,
    onLookups: (t) => {
      tally = { ...t };
    },
  });
  const customers = await f.app.kernel.store.db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { report, tally, customers: Number(customers.n) };
}

for (const target of engines().filter((t) => t.engine === 'sqlite')) {
  describe('a large load with the store key filter (SQLite)', () => {
    const fixtures: AppFixture[] = [];
    afterAll(async () => {
      for (const f of fixtures) await f.cleanup();
    });

    it('merges exactly as a load that looks every key up, with far fewer lookups', async () => {
      const withFilter = await freshApp(target);
      fixtures.push(withFilter);
      const without = await freshApp(target);
      fixtures.push(without);
      const a = await importBoth(withFilter, 'auto');
      const b = await importBoth(without, 'off');

      expect(a.report.counts).toMatchObject({ merged: 4, rejected: 0, imported: 241 });
      expect(a.report.counts).toEqual(b.report.counts);
      expect(a.customers).toBe(b.customers);

      // The filter was read and stayed in use: most keys were never looked up.
      expect(b.tally?.lookedUp).toBe(b.tally?.keys);
      expect(a.tally?.keys).toBe(b.tally?.keys);
      expect(a.tally?.lookedUp).toBeLessThan((a.tally?.keys ?? 0) / 4);

      // The contact went to the seeded company, not a new one.
      const companies = await withFilter.app.kernel.store.db
        .selectFrom('customers')
        .select('id')
        .where('kind', '=', 'company')
        .execute();
      expect(companies).toHaveLength(1);
    });

    it('is dropped once anything else writes: a customer added mid-load is still merged into', async () => {
      const f = await freshApp(target);
      fixtures.push(f);
      await f.app.ingest.run(f.actor, seed, { purposes: ['sales'] });
      const path = csv('mid-load.csv', [...filler.slice(0, 120), '个人,钱七,13700000007,,qq@example.cn,,,,']);
      let added = false;
      let tally: { keys: number; lookedUp: number } | undefined;
      const report = await f.app.ingest.run(f.actor, path, {
        purposes: ['sales'],
        producer: 'thread',
        chunkSize: 50,
        onProgress: async () => {
          if (added) return;
          added = true;
          await f.app.customers.create(f.actor, {
            kind: 'individual',
            purposes: ['sales'],
            fields: { name: '钱七', mobile: '13700000007' },
          });
        },
        onLookups: (t) => {
          tally = { ...t };
        },
      });
      expect(report.counts).toMatchObject({ imported: 120, merged: 1, mergedWithStore: 1, rejected: 0 });
      // The first chunk went through the filter; the ones after the write looked every key up.
      expect(tally?.lookedUp).toBeGreaterThan((tally?.keys ?? 0) / 2);
      expect(tally?.lookedUp).toBeLessThan(tally?.keys ?? 0);
    });
  });
}
