import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256Key, hmacSha256, MAX_MESSAGE_BYTES } from './hmac-sha256.js';

const node = (key: Uint8Array, message: string | Uint8Array): Buffer =>
  createHmac('sha256', key).update(message).digest();

describe('HMAC-SHA-256', () => {
  it('matches RFC 4231 test case 2', () => {
    const mac = hmacSha256(Buffer.from('Jefe'), 'what do ya want for nothing?');
    expect(mac.toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  // size 'max': fast-check's default size keeps arrays to about ten items, all inside one block.
  it('equals node:crypto for any key and byte message (across block boundaries)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200, size: 'max' }),
        fc.uint8Array({ maxLength: 300, size: 'max' }),
        (key, message) => {
          expect(hmacSha256(key, message).equals(node(key, message))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('equals node:crypto for strings, Chinese and astral characters included, and when truncated', () => {
    const key = new HmacSha256Key(Buffer.alloc(32, 7));
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 120, size: 'max' }),
        fc.constantFrom(4, 16, 32),
        (message, length) => {
          const expected = node(Buffer.alloc(32, 7), message).subarray(0, length);
          expect(key.digest(message, length).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    for (const message of [
      '张伟',
      '13800138000',
      '广东省深圳市南山区科技园路1号',
      '',
      'a'.repeat(55),
      'b'.repeat(56),
    ])
      expect(key.digest(message).equals(node(Buffer.alloc(32, 7), message))).toBe(true);
  });

  it('gives the same MAC whatever was hashed before (no state leaks between calls)', () => {
    const key = new HmacSha256Key(Buffer.from('k'));
    const first = key.digest('13800138000');
    key.digest('x'.repeat(1000));
    hmacSha256(Buffer.alloc(100, 1), new Uint8Array(500));
    expect(key.digest('13800138000').equals(first)).toBe(true);
  });

  it('refuses a length that is not a whole number of words, and a message too long for its length field', () => {
    expect(() => new HmacSha256Key(Buffer.from('k')).digest('m', 15)).toThrow(RangeError);
    expect(() => hmacSha256(Buffer.from('k'), new Uint8Array(MAX_MESSAGE_BYTES + 1))).toThrow(RangeError);
    expect(() => hmacSha256(Buffer.from('k'), 'a'.repeat(MAX_MESSAGE_BYTES / 3 + 1))).toThrow(RangeError);
    expect(
      hmacSha256(Buffer.from('k'), new Uint8Array(MAX_MESSAGE_BYTES)).equals(
        node(Buffer.from('k'), new Uint8Array(MAX_MESSAGE_BYTES)),
      ),
    ).toBe(true);
  });
});
