import { insertRows } from '../../kernel/store/bulk-insert.js';
import { CUSTOMER_COLUMNS } from '../../kernel/store/columns.js';
import { orgIndexNumber } from '../../kernel/store/org-index-number.js';
import { preparedQuery } from '../../kernel/store/prepared.js';
import type { BlindIndexTable, CustomersTable } from '../../kernel/store/schema.js';
import type { Db, Engine, Trx } from '../../kernel/store/store.js';
import { deleteIndexOf } from './customer-index.js';
import { type IndexKeyEntry, packIndexKeys } from './index-keys.js';
import { publishPendingIndex } from './pending-index.js';

type Handle = Db | Trx;

const INDEX_COLUMNS = ['org_no', 'field', 'hash', 'customer_id'] as const;

/** The codec's index rows as `blind_index` holds them: scoped by the org's number. */
function searchEntries(
  orgNo: number,
  rows: ReadonlyArray<{ field: string; hash: Buffer; customer_id: string }>,
): BlindIndexTable[] {
  return rows.map((r) => ({ org_no: orgNo, field: r.field, hash: r.hash, customer_id: r.customer_id }));
}

/** A customer row as callers build it: its index keys are packed from its index rows on insert. */
export type NewCustomerRow = Omit<CustomersTable, 'index_keys'>;

const byIndex = preparedQuery<{ customer_id: string }, [number, string, Buffer]>((db, arg) =>
  db
    .selectFrom('blind_index')
    .select('customer_id')
    .where('org_no', '=', arg(0))
    .where('field', '=', arg(1))
    .where('hash', '=', arg(2))
    .limit(500),
);
const oneRow = preparedQuery<CustomersTable, [string, string]>((db, arg) =>
  db.selectFrom('customers').selectAll().where('org_id', '=', arg(0)).where('id', '=', arg(1)),
);
// By customer id alone (ids are UUIDs, and callers have checked the customer's org): with an org
// condition too, SQLite without statistics picks the (org, field, value) index and scans the org.
const onePublic = preparedQuery<{ customer_id: string; field: string; value: string }, [string]>((db, arg) =>
  db
    .selectFrom('customer_public')
    .select(['customer_id', 'field', 'value'])
    .where('customer_id', '=', arg(0)),
);
const onePurposes = preparedQuery<{ customer_id: string; purpose_key: string }, [string, string]>((db, arg) =>
  db
    .selectFrom('customer_purposes')
    .select(['customer_id', 'purpose_key'])
    .where('org_id', '=', arg(0))
    .where('customer_id', '=', arg(1)),
);

/** Kysely queries of the customers module; writes take the transaction handle. */
export function createCustomerRepo(orgId: string, engine: Engine) {
  const orgNo = orgIndexNumber(orgId);
  async function shredMany(trx: Trx, ids: readonly string[], at: string): Promise<void> {
    if (ids.length === 0) return;
    const list = [...ids];
    await deleteIndexOf(trx, list);
    await trx
      .updateTable('customers')
      .set({
        wrapped_dek: null,
        blob_l2: null,
        blob_l3: null,
        blob_l4: null,
        status: 'erased',
        erased_at: at,
        updated_at: at,
        index_keys: null,
      })
      .where('id', 'in', list)
      .execute();
    await trx.deleteFrom('customer_public').where('customer_id', 'in', list).execute();
  }

  return {
    async insertMany(
      trx: Trx,
      customers: NewCustomerRow[],
      publicRows: Array<{ org_id: string; customer_id: string; field: string; value: string }>,
      indexRows: Array<{ org_id: string; field: string; hash: Buffer; customer_id: string }>,
      purposeRows: Array<{ org_id: string; customer_id: string; purpose_key: string; added_at: string }>,
      /**
       * Where the index rows go: `blind_index` (default); `pendingBatch`: the pending table, published
       * by publishPendingIndex; `deferIndex`: nowhere yet, only the customer row's keys, published by
       * publishBatchIndex (imports, whose customers all carry their batch id).
       */
      opts: { pendingBatch?: string; deferIndex?: boolean } = {},
    ): Promise<void> {
      const keysOf = new Map<string, IndexKeyEntry[]>();
      for (const r of indexRows) {
        const list = keysOf.get(r.customer_id);
        if (list) list.push(r);
        else keysOf.set(r.customer_id, [r]);
      }
      const rows: CustomersTable[] = customers.map((c) => ({
        ...c,
        index_keys: packIndexKeys(keysOf.get(c.id) ?? []),
      }));
      await insertRows(engine, trx, 'customers', CUSTOMER_COLUMNS, rows);
      await insertRows(
        engine,
        trx,
        'customer_public',
        ['org_id', 'customer_id', 'field', 'value'],
        publicRows,
      );
      const batchId = opts.pendingBatch;
      if (batchId !== undefined)
        await insertRows(
          engine,
          trx,
          'blind_index_pending',
          ['batch_id', 'org_id', 'field', 'hash', 'customer_id'],
          indexRows.map((r) => ({ batch_id: batchId, ...r })),
        );
      else if (!opts.deferIndex)
        await insertRows(engine, trx, 'blind_index', INDEX_COLUMNS, searchEntries(orgNo, indexRows));
      await insertRows(
        engine,
        trx,
        'customer_purposes',
        ['org_id', 'customer_id', 'purpose_key', 'added_at'],
        purposeRows,
      );
    },

    async getRow(db: Handle, id: string): Promise<CustomersTable | undefined> {
      return (await oneRow(engine, db, orgId, id))[0];
    },

    async getRows(db: Handle, ids: readonly string[]): Promise<CustomersTable[]> {
      if (ids.length === 0) return [];
      if (ids.length === 1) return oneRow(engine, db, orgId, ids[0] as string);
      // By id alone, the org checked here: with an org condition beside the id list, SQLite picks an
      // index led by org_id and scans the org (40 ms a call in a store of a million customers).
      const rows = await db
        .selectFrom('customers')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.filter((r) => r.org_id === orgId);
    },

    async publicValues(
      db: Handle,
      ids: readonly string[],
    ): Promise<Array<{ customer_id: string; field: string; value: string }>> {
      if (ids.length === 0) return [];
      if (ids.length === 1) return onePublic(engine, db, ids[0] as string);
      return db
        .selectFrom('customer_public')
        .select(['customer_id', 'field', 'value'])
        .where('customer_id', 'in', [...ids])
        .execute();
    },

    async purposesOf(
      db: Handle,
      ids: readonly string[],
    ): Promise<Array<{ customer_id: string; purpose_key: string }>> {
      if (ids.length === 0) return [];
      if (ids.length === 1) return onePurposes(engine, db, orgId, ids[0] as string);
      return db
        .selectFrom('customer_purposes')
        .select(['customer_id', 'purpose_key'])
        .where('org_id', '=', orgId)
        .where('customer_id', 'in', [...ids])
        .execute();
    },

    /** Customers whose blind index for `field` equals `hash` (at most 500). */
    async findByIndex(db: Handle, field: string, hash: Buffer): Promise<string[]> {
      return (await byIndex(engine, db, orgNo, field, hash)).map((r) => r.customer_id);
    },

    async replaceValues(
      trx: Trx,
      id: string,
      update: Pick<
        CustomersTable,
        'wrapped_dek' | 'key_version' | 'blob_l2' | 'blob_l3' | 'blob_l4' | 'updated_at' | 'flags'
      >,
      publicRows: Array<{ org_id: string; customer_id: string; field: string; value: string }>,
      indexRows: Array<{ org_id: string; field: string; hash: Buffer; customer_id: string }>,
    ): Promise<void> {
      // The old entries are found from the keys the row still holds, so they go before the update.
      await deleteIndexOf(trx, [id]);
      await trx
        .updateTable('customers')
        .set({ ...update, index_keys: packIndexKeys(indexRows) })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
      await trx.deleteFrom('customer_public').where('customer_id', '=', id).execute();
      if (publicRows.length) await trx.insertInto('customer_public').values(publicRows).execute();
      if (indexRows.length)
        await trx.insertInto('blind_index').values(searchEntries(orgNo, indexRows)).execute();
    },

    /**
     * Replaces the search-index entries of these customers (their values unchanged): the old entries
     * go by the keys each row records, then each row records the new keys and the new entries go live.
     */
    async replaceIndex(
      trx: Trx,
      entries: ReadonlyMap<string, ReadonlyArray<{ field: string; hash: Buffer; customer_id: string }>>,
    ): Promise<void> {
      if (entries.size === 0) return;
      await deleteIndexOf(trx, [...entries.keys()]);
      for (const [id, rows] of entries)
        await trx
          .updateTable('customers')
          .set({ index_keys: packIndexKeys(rows) })
          .where('id', '=', id)
          .execute();
      await insertRows(
        engine,
        trx,
        'blind_index',
        INDEX_COLUMNS,
        searchEntries(orgNo, [...entries.values()].flat()),
      );
    },

    /** Crypto-shredding: the wrapped key and every ciphertext go; index and public rows go too. */
    async shred(trx: Trx, id: string, at: string): Promise<void> {
      await shredMany(trx, [id], at);
    },

    /**
     * shred for many customers of this org at once (callers have checked them); by id alone, as an
     * org_id predicate beside an id list makes SQLite scan the org.
     */
    shredMany,

    /** Moves a bulk load's pending index rows into the search index (see pending-index.ts). */
    publishPendingIndex(trx: Trx, batchId: string): Promise<number> {
      return publishPendingIndex(engine, trx, orgId, batchId);
    },

    async erasureOf(db: Handle, id: string): Promise<{ id: string; at: string } | undefined> {
      return db
        .selectFrom('erasures')
        .select(['id', 'at'])
        .where('org_id', '=', orgId)
        .where('customer_id', '=', id)
        .orderBy('at', 'desc')
        .executeTakeFirst();
    },
  };
}

export type CustomerRepo = ReturnType<typeof createCustomerRepo>;
