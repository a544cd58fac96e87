import { sql } from 'kysely';
import { inParts } from '../../kernel/store/in-parts.js';
import { orgIndexNumber } from '../../kernel/store/org-index-number.js';
import type { Db, Trx } from '../../kernel/store/store.js';
import { type IndexKeyEntry, unpackIndexKeys } from './index-keys.js';

type Handle = Db | Trx;

/** Ids per statement: well under both engines' parameter limits, with the hashes beside them. */
const IDS_PER_STATEMENT = 500;

export interface CustomerIndexKeys {
  orgId: string;
  keys: IndexKeyEntry[];
}

/**
 * The blind-index keys the given customers' rows record (`index_keys`), live or still pending; by id
 * alone (callers check the org: with an org condition SQLite may scan the org's index instead).
 */
export async function indexKeysOf(
  db: Handle,
  ids: readonly string[],
): Promise<Map<string, CustomerIndexKeys>> {
  const out = new Map<string, CustomerIndexKeys>();
  for (const part of inParts([...new Set(ids)], IDS_PER_STATEMENT)) {
    const rows = await db
      .selectFrom('customers')
      .select(['id', 'org_id', 'index_keys'])
      .where('id', 'in', part)
      .execute();
    for (const r of rows) out.set(r.id, { orgId: r.org_id, keys: unpackIndexKeys(r.index_keys) });
  }
  return out;
}

/**
 * Deletes the given customers' search-index entries, live and pending. Live ones go by primary key,
 * from the keys each customer's row records: `blind_index` has no index by customer. Their rows keep
 * `index_keys` (callers that erase or replace the values set it).
 */
export async function deleteIndexOf(trx: Trx, ids: readonly string[]): Promise<void> {
  for (const part of inParts([...new Set(ids)], IDS_PER_STATEMENT)) {
    const held = await indexKeysOf(trx, part);
    // (org, field) -> the hashes and the customers holding them: one probe per hash of the primary key,
    // filtered to these customers (any entry of theirs with such a hash is one to delete). The customer
    // filter is an expression on purpose: as a plain IN beside the hash IN, SQLite probes every
    // (hash, customer) combination, 250,000 a statement.
    const groups = new Map<
      string,
      { orgId: string; field: string; hashes: Buffer[]; customers: Set<string> }
    >();
    for (const [id, { orgId, keys }] of held) {
      for (const k of keys) {
        const g = `${orgId}|${k.field}`;
        let group = groups.get(g);
        if (!group) {
          group = { orgId, field: k.field, hashes: [], customers: new Set() };
          groups.set(g, group);
        }
        group.hashes.push(k.hash);
        group.customers.add(id);
      }
    }
    for (const group of groups.values()) {
      for (const hashes of inParts(group.hashes, IDS_PER_STATEMENT))
        await trx
          .deleteFrom('blind_index')
          .where('org_no', '=', orgIndexNumber(group.orgId))
          .where('field', '=', group.field)
          .where('hash', 'in', hashes)
          .where(sql<string>`(customer_id || '')`, 'in', [...group.customers])
          .execute();
    }
    await trx.deleteFrom('blind_index_pending').where('customer_id', 'in', part).execute();
  }
}
