import { sql } from 'kysely';
import { type Engine, SQLITE_CACHE_KIB, type Trx } from '../../kernel/store/store.js';

/**
 * Makes a bulk load searchable (docs/adr/0009-deferred-search-index.md): its pending index rows move
 * into `blind_index` in key order, in one sorted pass, and leave the pending table.
 *
 * On SQLite two more things keep this fast and small:
 * - run it in `store.bulkTransaction`: the sorts and the statement journal then spill to temporary
 *   files instead of memory (a million customers' index rows sorted in memory took 800 MB). They hold
 *   keyed hashes and ids, no personal data in clear; SQLite deletes them when the statement ends.
 * - when the batch is large beside what is indexed already (its rows outnumber the store's customers,
 *   i.e. it adds about a fifth or more), the by-customer index is dropped and built again after the
 *   insert: built from a sort, instead of one random page write per row (24 s against 59 s for five
 *   million rows here). The drop is part of the transaction, so a failure leaves the index as it was.
 */
export async function publishPendingIndex(engine: Engine, trx: Trx, batchId: string): Promise<number> {
  const sqlite = engine === 'sqlite';
  // The sorts' memory is bounded by the page cache, made small here: the pages they write are read once.
  // One helper thread sorts beside the statement (the import's worker is done by now): -18% here.
  if (sqlite) {
    await sql`pragma cache_size = -16384`.execute(trx);
    await sql`pragma threads = 1`.execute(trx);
  }
  try {
    const counted = await trx
      .selectFrom('blind_index_pending')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('batch_id', '=', batchId)
      .executeTakeFirstOrThrow();
    const pending = Number(counted.n);
    if (pending === 0) return 0;
    let rebuild = false;
    if (sqlite) {
      const customers = await trx
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      rebuild = pending >= Number(customers.n);
    }
    if (rebuild) {
      // Its freed pages are not zeroed: they hold ids and keyed hashes of live customers, which the
      // table keeps anyway (an erased customer's entries were zeroed when it was erased).
      await sql`pragma secure_delete = OFF`.execute(trx);
      await sql`drop index blind_index_customer`.execute(trx);
      await sql`pragma secure_delete = ON`.execute(trx);
    }
    // One pass in the key's order: the table is read once and the B-tree filled front to back.
    const res = await trx
      .insertInto('blind_index')
      .columns(['org_id', 'field', 'hash', 'customer_id'])
      .expression((eb) =>
        eb
          .selectFrom('blind_index_pending')
          .select(['org_id', 'field', 'hash', 'customer_id'])
          .where('batch_id', '=', batchId)
          .orderBy('org_id')
          .orderBy('field')
          .orderBy('hash')
          .orderBy('customer_id'),
      )
      .executeTakeFirst();
    const moved = Number(res.numInsertedOrUpdatedRows ?? 0n);
    // Same definition (and text, in sqlite_master) as migration 001 gave it.
    if (rebuild)
      await trx.schema
        .createIndex('blind_index_customer')
        .on('blind_index')
        .columns(['customer_id'])
        .execute();
    // Without zeroing the freed pages: they hold the same keyed hashes blind_index now holds. (Rows of
    // customers erased during the batch were deleted with secure_delete on, when they were erased.)
    if (sqlite) await sql`pragma secure_delete = OFF`.execute(trx);
    const all = await trx
      .selectFrom('blind_index_pending')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // The only batch pending (the usual case): a delete without a condition frees the table's pages
    // wholesale instead of removing five index entries per customer one by one.
    if (Number(all.n) === pending) await trx.deleteFrom('blind_index_pending').execute();
    else await trx.deleteFrom('blind_index_pending').where('batch_id', '=', batchId).execute();
    return moved;
  } finally {
    if (sqlite) {
      await sql`pragma secure_delete = ON`.execute(trx);
      await sql`pragma threads = 0`.execute(trx);
      await sql`pragma cache_size = ${sql.raw(String(SQLITE_CACHE_KIB))}`.execute(trx);
    }
  }
}
