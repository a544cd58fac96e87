import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Notices to customers (PIPL Art. 22/23) and their answers: campaigns, one delivery per
 * campaign+customer+channel (the unique key is the idempotency claim), portal links (tokens and
 * one-time codes stored hashed), answers, the suppression list and delivery evidence. No column holds
 * a plaintext address: destinations are keyed hashes. Frozen once landed.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const bytes = ctx.engine === 'postgres' ? sql`bytea` : sql`blob`;

  await db.schema
    .createTable('notice_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('transfer_id', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('facts', 'text', (c) => c.notNull())
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('consent_purpose', 'text')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('planned_date', 'text', (c) => c.notNull())
    .addColumn('closes_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notice_campaigns_transfer')
    .on('notice_campaigns')
    .columns(['org_id', 'transfer_id'])
    .execute();

  await db.schema
    .createTable('notice_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('dest_hash', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('provider', 'text')
    .addColumn('provider_ref', 'text')
    .addColumn('error_code', 'text')
    .addColumn('evidence_hash', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The idempotency key: one notice per campaign, customer and channel, ever.
  await db.schema
    .createIndex('notice_deliveries_once')
    .on('notice_deliveries')
    .columns(['campaign_id', 'customer_id', 'channel'])
    .unique()
    .execute();
  await db.schema
    .createIndex('notice_deliveries_due')
    .on('notice_deliveries')
    .columns(['org_id', 'status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('notice_deliveries_ref')
    .on('notice_deliveries')
    .columns(['org_id', 'provider_ref'])
    .execute();
  await db.schema
    .createIndex('notice_deliveries_customer')
    .on('notice_deliveries')
    .columns(['org_id', 'customer_id'])
    .execute();

  await db.schema
    .createTable('notice_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('sealed', bytes, (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('otp_hash', 'text')
    .addColumn('otp_expires_at', 'text')
    .addColumn('otp_attempts', 'integer', (c) => c.notNull())
    .addColumn('otp_codes', 'integer', (c) => c.notNull())
    .addColumn('otp_sent_at', 'text')
    .addColumn('form_nonce_hash', 'text')
    .addColumn('form_stage', 'text')
    .addColumn('verified_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notice_links_code')
    .on('notice_links')
    .columns(['org_id', 'code_hash'])
    .unique()
    .execute();

  await db.schema
    .createTable('notice_answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('evidence_hash', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notice_answers_campaign')
    .on('notice_answers')
    .columns(['campaign_id', 'customer_id', 'at'])
    .execute();

  await db.schema
    .createTable('notice_suppressions')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('dest_hash', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notice_suppressions_pk', ['org_id', 'channel', 'dest_hash'])
    .execute();

  await db.schema
    .createTable('notice_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notice_events_delivery')
    .on('notice_events')
    .columns(['delivery_id', 'at'])
    .execute();
}
