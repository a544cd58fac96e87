import type { EncodedCustomer } from '../customers/customer-codec.js';
import type { ProducedChunk } from './chunk-producer.js';
import type { IndexMemo } from './dedupe-keys.js';
import type { PreSealed } from './vault-writer.js';

const DEK_BYTES = 32;
const HASH_BYTES = 16;
/** Per sealed row: lengths of wrapped key and L2/L3/L4 blobs (-1: none), public and index row counts. */
const SLOTS = 6;

/**
 * A produced chunk as it crosses from the worker: rows as plain data, and every sealed byte (keys,
 * wrapped keys, blobs, hashes) in one transferred ArrayBuffer. Structured clone would otherwise copy
 * each small Buffer's whole 8 KB pool slab and make the writer thread allocate a Buffer per field.
 */
export interface ChunkMessage {
  type: 'chunk';
  parsed: ProducedChunk['parsed'];
  lastSeq: number;
  stats: ProducedChunk['stats'];
  bytesDone: number;
  bytesTotal: number;
  ids: string[];
  keyVersion: number;
  lens: Int32Array;
  publicPairs: string[];
  indexFields: string[];
  /** The memo's fields, how many values each has, and those values in the same order. */
  memoFields: string[];
  memoCounts: number[];
  memoValues: string[];
  bin: ArrayBuffer;
}

export function packChunk(
  chunk: ProducedChunk,
  keepValidCells: boolean,
): { message: ChunkMessage; transfer: ArrayBuffer[] } {
  const sealed = chunk.parsed.valid.map((v) => v.sealed);
  let size = 0;
  for (const byValue of chunk.memo.values()) size += byValue.size * HASH_BYTES;
  for (const s of sealed) {
    if (!s) continue;
    const { enc } = s;
    size += DEK_BYTES + enc.wrappedDek.length + enc.indexRows.length * HASH_BYTES;
    for (const b of [enc.blobs.L2, enc.blobs.L3, enc.blobs.L4]) size += b?.length ?? 0;
  }
  const bin = new Uint8Array(size);
  let at = 0;
  const put = (b: Uint8Array): void => {
    bin.set(b, at);
    at += b.length;
  };
  const lens = new Int32Array(sealed.length * SLOTS);
  const ids: string[] = [];
  const publicPairs: string[] = [];
  const indexFields: string[] = [];
  let keyVersion = 0;
  sealed.forEach((s, i) => {
    ids.push(s?.id ?? '');
    if (!s) {
      lens[i * SLOTS] = -2;
      return;
    }
    const { enc } = s;
    keyVersion = enc.keyVersion;
    put(s.dek);
    put(enc.wrappedDek);
    lens[i * SLOTS] = enc.wrappedDek.length;
    [enc.blobs.L2, enc.blobs.L3, enc.blobs.L4].forEach((b, g) => {
      lens[i * SLOTS + 1 + g] = b ? b.length : -1;
      if (b) put(b);
    });
    lens[i * SLOTS + 4] = enc.publicRows.length;
    for (const p of enc.publicRows) publicPairs.push(p.field, p.value);
    lens[i * SLOTS + 5] = enc.indexRows.length;
    for (const r of enc.indexRows) {
      indexFields.push(r.field);
      put(r.hash);
    }
  });
  const memoFields: string[] = [];
  const memoCounts: number[] = [];
  const memoValues: string[] = [];
  for (const [field, byValue] of chunk.memo) {
    memoFields.push(field);
    memoCounts.push(byValue.size);
    for (const [value, hash] of byValue) {
      memoValues.push(value);
      put(hash);
    }
  }
  const parsed = {
    ...chunk.parsed,
    valid: chunk.parsed.valid.map(({ row, ref, headers, cells, mapping }) => ({
      row,
      ref,
      headers,
      cells: keepValidCells ? cells : [],
      ...(keepValidCells && mapping ? { mapping } : {}),
    })),
  };
  return {
    message: {
      type: 'chunk',
      parsed,
      lastSeq: chunk.lastSeq,
      stats: chunk.stats,
      bytesDone: chunk.bytesDone,
      bytesTotal: chunk.bytesTotal,
      ids,
      keyVersion,
      lens,
      publicPairs,
      indexFields,
      memoFields,
      memoCounts,
      memoValues,
      bin: bin.buffer,
    },
    transfer: [bin.buffer],
  };
}

/** Rebuilds the chunk on the writer's side; Buffers are views of the one transferred ArrayBuffer. */
export function unpackChunk(m: ChunkMessage, orgId: string): ProducedChunk {
  const bin = Buffer.from(m.bin);
  let at = 0;
  const take = (n: number): Buffer => {
    const b = bin.subarray(at, at + n);
    at += n;
    return b;
  };
  let pub = 0;
  let idx = 0;
  const valid = m.parsed.valid.map((v, i) => {
    const id = m.ids[i] as string;
    const lens = m.lens.subarray(i * SLOTS, (i + 1) * SLOTS);
    if (lens[0] === -2) return v;
    const dek = take(DEK_BYTES);
    const wrappedDek = take(lens[0] as number);
    const blob = (g: number): Buffer | null => {
      const n = lens[1 + g] as number;
      return n < 0 ? null : take(n);
    };
    const blobs = { L2: blob(0), L3: blob(1), L4: blob(2) };
    const publicRows: EncodedCustomer['publicRows'] = [];
    for (let k = 0; k < (lens[4] as number); k++, pub += 2)
      publicRows.push({
        org_id: orgId,
        customer_id: id,
        field: m.publicPairs[pub] as string,
        value: m.publicPairs[pub + 1] as string,
      });
    const indexRows: EncodedCustomer['indexRows'] = [];
    for (let k = 0; k < (lens[5] as number); k++, idx++)
      indexRows.push({
        org_id: orgId,
        field: m.indexFields[idx] as string,
        hash: take(HASH_BYTES),
        customer_id: id,
      });
    const sealed: PreSealed = {
      id,
      dek,
      enc: { wrappedDek, keyVersion: m.keyVersion, blobs, publicRows, indexRows },
    };
    return { ...v, sealed };
  });
  const memo: IndexMemo = new Map();
  let value = 0;
  m.memoFields.forEach((field, f) => {
    const byValue = new Map<string, Buffer>();
    for (let k = 0; k < (m.memoCounts[f] as number); k++)
      byValue.set(m.memoValues[value++] as string, take(HASH_BYTES));
    memo.set(field, byValue);
  });
  return {
    parsed: { ...m.parsed, valid },
    lastSeq: m.lastSeq,
    stats: m.stats,
    bytesDone: m.bytesDone,
    bytesTotal: m.bytesTotal,
    memo,
  };
}
