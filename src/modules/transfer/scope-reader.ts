import type { Grade, KeyRing } from '../../kernel/crypto/key-ring.js';
import type { CustomersTable } from '../../kernel/store/schema.js';
import type { Db, Trx } from '../../kernel/store/store.js';
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
  row: CustomersTable;
  flags: string[];
  values: Record<string, FieldValue>;
  purposes: Array<{ key: string; addedAt: string }>;
  consents: ConsentRow[];
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
  const byId = new Map<string, ScopedCustomer>();
  const out = rows.map((row) => {
    const values: Record<string, FieldValue> =
      grades.length > 0 && row.wrapped_dek ? decodeGrades(keys, row, grades).values : {};
    const c: ScopedCustomer = {
      row,
      flags: JSON.parse(row.flags) as string[],
      values,
      purposes: [],
      consents: [],
    };
    byId.set(row.id, c);
    return c;
  });
  for (const p of pub) {
    const c = byId.get(p.customer_id);
    if (c) c.values[p.field] = JSON.parse(p.value) as FieldValue;
  }
  for (const h of held) byId.get(h.customer_id)?.purposes.push({ key: h.purpose_key, addedAt: h.added_at });
  for (const r of consents)
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
