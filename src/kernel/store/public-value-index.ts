import { sql } from 'kysely';
import type { Db, Engine, Trx } from './store.js';

/**
 * The index of public (L1) values, `customer_public_lookup`, set aside during a bulk load and built
 * once at its end (ARCHITECTURE §7; docs/adr/0009, 0013). Region, industry, company name and USCC land
 * all over that B-tree, so every chunk rewrites pages across it:
 * - 200k rows into an empty store: commits 4.4 s instead of 8.0 s, public-value inserts 0.6 s instead
 *   of 2.8 s; building it afterwards 0.85 s;
 * - 1M rows into a store of 1M: the inserts took 21.7 s and the commits 61 s (18.8 s into an empty
 *   store), where building the index over all 3.4M values takes about 8 s.
 *
 * Building costs about 2.4 µs a value the store holds; taking the inserts about 30 µs a value the load
 * adds. So it is set aside when the load is large beside the store: the store holds at most
 * `DEFER_MAX_ROWS` values, or at most `DEFER_STORE_PER_LOAD` times the values the load is expected to add.
 * Otherwise the index stays and takes the inserts. While it is missing, filters on public values scan
 * `customer_public` (correct, slower); the load's own public values are visible at once.
 */
export const DEFER_MAX_ROWS = 50_000;

/** How many times the load's expected values the store may hold for the index to be set aside (break-even ~12). */
export const DEFER_STORE_PER_LOAD = 4;

/**
 * Public values a file of `bytes` is expected to add, low on purpose: one per 256 bytes. A generated
 * CSV holds about 1.7 per 220 bytes, so a wrong guess keeps the index rather than rebuilding it for
 * nothing.
 */
export function expectedPublicValues(bytes: number): number {
  return Math.floor(bytes / 256);
}

const LOOKUP = 'customer_public_lookup';

/**
 * Drops the lookup index when rebuilding it costs less than keeping it through a load expected to add
 * `expectedValues` public values; says whether it did.
 */
export async function deferPublicValueIndex(db: Db, engine: Engine, expectedValues = 0): Promise<boolean> {
  if (engine !== 'sqlite') return false;
  const limit = Math.max(DEFER_MAX_ROWS, DEFER_STORE_PER_LOAD * expectedValues);
  // Counted up to the limit only: a store far larger than the load answers without a scan of its values.
  const held = await sql<{ n: number }>`select count(*) as n from (select 1 from customer_public limit ${
    limit + 1
  })`.execute(db);
  if (Number(held.rows[0]?.n ?? 0) > limit) return false;
  // Without zeroing the freed pages (3.3 s of a 1M-value index): they hold the values the table still
  // holds, public ones; an erased customer's entries were zeroed when they were deleted. In a
  // transaction, so no other statement on the connection runs while secure_delete is off.
  await db.transaction().execute(async (trx) => {
    await sql`pragma secure_delete = OFF`.execute(trx);
    try {
      await sql`drop index if exists ${sql.id(LOOKUP)}`.execute(trx);
    } finally {
      await sql`pragma secure_delete = ON`.execute(trx);
    }
  });
  return true;
}

/**
 * Builds the lookup index if it is missing: at the end of a bulk load and after one that failed. The
 * same definition as migration 001's.
 */
export async function ensurePublicValueIndex(db: Db | Trx, engine: Engine): Promise<void> {
  if (engine !== 'sqlite' || (await hasLookup(db))) return;
  // One helper thread sorts beside the statement: 2.9 → 2.4 s for 1.7M values here.
  await sql`pragma threads = 1`.execute(db);
  try {
    await sql`create index if not exists ${sql.id(LOOKUP)} on "customer_public" ("org_id", "field", "value")`.execute(
      db,
    );
  } finally {
    await sql`pragma threads = 0`.execute(db);
  }
}

async function hasLookup(db: Db | Trx): Promise<boolean> {
  const found = await sql`select 1 from sqlite_master where type = 'index' and name = ${LOOKUP}`.execute(db);
  return found.rows.length > 0;
}

/**
 * When a store opens: a bulk load killed midway left the index missing. Rebuilt unless an import holds
 * a live lease (it may be the load that set it aside, and builds it when it ends). Read first, so a
 * store that has it (nearly always) opens without asking for the write lock.
 */
export async function restorePublicValueIndex(db: Db, engine: Engine, now: Date): Promise<void> {
  if (engine !== 'sqlite' || (await hasLookup(db))) return;
  const loading = await db
    .selectFrom('import_batches')
    .select('id')
    .where('status', '=', 'running')
    .where('lease_until', '>', now.toISOString())
    .executeTakeFirst();
  if (!loading) await ensurePublicValueIndex(db, engine);
}
