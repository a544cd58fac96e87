import type { Kysely, Migration } from 'kysely';
import * as m001 from './001-vault.js';
import * as m002 from './002-ingest.js';
import * as m003 from './003-access.js';
import * as m004 from './004-transfer.js';
import * as m005 from './005-notices.js';
import * as m006 from './006-pending-index.js';
import * as m007 from './007-notice-permission.js';
import * as m008 from './008-index-keys.js';
import * as m009 from './009-batch-order.js';
import * as m010 from './010-org-number-in-index.js';

export interface MigrationContext {
  engine: 'sqlite' | 'postgres';
}

interface EngineMigration {
  up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void>;
}

/** Ordered and frozen: append new migrations, never edit a landed one. */
const MIGRATIONS: Array<[string, EngineMigration]> = [
  ['001-vault', m001],
  ['002-ingest', m002],
  ['003-access', m003],
  ['004-transfer', m004],
  ['005-notices', m005],
  ['006-pending-index', m006],
  ['007-notice-permission', m007],
  ['008-index-keys', m008],
  ['009-batch-order', m009],
  ['010-org-number-in-index', m010],
];

export function migrationsFor(ctx: MigrationContext): Record<string, Migration> {
  const out: Record<string, Migration> = {};
  for (const [name, m] of MIGRATIONS) out[name] = { up: (db) => m.up(db, ctx) };
  return out;
}
