import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgIndexNumber } from '../../kernel/store/org-index-number.js';
import { openStore, type Store } from '../../kernel/store/store.js';
import { loadStoreKeyFilter, StoreKeyFilter, sameMarks, writeMarks } from './store-key-filter.js';

const ORG = '0192aaaa-0000-7000-8000-000000000001';
const OTHER_ORG = '0192aaaa-0000-7000-8000-000000000002';

const keysOf = (n: number, field: string) =>
  Array.from({ length: n }, () => ({ field, hash: randomBytes(16) }));

describe('StoreKeyFilter', () => {
  it('holds every key added, by buffer or by hex, and turns away nearly all others', () => {
    const filter = new StoreKeyFilter(40_000);
    const added = [...keysOf(20_000, 'mobile'), ...keysOf(20_000, 'idNumber')];
    for (const [i, k] of added.entries()) {
      if (i % 2 === 0) filter.add(k.field, k.hash);
      else filter.addHex(k.field, k.hash.subarray(0, 8).toString('hex').toUpperCase());
    }
    expect(added.every((k) => filter.mayHold(k))).toBe(true);
    const others = [...keysOf(20_000, 'mobile'), ...keysOf(20_000, 'uscc')];
    const falsePositives = others.filter((k) => filter.mayHold(k)).length;
    expect(falsePositives / others.length).toBeLessThan(0.02);
  });

  it('keeps fields apart and answers "may hold" for fields it does not cover', () => {
    const filter = new StoreKeyFilter(1000);
    const keys = keysOf(1000, 'mobile');
    for (const k of keys) filter.add(k.field, k.hash);
    // The same hashes under another covered field are (nearly all) not held.
    const crossed = keys.filter((k) => filter.mayHold({ field: 'idNumber', hash: k.hash })).length;
    expect(crossed).toBeLessThan(20);
    // A field never looked up on its own (a name) is always passed to the store.
    expect(keysOf(100, 'name').every((k) => filter.mayHold(k))).toBe(true);
    expect(StoreKeyFilter.covers('name')).toBe(false);
  });
});

describe('the store key filter read from SQLite, and the marks that tell when it went stale', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-key-filter-'));
  const file = join(dir, 'db');
  let store: Store;
  const held = [...keysOf(700, 'mobile'), ...keysOf(300, 'uscc'), ...keysOf(200, 'name')];
  const foreign = keysOf(200, 'mobile');

  beforeAll(async () => {
    store = await openStore({ engine: 'sqlite', file });
    const rows = [
      ...held.map((k, i) => ({
        org_no: orgIndexNumber(ORG),
        field: k.field,
        hash: k.hash,
        customer_id: `c${i}`,
      })),
      ...foreign.map((k, i) => ({
        org_no: orgIndexNumber(OTHER_ORG),
        field: k.field,
        hash: k.hash,
        customer_id: `o${i}`,
      })),
    ];
    await store.db.insertInto('blind_index').values(rows).execute();
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("holds the org's lookup keys and gives up past its budget", async () => {
    const filter = await store.transaction((trx) => loadStoreKeyFilter(trx, ORG, 1000));
    expect(filter).not.toBeNull();
    expect(held.every((k) => (filter as StoreKeyFilter).mayHold(k))).toBe(true);
    // Another org's keys are not read (at most a false positive or two).
    expect(foreign.filter((k) => (filter as StoreKeyFilter).mayHold(k)).length).toBeLessThan(10);
    // 1,000 lookup keys held (names are not read): one fewer allowed is too many.
    expect(await store.transaction((trx) => loadStoreKeyFilter(trx, ORG, 999))).toBeNull();
  });

  it('the marks move when this connection or another one writes, and only then', async () => {
    const first = await store.transaction((trx) => writeMarks(trx));
    expect(sameMarks(first, await store.transaction((trx) => writeMarks(trx)))).toBe(true);

    await store.db
      .insertInto('blind_index')
      .values({ org_no: orgIndexNumber(ORG), field: 'mobile', hash: randomBytes(16), customer_id: 'late-1' })
      .execute();
    const second = await store.transaction((trx) => writeMarks(trx));
    expect(sameMarks(first, second)).toBe(false);

    const other = new BetterSqlite3(file);
    try {
      other
        .prepare('insert into blind_index (org_no, field, hash, customer_id) values (?, ?, ?, ?)')
        .run(orgIndexNumber(ORG), 'mobile', randomBytes(16), 'late-2');
    } finally {
      other.close();
    }
    const third = await store.transaction((trx) => writeMarks(trx));
    expect(third.changes).toBe(second.changes);
    expect(sameMarks(second, third)).toBe(false);
  });
});
