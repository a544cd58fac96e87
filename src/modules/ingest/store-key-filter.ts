import { sql } from 'kysely';
import { orgIndexNumber } from '../../kernel/store/org-index-number.js';
import type { Trx } from '../../kernel/store/store.js';
import type { IndexKey } from './dedupe-keys.js';
import { LOOKUP_FIELDS } from './pending-keys.js';

/**
 * Which of a chunk's lookup keys the store may hold, for a bulk load into a large store
 * (docs/adr/0013-large-loads-into-a-large-store.md). Nearly every key an import looks up is new, and in
 * a store of a million customers each probe of `blind_index` lands on a leaf page the page cache does
 * not hold: 1M rows into a store of 1M spent 18–20 s on 16,100 lookup queries. A Bloom filter of the
 * org's lookup keys, read once at the start (0.5–1 s for 2.2M keys), answers "certainly not held" for
 * almost all of them, and only the rest are looked up.
 *
 * It never answers "not held" for a key the store holds when it was read, and stays true only while
 * nothing else writes: `WriteMarks` tell the runner when another connection or another statement on this
 * one has written since, and the runner then drops the filter and looks every key up again. The keys the
 * import itself writes to the live index (re-indexed existing customers) are added as it goes.
 *
 * Positions come straight from the keyed hash (HMAC-SHA256, uniform), its first 8 bytes, salted by field.
 */
export class StoreKeyFilter {
  private static readonly BITS_PER_KEY = 10;
  /** Probes per key: under 1% false positives at 10 bits a key (fewer when it holds less than its capacity). */
  private static readonly PROBES = 7;
  private readonly bits: Uint32Array;
  private readonly mask: number;
  private readonly salts = new Map<string, number>();

  constructor(capacity: number) {
    let size = 1 << 16;
    // At most 2^28 bits (32 MiB): a larger load only gets more false positives, each one a lookup.
    while (size < capacity * StoreKeyFilter.BITS_PER_KEY && size < 2 ** 28) size *= 2;
    this.bits = new Uint32Array(size / 32);
    this.mask = size - 1;
  }

  /** Whether the filter answers for this field's keys (other fields are always looked up). */
  static covers(field: string): boolean {
    return LOOKUP_FIELDS.has(field);
  }

  private salt(field: string): number {
    let s = this.salts.get(field);
    if (s === undefined) {
      // FNV-1a of the field name: fixed per field, so two fields' equal hashes set different bits.
      s = 0x811c9dc5;
      for (let i = 0; i < field.length; i++) s = Math.imul(s ^ field.charCodeAt(i), 0x01000193) >>> 0;
      this.salts.set(field, s);
    }
    return s;
  }

  /** Sets (`write`) or tests the key's bits; one walk for both, so adding and asking cannot disagree. */
  private probe(field: string, w0: number, w1: number, write: boolean): boolean {
    const h1 = (w0 ^ this.salt(field)) >>> 0;
    const h2 = (w1 | 1) >>> 0;
    for (let i = 0; i < StoreKeyFilter.PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      const word = this.bits[bit >>> 5] as number;
      if (write) this.bits[bit >>> 5] = word | (1 << (bit & 31));
      else if ((word & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  add(field: string, hash: Buffer): void {
    if (StoreKeyFilter.covers(field) && hash.length >= 8)
      this.probe(field, hash.readUInt32BE(0), hash.readUInt32BE(4), true);
  }

  /** Adds keys given as the hex of their first 8 bytes, concatenated (what the store read returns). */
  addHex(field: string, hex: string): void {
    for (let i = 0; i + 16 <= hex.length; i += 16)
      this.probe(
        field,
        Number.parseInt(hex.slice(i, i + 8), 16),
        Number.parseInt(hex.slice(i + 8, i + 16), 16),
        true,
      );
  }

  /** False only when the store certainly did not hold the key (when read, plus what was added since). */
  mayHold(key: IndexKey): boolean {
    if (!StoreKeyFilter.covers(key.field) || key.hash.length < 8) return true;
    return this.probe(key.field, key.hash.readUInt32BE(0), key.hash.readUInt32BE(4), false);
  }
}

/**
 * What tells whether anything but the import wrote since it last looked (SQLite): `data_version` moves
 * when another connection commits, `total_changes()` counts every row this connection has written,
 * whoever wrote it. Read inside the import's own transactions, which hold the connection and the write
 * lock, so nothing can slip in between the read and the import's statements.
 */
export interface WriteMarks {
  version: number;
  changes: number;
}

export async function writeMarks(trx: Trx): Promise<WriteMarks> {
  const version = await sql<{ data_version: number }>`pragma data_version`.execute(trx);
  const changes = await sql<{ n: number }>`select total_changes() as n`.execute(trx);
  return { version: Number(version.rows[0]?.data_version), changes: Number(changes.rows[0]?.n) };
}

export function sameMarks(a: WriteMarks, b: WriteMarks): boolean {
  return a.version === b.version && a.changes === b.changes;
}

/**
 * Reads the org's lookup keys from `blind_index` into a filter (SQLite), in key ranges of the first
 * byte so SQLite concatenates them itself (one row per range, not per key). Gives up and returns null
 * once more than `maxKeys` are read: the store is too large beside the load for the read to pay.
 * Run in a transaction, and take the marks in it, so the filter and the marks describe the same store.
 */
export async function loadStoreKeyFilter(
  trx: Trx,
  orgId: string,
  maxKeys: number,
): Promise<StoreKeyFilter | null> {
  // Sized for the most it may hold, so each range goes in as it is read and none is kept.
  const filter = new StoreKeyFilter(maxKeys);
  let read = 0;
  for (const field of LOOKUP_FIELDS) {
    for (let b = 0; b < 256; b++) {
      const upper = b < 255 ? sql`and hash < ${Buffer.from([b + 1])}` : sql``;
      const res = await sql<{ hex: string | null; n: number }>`
        select group_concat(hex(substr(hash, 1, 8)), '') as hex, count(*) as n
          from blind_index
         where org_no = ${orgIndexNumber(orgId)} and field = ${field} and hash >= ${Buffer.from([b])} ${upper}`.execute(
        trx,
      );
      const row = res.rows[0];
      read += Number(row?.n ?? 0);
      if (read > maxKeys) return null;
      if (row?.hex) filter.addHex(field, row.hex);
    }
  }
  return filter;
}

/**
 * Keys a file of `bytes` is expected to look up, low on purpose: one per 128 bytes (a generated CSV
 * row of about 220 bytes looks up about two). With `FILTER_STORE_PER_LOAD`, the read is given up on
 * before it costs more than the lookups it would spare.
 */
export function expectedLookupKeys(bytes: number): number {
  return Math.floor(bytes / 128);
}

/** The store may hold this many times the load's expected lookup keys for the filter to be read. */
export const FILTER_STORE_PER_LOAD = 4;
