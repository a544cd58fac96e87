/**
 * A customer's blind-index keys, packed into its own row (`customers.index_keys`, migration 008).
 * They say which `blind_index` rows belong to the customer, so erasing or re-indexing it deletes those
 * rows by their primary key: the table needs no second index by customer (five entries a customer,
 * and at a bulk load's end a rebuild of all of them). Keyed hashes only, never a value.
 *
 * Layout v1: [0x01] then per key [field length u8][field, UTF-8][hash length u8][hash].
 */
const FORMAT_V1 = 0x01;

export interface IndexKeyEntry {
  field: string;
  hash: Buffer;
}

export function packIndexKeys(rows: readonly IndexKeyEntry[]): Buffer | null {
  if (rows.length === 0) return null;
  let size = 1;
  const fields = rows.map((r) => Buffer.from(r.field, 'utf8'));
  for (let i = 0; i < rows.length; i++)
    size += 2 + (fields[i] as Buffer).length + (rows[i] as IndexKeyEntry).hash.length;
  const out = Buffer.allocUnsafe(size);
  out[0] = FORMAT_V1;
  let at = 1;
  for (let i = 0; i < rows.length; i++) {
    const field = fields[i] as Buffer;
    const hash = (rows[i] as IndexKeyEntry).hash;
    if (field.length > 255 || hash.length > 255) throw new RangeError('index key too long');
    out[at++] = field.length;
    at += field.copy(out, at);
    out[at++] = hash.length;
    at += hash.copy(out, at);
  }
  return out;
}

export function unpackIndexKeys(packed: Uint8Array | null | undefined): IndexKeyEntry[] {
  if (!packed || packed.length === 0) return [];
  const buf = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  if (buf[0] !== FORMAT_V1) throw new RangeError(`unknown index_keys format ${buf[0]}`);
  const out: IndexKeyEntry[] = [];
  let at = 1;
  while (at < buf.length) {
    const fieldLen = buf[at++] as number;
    if (at + fieldLen + 1 > buf.length) throw new RangeError('truncated index_keys');
    const field = buf.toString('utf8', at, at + fieldLen);
    at += fieldLen;
    const hashLen = buf[at++] as number;
    if (at + hashLen > buf.length) throw new RangeError('truncated index_keys');
    out.push({ field, hash: Buffer.from(buf.subarray(at, at + hashLen)) });
    at += hashLen;
  }
  return out;
}
