import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, totpCode, verifyTotp } from './totp.js';

describe('TOTP (RFC 6238) and base32 (RFC 4648)', () => {
  const secret = Buffer.from('12345678901234567890', 'ascii');

  it('matches the RFC 4226 HOTP and RFC 6238 SHA-1 test vectors', () => {
    expect([0, 1, 2, 9].map((c) => hotp(secret, c))).toEqual(['755224', '287082', '359152', '520489']);
    expect(totpCode(secret, new Date(59_000))).toBe('287082');
    expect(totpCode(secret, new Date(1111111109_000))).toBe('081804');
    expect(totpCode(secret, new Date(2000000000_000))).toBe('279037');
  });

  it('round-trips base32 and matches the RFC 4648 vectors', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    expect(base32Decode(base32Encode(secret)).equals(secret)).toBe(true);
  });

  it('accepts one step of drift either way and refuses reuse of a step', () => {
    const at = new Date(1_700_000_000_000);
    const prev = totpCode(secret, new Date(at.getTime() - 30_000));
    const next = totpCode(secret, new Date(at.getTime() + 30_000));
    const far = totpCode(secret, new Date(at.getTime() + 90_000));
    expect(verifyTotp(secret, prev, at, null)).not.toBeNull();
    expect(verifyTotp(secret, next, at, null)).not.toBeNull();
    expect(verifyTotp(secret, far, at, null)).toBeNull();
    const step = verifyTotp(secret, totpCode(secret, at), at, null);
    expect(step).not.toBeNull();
    expect(verifyTotp(secret, totpCode(secret, at), at, step)).toBeNull();
    expect(verifyTotp(secret, 'abcdef', at, null)).toBeNull();
  });
});
