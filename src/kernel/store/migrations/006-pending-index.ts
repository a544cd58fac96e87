import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Blind-index rows of a bulk load that are not searchable yet (ARCHITECTURE §7): an import appends
 * them here, in arrival order, and moves them into `blind_index` sorted when its batch completes. With
 * random keys inserted live, the index B-tree outgrows the page cache and every row costs a random
 * page write; appended and then sorted, the same rows cost a sequential pass. Frozen once landed.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const bytes = ctx.engine === 'postgres' ? sql`bytea` : sql`blob`;
  await db.schema
    .createTable('blind_index_pending')
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('hash', bytes, (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .execute();
  // Customer ids are time-ordered (UUIDv7), so this index grows at its end like the table does.
  await db.schema
    .createIndex('blind_index_pending_customer')
    .on('blind_index_pending')
    .columns(['customer_id'])
    .execute();
}
