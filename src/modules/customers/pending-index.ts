import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { insertRows } from '../../kernel/store/bulk-insert.js';
import { orgIndexNumber } from '../../kernel/store/org-index-number.js';
import { type Db, type Engine, SQLITE_CACHE_KIB, type Trx } from '../../kernel/store/store.js';
import { INDEX_KEYS_FUNCTION, registerIndexKeysFunction, unpackIndexKeys } from './index-keys.js';

/**
 * Makes a bulk load searchable (docs/adr/0009-deferred-search-index.md): its pending index rows move
 * into `blind_index` in key order, in one sorted pass, and leave the pending table. Transfer receipts
 * write pending rows; imports did until this version (an unfinished batch of theirs may still hold some).
 *
 * On SQLite, run it in `store.bulkTransaction`: the sorts and the statement journal then spill to
 * temporary files instead of memory (a million customers' index rows sorted in memory took 800 MB).
 * They hold keyed hashes and ids, no personal data in clear; SQLite deletes them when the statement ends.
 * `blind_index` has no index by customer since migration 008 (each customer's row records its keys),
 * so this is the only B-tree the pass fills.
 */
export async function publishPendingIndex(
  engine: Engine,
  trx: Trx,
  orgId: string,
  batchId: string,
): Promise<number> {
  const orgNo = orgIndexNumber(orgId);
  return sortingInSqlite(engine, trx, async () => {
    const counted = await trx
      .selectFrom('blind_index_pending')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('batch_id', '=', batchId)
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    const pending = Number(counted.n);
    if (pending === 0) return 0;
    // One pass in the key's order: the table is read once and the B-tree filled front to back.
    const res = await trx
      .insertInto('blind_index')
      .columns(['org_no', 'field', 'hash', 'customer_id'])
      .expression((eb) =>
        eb
          .selectFrom('blind_index_pending')
          .select([sql<number>`cast(${orgNo} as bigint)`.as('org_no'), 'field', 'hash', 'customer_id'])
          .where('batch_id', '=', batchId)
          .where('org_id', '=', orgId)
          .orderBy('field')
          .orderBy('hash')
          .orderBy('customer_id'),
      )
      .executeTakeFirst();
    const moved = Number(res.numInsertedOrUpdatedRows ?? 0n);
    // Without zeroing the freed pages: they hold the same keyed hashes blind_index now holds. (Rows of
    // customers erased during the batch were deleted with secure_delete on, when they were erased.)
    if (engine === 'sqlite') await sql`pragma secure_delete = OFF`.execute(trx);
    try {
      const all = await trx
        .selectFrom('blind_index_pending')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      // The only batch pending (the usual case): a delete without a condition frees the table's pages
      // wholesale instead of removing five index entries per customer one by one.
      if (Number(all.n) === pending) await trx.deleteFrom('blind_index_pending').execute();
      else
        await trx
          .deleteFrom('blind_index_pending')
          .where('batch_id', '=', batchId)
          .where('org_id', '=', orgId)
          .execute();
    } finally {
      if (engine === 'sqlite') await sql`pragma secure_delete = ON`.execute(trx);
    }
    return moved;
  });
}

/**
 * Runs a big sorted insert with SQLite's sort set up for it. The sorts' memory is bounded by the page
 * cache, made small here: the pages they write are read once. One helper thread sorts beside the
 * statement (an import's worker is done by then): -18% here. PostgreSQL: `fn` as it is.
 */
async function sortingInSqlite<T>(engine: Engine, trx: Trx, fn: () => Promise<T>): Promise<T> {
  if (engine !== 'sqlite') return fn();
  await sql`pragma cache_size = -16384`.execute(trx);
  await sql`pragma threads = 1`.execute(trx);
  try {
    return await fn();
  } finally {
    await sql`pragma threads = 0`.execute(trx);
    await sql`pragma cache_size = ${sql.raw(String(SQLITE_CACHE_KIB))}`.execute(trx);
  }
}

/**
 * The index keys an import batch's customers' rows record, a page of customers at a time (keyset by
 * id, on `customers_batch`): what publishing on PostgreSQL inserts and what a resumed batch reloads.
 */
export async function* batchIndexKeys(
  db: Db | Trx,
  orgId: string,
  batchId: string,
  customersPerPage = 1000,
): AsyncGenerator<Array<{ customer_id: string; field: string; hash: Buffer }>> {
  let after = '';
  for (;;) {
    const page = await db
      .selectFrom('customers')
      .select(['id', 'index_keys'])
      .where('org_id', '=', orgId)
      .where('batch_id', '=', batchId)
      .where('id', '>', after)
      .where('index_keys', 'is not', null)
      .orderBy('id')
      .limit(customersPerPage)
      .execute();
    if (page.length === 0) return;
    after = (page[page.length - 1] as { id: string }).id;
    yield page.flatMap((c) =>
      unpackIndexKeys(c.index_keys).map((k) => ({ customer_id: c.id, field: k.field, hash: k.hash })),
    );
  }
}

/**
 * Makes an import batch searchable from the keys its customers' rows hold (`customers.index_keys`):
 * an import writes no index rows while it runs, so each customer costs one row write instead of six
 * more (docs/adr/0009-deferred-search-index.md). Customers erased meanwhile hold no keys and are
 * skipped; one re-indexed meanwhile (merged into by a later row) is already in `blind_index`, which
 * the insert leaves as it is. Returns the entries added.
 *
 * SQLite reads the keys through a table-valued function and sorts them itself, in one pass, so the
 * B-tree is filled front to back; run it in `store.bulkTransaction` so the sort spills to a temporary
 * file (keyed hashes and ids only) instead of memory.
 */
export async function publishBatchIndex(
  engine: Engine,
  sqlite: BetterSqlite3.Database | undefined,
  trx: Trx,
  orgId: string,
  batchId: string,
): Promise<number> {
  if (engine === 'sqlite') {
    if (!sqlite) throw new Error('publishBatchIndex on SQLite needs the raw connection');
    registerIndexKeysFunction(sqlite);
    return sortingInSqlite(engine, trx, async () => {
      const res = await sql`
        insert into blind_index (org_no, field, hash, customer_id)
        select ${orgIndexNumber(orgId)}, k.field, k.hash, c.id
          from customers c, ${sql.raw(INDEX_KEYS_FUNCTION)}(c.index_keys) k
         where c.org_id = ${orgId} and c.batch_id = ${batchId} and c.index_keys is not null
         order by 1, 2, 3, 4
        on conflict do nothing`.execute(trx);
      return Number(res.numAffectedRows ?? 0n);
    });
  }
  const orgNo = orgIndexNumber(orgId);
  let added = 0;
  for await (const keys of batchIndexKeys(trx, orgId, batchId)) {
    added += await insertRows(
      engine,
      trx,
      'blind_index',
      ['org_no', 'field', 'hash', 'customer_id'],
      keys.map((k) => ({ org_no: orgNo, field: k.field, hash: k.hash, customer_id: k.customer_id })),
      { ignoreConflicts: true },
    );
  }
  return added;
}
