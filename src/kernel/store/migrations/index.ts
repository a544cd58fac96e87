import type { Kysely, Migration } from 'kysely';
import * as m001 from './001-vault.js';

export interface MigrationContext {
  engine: 'sqlite' | 'postgres';
}

interface EngineMigration {
  up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void>;
}

/** Ordered and frozen: append new migrations, never edit a landed one. */
const MIGRATIONS: Array<[string, EngineMigration]> = [['001-vault', m001]];

export function migrationsFor(ctx: MigrationContext): Record<string, Migration> {
  const out: Record<string, Migration> = {};
  for (const [name, m] of MIGRATIONS) out[name] = { up: (db) => m.up(db, ctx) };
  return out;
}
