import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Company transfer (公司转让): the org's age identity (sealed), counterparties (their public keys),
 * transfer cases, their frozen membership, the default answers/notice-evidence tables (until the
 * notices module provides its own), and inbound packages on the acquirer's side. Frozen once landed.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const bytes = ctx.engine === 'postgres' ? sql`bytea` : sql`blob`;
  const clustered = ctx.engine === 'sqlite' ? sql`without rowid` : sql``;

  await db.schema
    .createTable('org_identity')
    .addColumn('org_id', 'text', (c) => c.primaryKey())
    .addColumn('wrapped_key', bytes, (c) => c.notNull())
    .addColumn('sealed_identity', bytes, (c) => c.notNull())
    .addColumn('age_recipient', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('counterparties')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('contact', 'text')
    .addColumn('uscc', 'text')
    .addColumn('remote_org_id', 'text', (c) => c.notNull())
    .addColumn('age_recipient', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('counterparties_fingerprint')
    .on('counterparties')
    .columns(['org_id', 'fingerprint'])
    .unique()
    .execute();

  await db.schema
    .createTable('transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('counterparty_id', 'text')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('l4_reason', 'text')
    .addColumn('notice_days', 'integer', (c) => c.notNull())
    .addColumn('planned_date', 'text')
    .addColumn('notice_started_at', 'text')
    .addColumn('readiness', 'text')
    .addColumn('accepted', 'text', (c) => c.notNull())
    .addColumn('manifest', 'text')
    .addColumn('receipt', 'text')
    .addColumn('certificate', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('transfers_org').on('transfers').columns(['org_id', 'created_at']).execute();

  await db.schema
    .createTable('transfer_members')
    .addColumn('transfer_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('disposition', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addPrimaryKeyConstraint('transfer_members_pk', ['transfer_id', 'customer_id'])
    .modifyEnd(clustered)
    .execute();
  await db.schema
    .createIndex('transfer_members_seq')
    .on('transfer_members')
    .columns(['transfer_id', 'seq'])
    .execute();

  await db.schema
    .createTable('transfer_answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('transfer_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('evidence_hash', 'text')
    .execute();
  await db.schema
    .createIndex('transfer_answers_transfer')
    .on('transfer_answers')
    .columns(['transfer_id', 'customer_id'])
    .execute();

  await db.schema
    .createTable('transfer_notice_evidence')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('transfer_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('evidence_hash', 'text')
    .addPrimaryKeyConstraint('transfer_notice_evidence_pk', ['transfer_id', 'customer_id'])
    .modifyEnd(clustered)
    .execute();

  await db.schema
    .createTable('transfer_inbound')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('transfer_id', 'text', (c) => c.notNull())
    .addColumn('seller_fingerprint', 'text', (c) => c.notNull())
    .addColumn('counterparty_id', 'text', (c) => c.notNull())
    .addColumn('merkle_root', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('receipt', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('transfer_inbound_once')
    .on('transfer_inbound')
    .columns(['org_id', 'seller_fingerprint', 'transfer_id'])
    .unique()
    .execute();
}
