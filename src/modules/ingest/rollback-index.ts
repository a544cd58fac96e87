import { sql } from 'kysely';
import { orgIndexNumber } from '../../kernel/store/org-index-number.js';
import type { Store, Trx } from '../../kernel/store/store.js';
import { unpackIndexKeys } from '../customers/index-keys.js';
import { createIngestRepo } from './ingest-repo.js';

/** Customers read per page, and index entries deleted per transaction. */
const READ_PAGE = 5000;
const DELETE_SLICE = 50_000;
const INSERT_ROWS = 300;

/**
 * Removes the search-index entries of a completed batch's customers in key order, before the rollback
 * deletes the customers themselves (SQLite). Customer by customer, the entries of one 500-customer page
 * lie on some 2,500 pages all over `blind_index`, each page was written again at every commit, and a
 * 200k-row rollback spent 39 s in commits. Gathered from the customers' recorded keys into a temporary
 * table (keyed hashes and ids only, in SQLite's temp file), they are deleted front to back in slices:
 * each index page is rewritten about once. Running it again after a crash finds what is left.
 * PostgreSQL marks index entries dead in place; its rollback keeps deleting page by page.
 */
export async function deleteBatchIndexInKeyOrder(
  store: Store,
  orgId: string,
  batchId: string,
  /** Records a slice's deletion in its own transaction (the audit trail). */
  recordSlice: (trx: Trx, entries: number) => Promise<unknown>,
): Promise<number> {
  if (store.engine !== 'sqlite') return 0;
  const db = store.db;
  const repo = createIngestRepo(orgId);
  // On disk, in SQLite's temp file: a million customers' keys would not fit the memory budget. Set
  // before the tables exist (changing temp_store drops temporary tables) and outside a transaction.
  await sql`pragma temp_store = FILE`.execute(db);
  try {
    await sql`drop table if exists temp.rollback_keys`.execute(db);
    await sql`create temp table rollback_keys (seq integer primary key, field text not null, hash blob not null, customer_id text not null)`.execute(
      db,
    );
    await sql`create temp table rollback_unsorted (field text not null, hash blob not null, customer_id text not null)`.execute(
      db,
    );
    let after = '';
    for (;;) {
      const rows = await repo.batchCustomers(db, batchId, READ_PAGE, after);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]?.id as string;
      const entries = rows.flatMap((r) =>
        unpackIndexKeys(r.index_keys).map((k) => sql`(${k.field}, ${k.hash}, ${r.id})`),
      );
      for (let i = 0; i < entries.length; i += INSERT_ROWS)
        await sql`insert into temp.rollback_unsorted values ${sql.join(entries.slice(i, i + INSERT_ROWS))}`.execute(
          db,
        );
    }
    await sql`insert into temp.rollback_keys (field, hash, customer_id)
      select field, hash, customer_id from temp.rollback_unsorted order by field, hash, customer_id`.execute(
      db,
    );
    await sql`drop table temp.rollback_unsorted`.execute(db);
    const last = await sql<{ n: number | null }>`select max(seq) as n from temp.rollback_keys`.execute(db);
    const total = Number(last.rows[0]?.n ?? 0);
    let deleted = 0;
    for (let from = 1; from <= total; from += DELETE_SLICE) {
      deleted += await store.transaction(async (trx) => {
        const res =
          await sql`delete from blind_index where org_no = ${orgIndexNumber(orgId)} and (field, hash, customer_id) in
          (select field, hash, customer_id from temp.rollback_keys where seq between ${from} and ${
            from + DELETE_SLICE - 1
          })`.execute(trx);
        const n = Number(res.numAffectedRows ?? 0n);
        if (n > 0) await recordSlice(trx, n);
        return n;
      });
    }
    return deleted;
  } finally {
    await sql`drop table if exists temp.rollback_keys`.execute(db);
    await sql`drop table if exists temp.rollback_unsorted`.execute(db);
    await sql`pragma temp_store = MEMORY`.execute(db);
  }
}
