import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { packIndexKeys, unpackIndexKeys } from './index-keys.js';

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
});
