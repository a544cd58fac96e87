import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgIndexNumber } from '../../src/kernel/store/org-index-number.js';
import type { Store } from '../../src/kernel/store/store.js';
import { createCustomerRepo } from '../../src/modules/customers/customer-repo.js';
import { engines } from '../support/engines.js';
import { type SchemaBefore010, storeMigratedFrom } from '../support/store-at-migration.js';

const ORG_A = '0192bbbb-0000-7000-8000-000000000001';
const ORG_B = '0192bbbb-0000-7000-8000-000000000002';
const ENTRIES_A = 40;

/** A store as migration 009 left it: two orgs' search entries, each repeating its org's id. */
async function seedAt009(db: Kysely<SchemaBefore010>) {
  const entries = [
    ...Array.from({ length: ENTRIES_A }, (_, i) => ({
      org_id: ORG_A,
      field: i % 2 ? 'mobile' : 'idNumber',
      hash: randomBytes(16),
      customer_id: `a-${i}`,
    })),
    { org_id: ORG_B, field: 'mobile', hash: randomBytes(16), customer_id: 'b-0' },
  ];
  await db.insertInto('blind_index').values(entries).execute();
  return entries;
}

for (const target of engines()) {
  describe(`migration 010 (the org's number in the search index) on ${target.engine}`, () => {
    let store: Store;
    let seeded: Awaited<ReturnType<typeof seedAt009>>;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ store, seeded, cleanup } = await storeMigratedFrom(target, '009-batch-order', seedAt009));
    });
    afterAll(async () => {
      await cleanup?.();
    });

    it("keeps every entry, each under its org's number instead of its id", async () => {
      const rows = await store.db.selectFrom('blind_index').selectAll().execute();
      const key = (org: number, field: string, hash: Uint8Array, id: string) =>
        `${org}|${field}|${Buffer.from(hash).toString('hex')}|${id}`;
      expect(rows.map((r) => key(Number(r.org_no), r.field, r.hash, r.customer_id)).sort()).toEqual(
        seeded.map((e) => key(orgIndexNumber(e.org_id), e.field, e.hash, e.customer_id)).sort(),
      );
      expect(orgIndexNumber(ORG_A)).not.toBe(orgIndexNumber(ORG_B));
      const columns =
        store.engine === 'sqlite'
          ? (await sql<{ name: string }>`select name from pragma_table_info('blind_index')`.execute(store.db))
              .rows
          : (
              await sql<{
                name: string;
              }>`select column_name as name from information_schema.columns where table_name = 'blind_index'`.execute(
                store.db,
              )
            ).rows;
      expect(columns.map((c) => c.name).sort()).toEqual(['customer_id', 'field', 'hash', 'org_no']);
    });

    it("finds an org's customers by their keys, and never another org's", async () => {
      const a = seeded[1] as (typeof seeded)[number];
      const b = seeded[ENTRIES_A] as (typeof seeded)[number];
      expect(await createCustomerRepo(ORG_A, store.engine).findByIndex(store.db, a.field, a.hash)).toEqual([
        a.customer_id,
      ]);
      expect(await createCustomerRepo(ORG_B, store.engine).findByIndex(store.db, b.field, b.hash)).toEqual([
        b.customer_id,
      ]);
      expect(await createCustomerRepo(ORG_B, store.engine).findByIndex(store.db, a.field, a.hash)).toEqual(
        [],
      );
    });

    it.runIf(target.engine === 'sqlite')('is clustered on its key on SQLite, as before', async () => {
      const table = await sql<{
        sql: string;
      }>`select sql from sqlite_master where type = 'table' and name = 'blind_index'`.execute(store.db);
      expect(table.rows[0]?.sql.toLowerCase()).toContain('without rowid');
    });
  });
}
