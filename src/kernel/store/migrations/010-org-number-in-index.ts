import { type Kysely, sql } from 'kysely';
import { orgIndexNumber } from '../org-index-number.js';
import type { MigrationContext } from './index.js';

/**
 * `blind_index` scopes its entries by the org's number (org-index-number.ts) instead of repeating the
 * org's 36-character id in each of them: the table and a bulk load's merge into it shrink by a third
 * (docs/adr/0015-org-number-in-the-search-index.md). The entries are copied in key order into the new
 * table, which then takes the old one's name. `blind_index_pending` keeps the org id: it is empty but
 * for a transfer receipt in progress, and publishing maps it. Frozen once landed.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const sqlite = ctx.engine === 'sqlite';
  const bytes = sqlite ? sql`blob` : sql`bytea`;
  const clustered = sqlite ? sql`without rowid` : sql``;
  await sql`create table blind_index_v2 (
    org_no bigint not null,
    field text not null,
    hash ${bytes} not null,
    customer_id text not null,
    constraint blind_index_v2_pk primary key (org_no, field, hash, customer_id)
  ) ${clustered}`.execute(db);

  const orgs = (await sql<{ org_id: string }>`select distinct org_id from blind_index`.execute(db)).rows;
  if (orgs.length > 0) {
    const number = sql.join(
      orgs.map((o) => sql`when ${o.org_id} then cast(${orgIndexNumber(o.org_id)} as bigint)`),
      sql` `,
    );
    await sql`insert into blind_index_v2 (org_no, field, hash, customer_id)
      select case org_id ${number} end, field, hash, customer_id from blind_index
      order by 1, 2, 3, 4`.execute(db);
  }
  // The old pages hold the same keyed hashes the new table holds; an erased customer's entries were
  // zeroed when they were deleted.
  if (sqlite) await sql`pragma secure_delete = OFF`.execute(db);
  try {
    await sql`drop table blind_index`.execute(db);
  } finally {
    if (sqlite) await sql`pragma secure_delete = ON`.execute(db);
  }
  await sql`alter table blind_index_v2 rename to blind_index`.execute(db);
}
