import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import type { CustomerKind, FieldValue } from '../customers/customer-types.js';
import { legacySearchForm, searchForm } from '../customers/field-values.js';

export type BlindIndexer = Pick<KeyRing, 'blindIndex'>;

/** A blind-index entry: the same keyed hash the vault stores, so store lookups and file keys agree. */
export interface IndexKey {
  field: string;
  hash: Buffer;
}

/**
 * What makes two rows the same customer (CN-USER-CONVENTIONS §1.3): the ID number, the USCC of a
 * company (its normalised name when it has none), or mobile and name together.
 */
export interface IdentityKeys {
  strong: IndexKey[];
  /** `legacyName`: the name's entry as stores indexed it before names were folded (see legacySearchForm). */
  pair: { mobile: IndexKey; name: IndexKey; legacyName: IndexKey | null } | null;
}

function indexKey(keys: BlindIndexer, field: string, value: FieldValue | undefined): IndexKey | null {
  if (typeof value !== 'string' || value === '') return null;
  return { field, hash: keys.blindIndex(field, searchForm(field, value)) };
}

/** A name's key in the form stores indexed it before names were folded, where that differs. */
function legacyKey(keys: BlindIndexer, field: string, value: FieldValue | undefined): IndexKey | null {
  if (typeof value !== 'string' || value === '') return null;
  const legacy = legacySearchForm(field, value);
  return legacy === null ? null : { field, hash: keys.blindIndex(field, legacy) };
}

const present = (k: IndexKey | null): k is IndexKey => k !== null;

export function identityKeys(
  keys: BlindIndexer,
  kind: CustomerKind,
  values: Record<string, FieldValue>,
): IdentityKeys {
  if (kind === 'company') {
    const uscc = indexKey(keys, 'uscc', values.uscc);
    if (uscc) return { strong: [uscc], pair: null };
    const names = [
      indexKey(keys, 'companyName', values.companyName),
      legacyKey(keys, 'companyName', values.companyName),
    ];
    return { strong: names.filter(present), pair: null };
  }
  const id = indexKey(keys, 'idNumber', values.idNumber);
  const mobile = indexKey(keys, 'mobile', values.mobile);
  const name = indexKey(keys, 'name', values.name);
  const pair = mobile && name ? { mobile, name, legacyName: legacyKey(keys, 'name', values.name) } : null;
  return { strong: id ? [id] : [], pair };
}

/** How a contact's company is looked for: USCC first, then the normalised company name (both forms). */
export function companyKeys(keys: BlindIndexer, ref: { companyName?: string; uscc?: string }): IndexKey[] {
  return [
    indexKey(keys, 'uscc', ref.uscc),
    indexKey(keys, 'companyName', ref.companyName),
    legacyKey(keys, 'companyName', ref.companyName),
  ].filter(present);
}

/** Map key of an index entry for one kind: 16 hash bytes as a latin1 string, no plaintext. */
export function mapKey(kind: CustomerKind, key: IndexKey): string {
  return `${kind}|${key.field}|${key.hash.toString('latin1')}`;
}

export function pairKey(kind: CustomerKind, pair: { mobile: IndexKey; name: IndexKey }): string {
  return `${kind}|mobile+name|${pair.mobile.hash.toString('latin1')}${pair.name.hash.toString('latin1')}`;
}

/** Every map key of a row's identity, strongest first. */
export function identityMapKeys(kind: CustomerKind, ids: IdentityKeys): string[] {
  const out = ids.strong.map((k) => mapKey(kind, k));
  if (ids.pair) out.push(pairKey(kind, ids.pair));
  return out;
}

/** A chunk's blind indexes by field, then by normalised value. */
export type IndexMemo = Map<string, Map<string, Buffer>>;

/**
 * A chunk's blind indexes, each computed once: dedupe hashes a row's identity keys and sealing the new
 * customer hashes the same values again. Lives for one chunk (its keys are the chunk's plaintext, in
 * memory only); `memo` may start with the hashes a chunk producer already computed. Keyed by field and
 * then by the value itself, not by one joined string: a joined key is a new string each call, hashed
 * anew, and cost as much as the HMAC it saves.
 */
export function chunkIndexer(
  keys: BlindIndexer,
  memo: IndexMemo = new Map(),
): BlindIndexer & { blindIndex: BlindIndexer['blindIndex']; memo: IndexMemo } {
  return {
    memo,
    blindIndex(field: string, value: string): Buffer {
      let byValue = memo.get(field);
      if (!byValue) {
        byValue = new Map();
        memo.set(field, byValue);
      }
      let hash = byValue.get(value);
      if (!hash) {
        hash = keys.blindIndex(field, value);
        byValue.set(value, hash);
      }
      return hash;
    },
  };
}
