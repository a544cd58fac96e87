import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

const PAGE = 5000;

/** Layout v1 of customers.index_keys, frozen here as it was when this migration landed. */
function pack(rows: ReadonlyArray<{ field: string; hash: Uint8Array }>): Buffer {
  const parts: Buffer[] = [Buffer.from([0x01])];
  for (const r of rows) {
    const field = Buffer.from(r.field, 'utf8');
    parts.push(Buffer.from([field.length]), field, Buffer.from([r.hash.length]), Buffer.from(r.hash));
  }
  return Buffer.concat(parts);
}

/**
 * A narrower write path for bulk loads (docs/adr/0011-index-keys-in-the-customer-row.md):
 * - each customer's blind-index keys move into its own row (`index_keys`), so `blind_index` loses its
 *   by-customer index: a customer's entries are deleted by primary key from the keys its row holds;
 * - pending index rows are clustered by customer (no separate customer index);
 * - the parent and owner indexes leave out customers without one (most of them): every query on them
 *   compares with `=` or `in`, which implies not null, so both engines still use them.
 * Existing customers get their keys from the index rows they have, live or pending. Frozen once landed.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const sqlite = ctx.engine === 'sqlite';
  const bytes = sqlite ? sql`blob` : sql`bytea`;
  await sql`alter table customers add column index_keys ${bytes}`.execute(db);

  let after = '';
  for (;;) {
    const ids = (
      await sql<{
        id: string;
      }>`select id from customers where id > ${after} order by id limit ${PAGE}`.execute(db)
    ).rows.map((r) => r.id);
    if (ids.length === 0) break;
    after = ids[ids.length - 1] as string;
    const rows = await sql<{ customer_id: string; field: string; hash: Uint8Array }>`
      select customer_id, field, hash from blind_index where customer_id in (${sql.join(ids)})
      union all
      select customer_id, field, hash from blind_index_pending where customer_id in (${sql.join(ids)})`.execute(
      db,
    );
    const byCustomer = new Map<string, Array<{ field: string; hash: Uint8Array }>>();
    for (const r of rows.rows) {
      let list = byCustomer.get(r.customer_id);
      if (!list) {
        list = [];
        byCustomer.set(r.customer_id, list);
      }
      list.push({ field: r.field, hash: r.hash });
    }
    for (const [id, list] of byCustomer)
      await sql`update customers set index_keys = ${pack(list)} where id = ${id}`.execute(db);
  }

  await sql`drop index blind_index_customer`.execute(db);

  await sql`create table blind_index_pending_v2 (
    batch_id text not null, org_id text not null, field text not null, hash ${bytes} not null,
    customer_id text not null,
    constraint blind_index_pending_v2_pk primary key (customer_id, field, hash)
  ) ${sqlite ? sql`without rowid` : sql``}`.execute(db);
  await sql`insert into blind_index_pending_v2 (batch_id, org_id, field, hash, customer_id)
    select batch_id, org_id, field, hash, customer_id from blind_index_pending where true
    on conflict do nothing`.execute(db);
  await sql`drop table blind_index_pending`.execute(db);
  await sql`alter table blind_index_pending_v2 rename to blind_index_pending`.execute(db);

  await sql`drop index customers_parent`.execute(db);
  await sql`create index customers_parent on customers (org_id, parent_id) where parent_id is not null`.execute(
    db,
  );
  await sql`drop index customers_owner`.execute(db);
  await sql`create index customers_owner on customers (org_id, owner_id) where owner_id is not null`.execute(
    db,
  );
}
