import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrationsFor } from '../../src/kernel/store/migrations/index.js';
import type { Database as Schema } from '../../src/kernel/store/schema.js';
import { openStore, type Store, type StoreLocation } from '../../src/kernel/store/store.js';
import type { EngineTarget } from './engines.js';

/** The schema before migration 010, for tests that seed a store at an earlier migration. */
export type SchemaBefore010 = Omit<Schema, 'blind_index'> & {
  /** `blind_index` repeated the org's id in every entry. */
  blind_index: { org_id: string; field: string; hash: Buffer; customer_id: string };
};

/**
 * A fresh store brought up to `migration` only, seeded there by `seed`, then opened as the app opens it
 * (which runs the later migrations): what a migration test checks the migration against.
 */
export async function storeMigratedFrom<T>(
  target: EngineTarget,
  migration: string,
  seed: (db: Kysely<SchemaBefore010>) => Promise<T>,
): Promise<{ store: Store; seeded: T; cleanup(): Promise<void> }> {
  const fresh = await target.fresh();
  const location: StoreLocation =
    target.engine === 'sqlite'
      ? { engine: 'sqlite', file: join(fresh.dataDir, 'custodian.db') }
      : { engine: 'postgres', url: fresh.dbUrl as string };
  const db = new Kysely<SchemaBefore010>({
    dialect:
      location.engine === 'sqlite'
        ? new SqliteDialect({ database: new Database(location.file) })
        : new PostgresDialect({ pool: new pg.Pool({ connectionString: location.url, max: 1 }) }),
  });
  let seeded: T;
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrationsFor({ engine: location.engine }) },
    });
    const { error } = await migrator.migrateTo(migration);
    if (error) throw error;
    seeded = await seed(db);
  } finally {
    await db.destroy();
  }
  const store = await openStore(location);
  return {
    store,
    seeded,
    cleanup: async () => {
      await store.close();
      await fresh.cleanup();
    },
  };
}
