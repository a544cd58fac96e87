import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * People and permissions: users (scrypt password hashes, TOTP secrets sealed under a per-user key
 * wrapped by the org key), sessions (ids stored as SHA-256 only), custom roles, customer shares (data
 * scope), export approvals (four-eyes rule for bulk or sensitive exports). Frozen once landed.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const bytes = ctx.engine === 'postgres' ? sql`bytea` : sql`blob`;
  const big = ctx.engine === 'postgres' ? sql`bigint` : sql`integer`;

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('team', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('must_change_password', 'integer', (c) => c.notNull())
    .addColumn('totp_wrapped_key', bytes)
    .addColumn('totp_sealed', bytes)
    .addColumn('totp_enabled', 'integer', (c) => c.notNull())
    .addColumn('totp_last_step', big)
    .addColumn('failed_attempts', 'integer', (c) => c.notNull())
    .addColumn('lockouts', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_login_at', 'text')
    .addColumn('password_changed_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('users_org_username')
    .on('users')
    .columns(['org_id', 'username'])
    .unique()
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('ip_hash', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['org_id', 'user_id']).execute();

  await db.schema
    .createTable('roles')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('grants', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('roles_pk', ['org_id', 'key'])
    .execute();

  await db.schema
    .createTable('customer_shares')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_shares_pk', ['customer_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('customer_shares_user')
    .on('customer_shares')
    .columns(['org_id', 'user_id'])
    .execute();
  await db.schema.createIndex('customers_owner').on('customers').columns(['org_id', 'owner_id']).execute();

  await db.schema
    .createTable('export_approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('query_summary', 'text', (c) => c.notNull())
    .addColumn('row_count', big, (c) => c.notNull())
    .addColumn('revealed_fields', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text')
    .addColumn('reason', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('approver', 'text')
    .addColumn('decision_note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('export_approvals_status')
    .on('export_approvals')
    .columns(['org_id', 'status', 'created_at'])
    .execute();
}
