import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  INDEX_KEYS_FUNCTION,
  packIndexKeys,
  registerIndexKeysFunction,
  unpackIndexKeys,
} from './index-keys.js';

describe('index keys packed into the customer row', () => {
  it('round-trips fields (any UTF-8) and hashes in order; no keys pack to null', () => {
    const keys = [
      { field: 'mobile', hash: randomBytes(16) },
      { field: 'mobileLast4', hash: randomBytes(16) },
      { field: '自定义字段', hash: randomBytes(16) },
      { field: 'x', hash: randomBytes(32) },
    ];
    const packed = packIndexKeys(keys);
    expect(packed?.[0]).toBe(0x01);
    expect(unpackIndexKeys(packed)).toEqual(keys);
    // As a driver returns it: a view into a larger buffer.
    const padded = Buffer.concat([Buffer.from('pad'), packed as Buffer]);
    expect(unpackIndexKeys(padded.subarray(3))).toEqual(keys);
    expect(packIndexKeys([])).toBeNull();
    expect(unpackIndexKeys(null)).toEqual([]);
  });

  it('refuses an unknown layout or a truncated value instead of guessing', () => {
    const packed = packIndexKeys([{ field: 'mobile', hash: randomBytes(16) }]) as Buffer;
    expect(() => unpackIndexKeys(Buffer.concat([Buffer.from([0x02]), packed.subarray(1)]))).toThrow(/format/);
    expect(() => unpackIndexKeys(packed.subarray(0, packed.length - 1))).toThrow(/truncated/);
    expect(() => packIndexKeys([{ field: 'f'.repeat(256), hash: randomBytes(16) }])).toThrow(RangeError);
  });

  it('reads in SQL as one (field, hash) row per key, none for a customer without keys', () => {
    const db = new Database(':memory:');
    registerIndexKeysFunction(db);
    registerIndexKeysFunction(db); // once per connection, however often asked
    const keys = [
      { field: 'name', hash: randomBytes(16) },
      { field: '自定义字段', hash: randomBytes(16) },
    ];
    db.exec('create table c (id text, index_keys blob)');
    const insert = db.prepare('insert into c values (?, ?)');
    insert.run('a', packIndexKeys(keys));
    insert.run('b', null);
    insert.run('c', packIndexKeys([{ field: 'mobile', hash: randomBytes(16) }]));
    const rows = db
      .prepare(
        `select c.id, k.field, k.hash from c, ${INDEX_KEYS_FUNCTION}(c.index_keys) k order by c.id, k.rowid`,
      )
      .all() as Array<{ id: string; field: string; hash: Buffer }>;
    expect(rows.map((r) => r.id)).toEqual(['a', 'a', 'c']);
    expect(rows.slice(0, 2).map((r) => ({ field: r.field, hash: r.hash }))).toEqual(keys);
    // Field names are decoded once and reused: names of one length never stand in for each other.
    const alike = ['name', 'uscc', 'nbme', 'namf'].map((field) => ({ field, hash: randomBytes(16) }));
    for (const [i, k] of alike.entries()) insert.run(`d${i}`, packIndexKeys([k, ...alike.slice(0, i)]));
    const read = db
      .prepare(`select k.field, k.hash from c, ${INDEX_KEYS_FUNCTION}(c.index_keys) k where c.id like 'd%'`)
      .all() as Array<{ field: string; hash: Buffer }>;
    expect(read).toHaveLength(10);
    for (const r of read) expect(alike.find((k) => k.hash.equals(r.hash))?.field).toBe(r.field);
    // A value that is not a packed key list is refused, not read as one.
    expect(() => db.prepare(`select * from ${INDEX_KEYS_FUNCTION}('text')`).all()).toThrow(/blob/);
    expect(() => db.prepare(`select * from ${INDEX_KEYS_FUNCTION}(x'02')`).all()).toThrow(/format/);
    db.close();
  });
});
