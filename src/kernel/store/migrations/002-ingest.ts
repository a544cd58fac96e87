import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Import batches and what they keep: the quarantine of rejected rows (sealed under a per-batch data
 * key), merge conflicts and before-images of merged customers (sealed under the customer's own key, so
 * erasing the customer shreds them too). Frozen once landed.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const bytes = ctx.engine === 'postgres' ? sql`bytea` : sql`blob`;
  const big = ctx.engine === 'postgres' ? sql`bigint` : sql`integer`;

  await db.schema
    .createTable('import_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('file_size', big, (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('rows_done', big, (c) => c.notNull())
    .addColumn('wrapped_key', bytes)
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('import_batches_file')
    .on('import_batches')
    .columns(['org_id', 'file_sha256', 'status'])
    .execute();
  await db.schema
    .createIndex('import_batches_created')
    .on('import_batches')
    .columns(['org_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('import_quarantine')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('seq', big, (c) => c.notNull())
    .addColumn('sheet', 'text', (c) => c.notNull())
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('sealed', bytes, (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addPrimaryKeyConstraint('import_quarantine_pk', ['batch_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('import_quarantine_row')
    .on('import_quarantine')
    .columns(['batch_id', 'row_number'])
    .execute();

  await db.schema
    .createTable('import_conflicts')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('sheet', 'text', (c) => c.notNull())
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('sealed', bytes, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('import_conflicts_batch')
    .on('import_conflicts')
    .columns(['batch_id', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('import_conflicts_customer')
    .on('import_conflicts')
    .columns(['customer_id'])
    .execute();

  await db.schema
    .createTable('import_merges')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('before_sealed', bytes, (c) => c.notNull())
    .addColumn('added_purposes', 'text', (c) => c.notNull())
    .addColumn('after_updated_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_merges_pk', ['batch_id', 'customer_id'])
    .execute();
  await db.schema.createIndex('customers_batch').on('customers').columns(['org_id', 'batch_id']).execute();
}
