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
 * `blind_index` has no index by customer since migration 008 (each customer's row records its keys),
 * so this is the only B-tree the pass fills.
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
