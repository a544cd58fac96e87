import type { Grade, SealingKeys } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { CustomerKind, FieldDef, FieldValue } from './customer-types.js';
import { searchForm } from './field-values.js';
import { maskField } from './masking.js';

/** Key in the L3 blob holding the masked forms of L4 values, so showing them never opens L4. */
export const MASKED_L4_KEY = '$maskedL4';

export interface EncodedCustomer {
  wrappedDek: Buffer;
  keyVersion: number;
  blobs: { L2: Buffer | null; L3: Buffer | null; L4: Buffer | null };
  publicRows: Array<{ org_id: string; customer_id: string; field: string; value: string }>;
  indexRows: Array<{ org_id: string; field: string; hash: Buffer; customer_id: string }>;
}

export type FieldValues = Map<string, { def: FieldDef; value: FieldValue }>;

/** A customer's values with their catalog definitions; keys the catalog does not know are left out. */
export function catalogValues(
  catalog: ReadonlyMap<string, FieldDef>,
  values: Record<string, FieldValue>,
): FieldValues {
  const out: FieldValues = new Map();
  for (const [key, value] of Object.entries(values)) {
    const def = catalog.get(key);
    if (def) out.set(key, { def, value });
  }
  return out;
}

/** Computes a blind index; bulk paths pass a memo so keys already hashed for dedupe are not hashed twice. */
export type BlindIndexFn = (field: string, normalisedValue: string) => Buffer;

/** Seals a customer's values: L1 in clear (public by definition), L2–L4 as one blob per grade. */
export function encodeCustomer(
  keys: SealingKeys,
  customerId: string,
  values: FieldValues,
  dek?: Buffer,
  blindIndex: BlindIndexFn = (field, value) => keys.blindIndex(field, value),
): EncodedCustomer {
  const orgId = keys.orgId;
  const customerKey = dek ?? keys.newCustomerKey();
  const byGrade: Record<'L2' | 'L3' | 'L4', Record<string, unknown> | null> = {
    L2: null,
    L3: null,
    L4: null,
  };
  const publicRows: EncodedCustomer['publicRows'] = [];
  const indexRows: EncodedCustomer['indexRows'] = [];
  const maskedL4: Record<string, FieldValue> = {};
  for (const [key, { def, value }] of values) {
    if (def.grade === 'L1') {
      publicRows.push({ org_id: orgId, customer_id: customerId, field: key, value: JSON.stringify(value) });
    } else {
      const blob = byGrade[def.grade] ?? {};
      blob[key] = value;
      byGrade[def.grade] = blob;
      if (def.grade === 'L4') maskedL4[key] = maskField(def, value);
    }
    addIndexRows(indexRows, orgId, customerId, key, def, value, blindIndex);
  }
  if (Object.keys(maskedL4).length > 0) byGrade.L3 = { ...(byGrade.L3 ?? {}), [MASKED_L4_KEY]: maskedL4 };
  const seal = (g: 'L2' | 'L3' | 'L4'): Buffer | null => {
    const fields = byGrade[g];
    return fields ? keys.sealGradeBlob(customerId, g, customerKey, fields) : null;
  };
  return {
    wrappedDek: keys.wrapCustomerKey(customerId, customerKey),
    keyVersion: keys.activeVersion,
    blobs: { L2: seal('L2'), L3: seal('L3'), L4: seal('L4') },
    publicRows,
    indexRows,
  };
}

/** A customer's search-index entries: one per searchable value, and a mobile's last four digits. */
export function indexRowsOf(
  keys: SealingKeys,
  customerId: string,
  values: FieldValues,
): EncodedCustomer['indexRows'] {
  const rows: EncodedCustomer['indexRows'] = [];
  const blindIndex: BlindIndexFn = (field, value) => keys.blindIndex(field, value);
  for (const [key, { def, value }] of values)
    addIndexRows(rows, keys.orgId, customerId, key, def, value, blindIndex);
  return rows;
}

function addIndexRows(
  rows: EncodedCustomer['indexRows'],
  orgId: string,
  customerId: string,
  key: string,
  def: FieldDef,
  value: FieldValue,
  blindIndex: BlindIndexFn,
): void {
  if (!def.searchable || typeof value !== 'string') return;
  rows.push({
    org_id: orgId,
    field: key,
    hash: blindIndex(key, searchForm(key, value)),
    customer_id: customerId,
  });
  if (def.type === 'mobile' && value.length >= 4)
    rows.push({
      org_id: orgId,
      field: 'mobileLast4',
      hash: blindIndex('mobileLast4', value.slice(-4)),
      customer_id: customerId,
    });
}

/** Public (L1) values as stored, one JSON text per field, gathered by customer. */
export function publicValuesByCustomer(
  rows: ReadonlyArray<{ customer_id: string; field: string; value: string }>,
): Map<string, Record<string, FieldValue>> {
  const out = new Map<string, Record<string, FieldValue>>();
  for (const p of rows) {
    const values = out.get(p.customer_id) ?? {};
    values[p.field] = JSON.parse(p.value) as FieldValue;
    out.set(p.customer_id, values);
  }
  return out;
}

export interface StoredCustomer {
  id: string;
  kind: CustomerKind;
  wrapped_dek: Buffer | null;
  blob_l2: Buffer | null;
  blob_l3: Buffer | null;
  blob_l4: Buffer | null;
}

/** Opens the requested grades of one customer; L1 comes from its public rows. */
export function decodeGrades(
  keys: SealingKeys,
  row: StoredCustomer,
  grades: readonly Grade[],
): { dek: Buffer; values: Record<string, FieldValue>; maskedL4: Record<string, FieldValue> } {
  if (!row.wrapped_dek) throw new AppError('CUSTOMER_NOT_FOUND', { id: row.id });
  const dek = keys.unwrapCustomerKey(row.id, row.wrapped_dek);
  const values: Record<string, FieldValue> = {};
  let maskedL4: Record<string, FieldValue> = {};
  const blobs: Record<'L2' | 'L3' | 'L4', Buffer | null> = {
    L2: row.blob_l2,
    L3: row.blob_l3,
    L4: row.blob_l4,
  };
  for (const g of grades) {
    if (g === 'L1') continue;
    const blob = blobs[g];
    if (!blob) continue;
    const opened = keys.openGradeBlob(row.id, g, dek, blob);
    if (g === 'L3' && opened[MASKED_L4_KEY]) {
      maskedL4 = opened[MASKED_L4_KEY] as Record<string, FieldValue>;
      delete opened[MASKED_L4_KEY];
    }
    Object.assign(values, opened);
  }
  return { dek, values, maskedL4 };
}
