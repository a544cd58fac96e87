import type { Grade, KeyRing } from '../../kernel/crypto/key-ring.js';
import { preparedQuery } from '../../kernel/store/prepared.js';
import type { ConsentsTable, CustomersTable } from '../../kernel/store/schema.js';
import type { Db, Store, Trx } from '../../kernel/store/store.js';
import { decodeGrades } from '../customers/customer-codec.js';
import type { FieldValue } from '../customers/customer-types.js';

export interface PurposeDef {
  key: string;
  name: string;
  basis: string;
  retention: string;
  retentionDays: number;
  noticeVersion: string;
}

export interface ConsentRow {
  purpose: string;
  action: 'grant' | 'withdraw';
  at: string;
  channel: string;
  noticeVersion: string;
  evidenceHash: string | null;
  separate: boolean;
}

/** One customer of a scope page with what the transfer steps need; values only for the grades asked. */
export interface ScopedCustomer {
  row: ScopeRow;
  flags: string[];
  values: Record<string, FieldValue>;
  purposes: Array<{ key: string; addedAt: string }>;
  consents: ConsentRow[];
}

/** The customer columns the transfer steps read (not the owner, source or batch). */
export type ScopeRow = Pick<
  CustomersTable,
  | 'id'
  | 'org_id'
  | 'kind'
  | 'status'
  | 'parent_id'
  | 'wrapped_dek'
  | 'blob_l2'
  | 'blob_l3'
  | 'blob_l4'
  | 'flags'
  | 'created_at'
>;

interface PageRows {
  pub: ReadonlyArray<{ customer_id: string; field: string; value: string }>;
  held: ReadonlyArray<{ customer_id: string; purpose_key: string; added_at: string }>;
  /** In time order per customer. */
  consents: ReadonlyArray<
    Pick<
      ConsentsTable,
      | 'id'
      | 'customer_id'
      | 'purpose_key'
      | 'action'
      | 'at'
      | 'channel'
      | 'notice_version'
      | 'evidence_hash'
      | 'separate'
    >
  >;
}

/** Decrypts the asked grades of each row and attaches its public values, purposes and consents. */
function assemble(
  keys: KeyRing,
  rows: readonly ScopeRow[],
  grades: readonly Grade[],
  related: PageRows,
): ScopedCustomer[] {
  const byId = new Map<string, ScopedCustomer>();
  const out = rows.map((row) => {
    const values: Record<string, FieldValue> =
      grades.length > 0 && row.wrapped_dek ? decodeGrades(keys, row, grades).values : {};
    const c: ScopedCustomer = {
      row,
      flags: row.flags === '[]' ? [] : (JSON.parse(row.flags) as string[]),
      values,
      purposes: [],
      consents: [],
    };
    byId.set(row.id, c);
    return c;
  });
  for (const p of related.pub) {
    const c = byId.get(p.customer_id);
    if (c) c.values[p.field] = JSON.parse(p.value) as FieldValue;
  }
  for (const h of related.held)
    byId.get(h.customer_id)?.purposes.push({ key: h.purpose_key, addedAt: h.added_at });
  for (const r of related.consents)
    byId.get(r.customer_id)?.consents.push({
      purpose: r.purpose_key,
      action: r.action,
      at: r.at,
      channel: r.channel,
      noticeVersion: r.notice_version,
      evidenceHash: r.evidence_hash,
      separate: r.separate === 1,
    });
  return out;
}

/** Loads purposes, consents, public values and decrypted grades for one page of customers. */
export async function loadPage(
  db: Db | Trx,
  keys: KeyRing,
  orgId: string,
  rows: readonly CustomersTable[],
  grades: readonly Grade[],
): Promise<ScopedCustomer[]> {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const [pub, held, consents] = await Promise.all([
    db
      // By primary key (customer ids are this org's): an org_id predicate makes SQLite scan the org.
      .selectFrom('customer_public')
      .select(['customer_id', 'field', 'value'])
      .where('customer_id', 'in', ids)
      .execute(),
    db
      .selectFrom('customer_purposes')
      .select(['customer_id', 'purpose_key', 'added_at'])
      .where('org_id', '=', orgId)
      .where('customer_id', 'in', ids)
      .execute(),
    db
      .selectFrom('consents')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('customer_id', 'in', ids)
      .orderBy('at')
      .orderBy('id')
      .execute(),
  ]);
  return assemble(keys, rows, grades, { pub, held, consents });
}

// One page of a frozen transfer's members to hand over (seq order) and what belongs to them, each a
// query compiled once: the members' (transfer_id, seq) index, then the other tables by customer id.
// No org_id predicates (they make SQLite scan the org's index for every page): rows of another org
// are dropped by the caller, and the related rows only attach to the rows kept.
const memberCustomers = preparedQuery<ScopeRow & { seq: number }, [string, number, number]>((db, arg) =>
  db
    .selectFrom('transfer_members as m')
    .innerJoin('customers as c', 'c.id', 'm.customer_id')
    .select([
      'm.seq',
      'c.id',
      'c.org_id',
      'c.kind',
      'c.status',
      'c.parent_id',
      'c.wrapped_dek',
      'c.blob_l2',
      'c.blob_l3',
      'c.blob_l4',
      'c.flags',
      'c.created_at',
    ])
    .where('m.transfer_id', '=', arg(0))
    .where('m.disposition', '=', 'transfer')
    .where('m.seq', '>', arg(1))
    .orderBy('m.seq')
    .limit(arg(2)),
);
const memberPublic = preparedQuery<PageRows['pub'][number], [string, number, number]>((db, arg) =>
  db
    .selectFrom('transfer_members as m')
    .innerJoin('customer_public as p', 'p.customer_id', 'm.customer_id')
    .select(['p.customer_id', 'p.field', 'p.value'])
    .where('m.transfer_id', '=', arg(0))
    .where('m.disposition', '=', 'transfer')
    .where('m.seq', '>', arg(1))
    .where('m.seq', '<=', arg(2)),
);
const memberPurposes = preparedQuery<PageRows['held'][number], [string, number, number]>((db, arg) =>
  db
    .selectFrom('transfer_members as m')
    .innerJoin('customer_purposes as h', 'h.customer_id', 'm.customer_id')
    .select(['h.customer_id', 'h.purpose_key', 'h.added_at'])
    .where('m.transfer_id', '=', arg(0))
    .where('m.disposition', '=', 'transfer')
    .where('m.seq', '>', arg(1))
    .where('m.seq', '<=', arg(2)),
);
const memberConsents = preparedQuery<PageRows['consents'][number], [string, number, number]>((db, arg) =>
  db
    .selectFrom('transfer_members as m')
    .innerJoin('consents as k', 'k.customer_id', 'm.customer_id')
    .select([
      'k.id',
      'k.customer_id',
      'k.purpose_key',
      'k.action',
      'k.at',
      'k.channel',
      'k.notice_version',
      'k.evidence_hash',
      'k.separate',
    ])
    .where('m.transfer_id', '=', arg(0))
    .where('m.disposition', '=', 'transfer')
    .where('m.seq', '>', arg(1))
    .where('m.seq', '<=', arg(2)),
);

/** One page of members to hand over, read but not yet decrypted: audit `ids`, then `open` it. */
export interface MemberPage {
  /** Every member of the page (also those erased since the split), for the write-ahead audit. */
  ids: string[];
  /** The last seq of the page: the cursor for the next one. */
  lastSeq: number;
  /** Decrypts the page's live customers of this org, with their related rows. */
  open(grades: readonly Grade[]): Promise<ScopedCustomer[]>;
}

/**
 * Reads the next page of a frozen transfer's members to hand over (seq > `after`), or null at the end.
 * Nothing is decrypted until `open` is called, so the caller audits the page first (write-ahead).
 */
export async function readMemberPage(
  store: Pick<Store, 'engine' | 'db'>,
  keys: KeyRing,
  orgId: string,
  transferId: string,
  after: number,
  limit: number,
): Promise<MemberPage | null> {
  const members = await memberCustomers(store.engine, store.db, transferId, after, limit);
  if (members.length === 0) return null;
  const lastSeq = (members[members.length - 1] as { seq: number }).seq;
  return {
    ids: members.map((m) => m.id),
    lastSeq,
    async open(grades) {
      // Erased since the split (a rights request): not handed over.
      const rows = members.filter((r) => r.org_id === orgId && r.status === 'active');
      if (rows.length === 0) return [];
      const [pub, held, consents] = await Promise.all([
        memberPublic(store.engine, store.db, transferId, after, lastSeq),
        memberPurposes(store.engine, store.db, transferId, after, lastSeq),
        memberConsents(store.engine, store.db, transferId, after, lastSeq),
      ]);
      // The ledger in time order (as `loadPage` reads it), sorted here rather than by the database.
      consents.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return assemble(keys, rows, grades, { pub, held, consents });
    },
  };
}

export async function loadPurposes(db: Db | Trx, orgId: string): Promise<Map<string, PurposeDef>> {
  const rows = await db.selectFrom('purposes').selectAll().where('org_id', '=', orgId).execute();
  return new Map(
    rows.map((r) => [
      r.key,
      {
        key: r.key,
        name: r.name,
        basis: r.basis,
        retention: r.retention,
        retentionDays: r.retention_days,
        noticeVersion: r.notice_version,
      },
    ]),
  );
}

/** The latest ledger entry per purpose (the ledger is in time order). */
export function latestConsent(c: ScopedCustomer, purpose: string): ConsentRow | undefined {
  let last: ConsentRow | undefined;
  for (const r of c.consents) if (r.purpose === purpose) last = r;
  return last;
}

/** Whether a purpose gives a basis now (mirrors consent.basisFor: consent purposes need a live grant). */
export function hasBasis(c: ScopedCustomer, p: PurposeDef): boolean {
  if (!c.purposes.some((h) => h.key === p.key)) return false;
  if (p.basis !== 'consent') return true;
  return latestConsent(c, p.key)?.action === 'grant';
}

/** Age in whole years at `now` from an 18-digit ID number or a YYYY-MM-DD birthday. */
export function ageOf(values: Record<string, FieldValue>, now: Date): number | null {
  let y: number | undefined;
  let m: number | undefined;
  let d: number | undefined;
  const id = values.idNumber;
  const bd = values.birthday;
  if (typeof id === 'string' && /^\d{17}[\dX]$/.test(id)) {
    y = Number(id.slice(6, 10));
    m = Number(id.slice(10, 12));
    d = Number(id.slice(12, 14));
  } else if (typeof bd === 'string' && /^\d{4}-\d{2}-\d{2}/.test(bd)) {
    y = Number(bd.slice(0, 4));
    m = Number(bd.slice(5, 7));
    d = Number(bd.slice(8, 10));
  }
  if (!y || !m || !d) return null;
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age -= 1;
  return age;
}

/** Whether a customer matches the scope's tag (tags are an L2 list). */
export function hasTag(values: Record<string, FieldValue>, tag: string | undefined): boolean {
  if (!tag) return true;
  const tags = values.tags;
  return Array.isArray(tags) ? tags.includes(tag) : tags === tag;
}
