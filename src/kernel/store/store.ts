import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { AppError, isAppError } from '../errors/app-error.js';
import { migrationsFor } from './migrations/index.js';
import { restorePublicValueIndex } from './public-value-index.js';
import type { Database } from './schema.js';
import { CachedSqliteDialect } from './sqlite-driver.js';

export type Engine = 'sqlite' | 'postgres';

/** SQLite's page cache per connection, as PRAGMA cache_size takes it (negative: KiB), 64 MiB. */
export const SQLITE_CACHE_KIB = -65536;
/**
 * Page size of a new SQLite file. A bulk import writes about a kilobyte and a half a customer across
 * five B-trees; 16 KiB pages take a quarter less CPU to write them than the 4 KiB default.
 */
export const SQLITE_PAGE_BYTES = 16384;

/** PRAGMA wal_autocheckpoint for a WAL of about `bytes` on this file (the pragma counts pages). */
export function walCheckpointPages(raw: BetterSqlite3.Database, bytes: number): number {
  return Math.max(1, Math.round(bytes / Number(raw.pragma('page_size', { simple: true }))));
}
export type Trx = Transaction<Database>;
export type Db = Kysely<Database>;

export interface Store {
  readonly engine: Engine;
  readonly db: Db;
  /** The raw SQLite handle (SQLite only): for the few hot paths and maintenance commands. */
  readonly sqlite: BetterSqlite3.Database | undefined;
  /** Runs `fn` in a write transaction; driver errors come out as AppErrors. */
  transaction<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /**
   * A write transaction for statements over millions of rows (publishing a bulk load's index, a
   * transfer's receive). SQLite: its statement journal and sorts go to temporary files, not memory:
   * SQLite decides where the statement journal lives when the transaction begins, so this must be
   * set before BEGIN (in memory, one INSERT…SELECT of 5M index rows took an extra 1 GB). The files hold
   * page images and sort runs of ciphertext, keyed hashes and ids; SQLite deletes them at the end.
   */
  bulkTransaction<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /**
   * After crypto-shredding: makes sure superseded row versions holding the destroyed key are gone from
   * the files (SQLite: secure_delete zeroes freed cells, the WAL is checkpointed and truncated).
   */
  purgeSuperseded(): Promise<void>;
  close(): Promise<void>;
}

export type StoreLocation = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

/** Driver errors translated once, at the store boundary. Never carries values from the query. */
export function translateStoreError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? '';
  if (code === '23505' || code.startsWith('SQLITE_CONSTRAINT')) {
    return new AppError('CONFLICT', { detail: 'a record with the same key already exists' });
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === '28P01' ||
    code === '3D000' ||
    code === 'SQLITE_CANTOPEN'
  ) {
    return new AppError('STORE_UNAVAILABLE', { detail: code });
  }
  if (code === 'SQLITE_BUSY' || code === '40001' || code === '40P01') {
    return new AppError('STORE_UNAVAILABLE', { detail: 'the database is busy; try again' });
  }
  return new AppError('INTERNAL');
}

function openSqlite(file: string): { db: Db; raw: BetterSqlite3.Database } {
  let raw: BetterSqlite3.Database;
  try {
    raw = new BetterSqlite3(file);
  } catch (err) {
    throw translateStoreError(err);
  }
  // A new file gets larger pages (only possible before its first write); see docs/adr/0019.
  if (raw.pragma('page_count', { simple: true }) === 0) raw.pragma(`page_size = ${SQLITE_PAGE_BYTES}`);
  raw.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a crash loses at most the last transactions, never consistency.
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 10000');
  raw.pragma('foreign_keys = ON');
  // Freed content is overwritten with zeros: an erased customer's wrapped key must not linger in free pages.
  raw.pragma('secure_delete = ON');
  raw.pragma(`cache_size = ${SQLITE_CACHE_KIB}`);
  raw.pragma('temp_store = MEMORY');
  return { db: new Kysely<Database>({ dialect: new CachedSqliteDialect(raw) }), raw };
}

function openPostgres(url: string): Db {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => {
      // int8 as number: sequence numbers stay far below 2^53.
      if (oid === 20) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  pool.on('error', () => {
    // An idle client's error must not crash the process; the next query reports it.
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Opens the store and brings its schema up to date with the bundled migrations. */
export async function openStore(location: StoreLocation): Promise<Store> {
  let db: Db;
  let raw: BetterSqlite3.Database | undefined;
  if (location.engine === 'sqlite') {
    const opened = openSqlite(location.file);
    db = opened.db;
    raw = opened.raw;
  } else {
    db = openPostgres(location.url);
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrationsFor({ engine: location.engine }) },
  });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy().catch(() => undefined);
    throw translateStoreError(error);
  }
  try {
    await restorePublicValueIndex(db, location.engine, new Date());
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw translateStoreError(err);
  }
  async function transaction<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    try {
      return await db.transaction().execute(fn);
    } catch (err) {
      throw translateStoreError(err);
    }
  }
  return {
    engine: location.engine,
    db,
    sqlite: raw,
    transaction,
    async bulkTransaction<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
      if (!raw) return transaction(fn);
      // Through the connection's queue: temp_store cannot change while a transaction is open on it.
      await sql`pragma temp_store = FILE`.execute(db);
      try {
        return await transaction(fn);
      } finally {
        await sql`pragma temp_store = MEMORY`.execute(db);
      }
    },
    async purgeSuperseded() {
      // PostgreSQL keeps dead tuples until VACUUM reuses their space; see docs/adr/0002-erasure.md.
      // Through the connection's queue: a checkpoint while another transaction of this process is
      // open on the connection (an import's chunk, say) fails with SQLITE_LOCKED.
      if (raw) await db.connection().execute((conn) => sql`pragma wal_checkpoint(TRUNCATE)`.execute(conn));
    },
    close: () => db.destroy(),
  };
}
