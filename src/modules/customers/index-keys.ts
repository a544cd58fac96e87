import type BetterSqlite3 from 'better-sqlite3';

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
  const out: IndexKeyEntry[] = [];
  for (const [field, hash] of eachIndexKey(packed)) out.push({ field, hash: Buffer.from(hash) });
  return out;
}

/** Walks a packed key list; each hash is a view into `packed` (copy it to keep it). */
function* eachIndexKey(
  packed: Uint8Array | null | undefined,
  fieldAt: (buf: Buffer, start: number, length: number) => string = (buf, start, length) =>
    buf.toString('utf8', start, start + length),
): Generator<[string, Buffer]> {
  if (!packed || packed.length === 0) return;
  const buf = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  if (buf[0] !== FORMAT_V1) throw new RangeError(`unknown index_keys format ${buf[0]}`);
  let at = 1;
  while (at < buf.length) {
    const fieldLen = buf[at++] as number;
    if (at + fieldLen + 1 > buf.length) throw new RangeError('truncated index_keys');
    const field = fieldAt(buf, at, fieldLen);
    at += fieldLen;
    const hashLen = buf[at++] as number;
    if (at + hashLen > buf.length) throw new RangeError('truncated index_keys');
    yield [field, buf.subarray(at, at + hashLen)];
    at += hashLen;
  }
}

/** Name of the SQLite table-valued function over a packed key list: `(field, hash)` per key. */
export const INDEX_KEYS_FUNCTION = 'custodian_index_keys';

const withFunction = new WeakSet<BetterSqlite3.Database>();

/**
 * Field names as they are packed, decoded once: a bulk load reads millions of keys over a handful of
 * fields. Matched on every byte, so two names never share a string.
 */
class FieldNames {
  private readonly known: Array<{ bytes: Buffer; name: string }> = [];

  at(buf: Buffer, start: number, length: number): string {
    for (const k of this.known) {
      if (k.bytes.length !== length) continue;
      let i = 0;
      while (i < length && k.bytes[i] === buf[start + i]) i++;
      if (i === length) return k.name;
    }
    const bytes = Buffer.from(buf.subarray(start, start + length));
    const name = bytes.toString('utf8');
    // Bounded: a store has a few dozen fields; past that, names are decoded each time.
    if (this.known.length < 64) this.known.push({ bytes, name });
    return name;
  }
}

/**
 * Lets SQL read a customer's keys from its row (`… from customers, custodian_index_keys(index_keys)`),
 * so a bulk load's index is built from the rows it wrote, sorted by SQLite, with no copy of the keys
 * kept on the side (docs/adr/0009-deferred-search-index.md). Once per connection.
 */
export function registerIndexKeysFunction(db: BetterSqlite3.Database): void {
  if (withFunction.has(db)) return;
  const names = new FieldNames();
  db.table(INDEX_KEYS_FUNCTION, {
    columns: ['field', 'hash'],
    parameters: ['packed'],
    // Only where SQL names it on purpose, never through a view or trigger a file could carry in.
    directOnly: true,
    *rows(packed: unknown) {
      if (packed === null || packed === undefined) return;
      if (!(packed instanceof Uint8Array)) throw new TypeError('index_keys must be a blob');
      yield* eachIndexKey(packed, (buf, start, length) => names.at(buf, start, length));
    },
  });
  withFunction.add(db);
}
