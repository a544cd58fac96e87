import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/kernel/store/store.js';
import { deleteIndexOf } from '../../src/modules/customers/customer-index.js';
import { unpackIndexKeys } from '../../src/modules/customers/index-keys.js';
import { engines } from '../support/engines.js';
import { type SchemaBefore010, storeMigratedFrom } from '../support/store-at-migration.js';

const ORG = '0192aaaa-0000-7000-8000-000000000001';
const ids = {
  live: '0192aaaa-0000-7000-8000-00000000000a',
  other: '0192aaaa-0000-7000-8000-00000000000b',
  pending: '0192aaaa-0000-7000-8000-00000000000c',
  none: '0192aaaa-0000-7000-8000-00000000000d',
};
const hash = (): Buffer => randomBytes(16);
const entry = (s: { field: string; hash: Buffer }): string => `${s.field}|${s.hash.toString('hex')}`;

/** A store as migration 007 left it: live and pending index entries, no index_keys column yet. */
async function seedAt007(db: Kysely<SchemaBefore010>) {
  const at = '2026-01-01T00:00:00.000Z';
  for (const [name, id] of Object.entries(ids))
    await db
      .insertInto('customers')
      .values({
        id,
        org_id: ORG,
        kind: name === 'other' ? 'contact' : 'individual',
        status: 'active',
        parent_id: name === 'other' ? ids.none : null,
        key_version: 1,
        flags: '[]',
        created_at: at,
        updated_at: at,
      })
      .execute();
  const live = [
    { field: 'mobile', hash: hash(), customer_id: ids.live },
    { field: 'idNumber', hash: hash(), customer_id: ids.live },
    { field: 'mobile', hash: hash(), customer_id: ids.other },
  ];
  const pending = [
    { field: 'mobile', hash: hash(), customer_id: ids.pending },
    { field: 'email', hash: hash(), customer_id: ids.pending },
  ];
  await db
    .insertInto('blind_index')
    .values(live.map((r) => ({ org_id: ORG, ...r })))
    .execute();
  await db
    .insertInto('blind_index_pending')
    .values(pending.map((r) => ({ batch_id: 'batch-1', org_id: ORG, ...r })))
    .execute();
  return { live, pending };
}

for (const target of engines()) {
  describe(`migration 008 (index keys in the customer row) on ${target.engine}`, () => {
    let store: Store;
    let seeded: Awaited<ReturnType<typeof seedAt007>>;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ store, seeded, cleanup } = await storeMigratedFrom(target, '007-notice-permission', seedAt007));
    });
    afterAll(async () => {
      await cleanup?.();
    });

    it('backfills every customer row with the keys of its live and pending entries', async () => {
      const rows = await store.db
        .selectFrom('customers')
        .select(['id', 'index_keys'])
        .orderBy('id')
        .execute();
      const keysOf = (id: string) =>
        unpackIndexKeys(rows.find((r) => r.id === id)?.index_keys)
          .map(entry)
          .sort();
      const expected = (list: typeof seeded.live, id: string) =>
        list
          .filter((r) => r.customer_id === id)
          .map(entry)
          .sort();
      expect(keysOf(ids.live)).toEqual(expected(seeded.live, ids.live));
      expect(keysOf(ids.live)).toHaveLength(2);
      expect(keysOf(ids.other)).toEqual(expected(seeded.live, ids.other));
      expect(keysOf(ids.pending)).toEqual(expected(seeded.pending, ids.pending));
      expect(rows.find((r) => r.id === ids.none)?.index_keys).toBeNull();
      // Pending entries survive the table's rebuild, still under their batch.
      const pending = await store.db.selectFrom('blind_index_pending').selectAll().execute();
      expect(pending.map((p) => [p.batch_id, p.customer_id, p.field])).toEqual(
        expect.arrayContaining(seeded.pending.map((p) => ['batch-1', p.customer_id, p.field])),
      );
      expect(pending).toHaveLength(2);
    });

    it('drops the by-customer index; parent and owner indexes are partial; deletes go by the recorded keys', async () => {
      const indexes =
        store.engine === 'sqlite'
          ? await sql<{
              name: string;
              sql: string;
            }>`select name, sql from sqlite_master where type = 'index'`.execute(store.db)
          : await sql<{
              name: string;
              sql: string;
            }>`select indexname as name, indexdef as sql from pg_indexes`.execute(store.db);
      const byName = new Map(indexes.rows.map((r) => [r.name, r.sql]));
      expect(byName.has('blind_index_customer')).toBe(false);
      expect(byName.has('blind_index_pending_customer')).toBe(false);
      expect(byName.get('customers_parent')?.toLowerCase()).toContain('parent_id is not null');
      expect(byName.get('customers_owner')?.toLowerCase()).toContain('owner_id is not null');

      await store.db.transaction().execute((trx) => deleteIndexOf(trx, [ids.live, ids.pending]));
      const left = await store.db.selectFrom('blind_index').select(['customer_id', 'field']).execute();
      expect(left).toEqual([{ customer_id: ids.other, field: 'mobile' }]);
      expect(await store.db.selectFrom('blind_index_pending').selectAll().execute()).toEqual([]);
    });
  });
}
