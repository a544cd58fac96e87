import type { IndexKey } from './dedupe-keys.js';

/**
 * Fields a later row of the same batch is looked up by (identity keys and company links). A name is
 * checked only on customers its mobile matched, never looked up alone.
 */
export const LOOKUP_FIELDS: ReadonlySet<string> = new Set(['idNumber', 'uscc', 'companyName', 'mobile']);

const FIELD_SALT: Record<string, number> = {
  idNumber: 0x9e3779b1,
  uscc: 0x85ebca6b,
  companyName: 0xc2b2ae35,
  mobile: 0x27d4eb2f,
};

const MIN_CAPACITY = 1 << 12;

/**
 * The identity keys of customers a running import created whose index rows are still pending
 * (`blind_index_pending`): what lets a row match a customer from an earlier chunk of the same file
 * before that customer is searchable. One batch of a million rows holds about four million keys, so
 * they are kept as 32-bit fingerprints in an open-addressing table over typed arrays (8 bytes a key,
 * not the ~100 of a Map entry); customer ids as 16 bytes each. A fingerprint hit is only a candidate:
 * callers confirm it against the pending rows, so a collision can cost a query but never a false merge.
 */
export class PendingKeys {
  /** Pairs of [fingerprint, ordinal + 1]; ordinal 0 marks an empty slot. */
  private slots = new Uint32Array(MIN_CAPACITY * 2);
  private mask = MIN_CAPACITY - 1;
  private used = 0;
  private ids = Buffer.alloc(16 * 1024);
  private count = 0;
  private readonly ordinals = new Map<string, number>();

  get size(): number {
    return this.used;
  }

  private static fingerprint(field: string, hash: Buffer): number {
    const salt = FIELD_SALT[field] ?? 0x5bd1e995;
    return (hash.readUInt32LE(0) ^ Math.imul(hash.readUInt32LE(4), salt)) >>> 0;
  }

  /** Registers one pending index row; rows of other fields are ignored. */
  add(field: string, hash: Buffer, customerId: string): void {
    if (!LOOKUP_FIELDS.has(field)) return;
    if ((this.used + 1) * 10 > (this.mask + 1) * 7) this.grow();
    this.place(PendingKeys.fingerprint(field, hash), this.ordinalOf(customerId) + 1);
    this.used++;
  }

  /** Customers whose pending rows may hold one of `keys` (to be confirmed against the rows). */
  candidates(keys: readonly IndexKey[]): string[] {
    const out = new Set<number>();
    for (const k of keys) {
      if (!LOOKUP_FIELDS.has(k.field)) continue;
      const fp = PendingKeys.fingerprint(k.field, k.hash);
      for (let i = fp & this.mask; ; i = (i + 1) & this.mask) {
        const ordinal = this.slots[i * 2 + 1] as number;
        if (ordinal === 0) break;
        if (this.slots[i * 2] === fp) out.add(ordinal - 1);
      }
    }
    return [...out].map((o) => this.idAt(o));
  }

  private place(fp: number, value: number): void {
    for (let i = fp & this.mask; ; i = (i + 1) & this.mask) {
      if (this.slots[i * 2 + 1] === 0) {
        this.slots[i * 2] = fp;
        this.slots[i * 2 + 1] = value;
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = this.slots.length / 2 - 1;
    for (let i = 0; i < old.length; i += 2) {
      const value = old[i + 1] as number;
      if (value !== 0) this.place(old[i] as number, value);
    }
  }

  /** Customer ids are UUIDs: kept as their 16 bytes, numbered in arrival order. */
  private ordinalOf(customerId: string): number {
    // The last few ids repeat (a customer's rows arrive together); the map is trimmed to stay small.
    const known = this.ordinals.get(customerId);
    if (known !== undefined) return known;
    if ((this.count + 1) * 16 > this.ids.length) {
      const bigger = Buffer.alloc(this.ids.length * 2);
      this.ids.copy(bigger);
      this.ids = bigger;
    }
    this.ids.write(customerId.replaceAll('-', ''), this.count * 16, 16, 'hex');
    if (this.ordinals.size > 64) this.ordinals.clear();
    this.ordinals.set(customerId, this.count);
    return this.count++;
  }

  private idAt(ordinal: number): string {
    const hex = this.ids.toString('hex', ordinal * 16, ordinal * 16 + 16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
