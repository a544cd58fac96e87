import { sql } from 'kysely';
import type { Db, Engine, Trx } from './store.js';

/**
 * The index of public (L1) values, `customer_public_lookup`, set aside during a bulk load into a
 * (nearly) empty SQLite store and built once at its end (ARCHITECTURE §7; docs/adr/0009). Region,
 * industry, company name and USCC land all over that B-tree, so every chunk rewrites pages across it:
 * without it a 200k-row import's commits took 4.4 s instead of 8.0 s and its public-value inserts
 * 0.6 s instead of 2.8 s; building it afterwards took 0.85 s.
 *
 * Only where rebuilding costs little: the store holds at most `DEFER_MAX_ROWS` public values (every
 * org's), otherwise the index stays and takes the inserts. While it is missing, filters on public
 * values scan `customer_public` (correct, slower); the batch's own public values are visible at once.
 */
export const DEFER_MAX_ROWS = 50_000;

const LOOKUP = 'customer_public_lookup';

/** Drops the lookup index when the store is small enough to rebuild it cheaply; says whether it did. */
export async function deferPublicValueIndex(db: Db, engine: Engine): Promise<boolean> {
  if (engine !== 'sqlite') return false;
  // Counted up to the limit only: a full store answers without a scan of its values.
  const held = await sql<{ n: number }>`select count(*) as n from (select 1 from customer_public limit ${
    DEFER_MAX_ROWS + 1
  })`.execute(db);
  if (Number(held.rows[0]?.n ?? 0) > DEFER_MAX_ROWS) return false;
  await sql`drop index if exists ${sql.id(LOOKUP)}`.execute(db);
  return true;
}

/**
 * Builds the lookup index if it is missing: at the end of a bulk load and after one that failed. The
 * same definition as migration 001's.
 */
export async function ensurePublicValueIndex(db: Db | Trx, engine: Engine): Promise<void> {
  if (engine !== 'sqlite' || (await hasLookup(db))) return;
  await sql`create index if not exists ${sql.id(LOOKUP)} on "customer_public" ("org_id", "field", "value")`.execute(
    db,
  );
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
