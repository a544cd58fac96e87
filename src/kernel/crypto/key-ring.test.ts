import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open } from './aead.js';
import { KeyRing, newOrgKeyMaterial, wrapOrgKey } from './key-ring.js';
import { RandomPool } from './random-pool.js';

function ring(): KeyRing {
  const pool = new RandomPool();
  const kek = Buffer.alloc(32, 9);
  const rows = (['dek-wrap', 'blind-index', 'audit-signing'] as const).map((purpose) => ({
    purpose,
    version: 1,
    status: 'active' as const,
    wrapped: wrapOrgKey(kek, 'org-1', purpose, 1, newOrgKeyMaterial(purpose, pool), pool),
  }));
  return KeyRing.unwrap('org-1', kek, rows, 'ROOT_KEY_MISMATCH');
}

describe('KeyRing', () => {
  it('derives grade subkeys as HKDF-Expand over the DEK', () => {
    const keys = ring();
    const dek = keys.newCustomerKey();
    const blob = keys.sealGradeBlob('c1', 'L3', dek, { mobile: '13800138000' });
    // Built independently: HKDF-Expand's first block with the DEK as PRK opens the blob.
    const subkey = createHmac('sha256', dek)
      .update(Buffer.from('custodian/grade/v1|L3\x01', 'latin1'))
      .digest();
    const aad = Buffer.from('custodian/blob/v1|org-1|c1|L3');
    expect(JSON.parse(open(subkey, blob, aad, 'test').toString('utf8'))).toEqual({ mobile: '13800138000' });
    expect(keys.openGradeBlob('c1', 'L3', dek, blob)).toEqual({ mobile: '13800138000' });
    expect(() => keys.openGradeBlob('c1', 'L2', dek, blob)).toThrow(/does not belong/);
    expect(() => keys.openGradeBlob('c2', 'L3', dek, blob)).toThrow(/does not belong/);
  });

  it('wraps customer keys under the active version and refuses another customer id', () => {
    const keys = ring();
    const dek = keys.newCustomerKey();
    const wrapped = keys.wrapCustomerKey('c1', dek);
    expect(KeyRing.wrappedVersion(wrapped)).toBe(1);
    expect(keys.unwrapCustomerKey('c1', wrapped).equals(dek)).toBe(true);
    expect(() => keys.unwrapCustomerKey('c2', wrapped)).toThrow(/does not belong/);
  });

  it('keys blind indexes per field and never equals an unkeyed hash', () => {
    const keys = ring();
    const a = keys.blindIndex('mobile', '13800138000');
    expect(a).toHaveLength(16);
    expect(keys.blindIndex('mobile', '13800138000').equals(a)).toBe(true);
    expect(keys.blindIndex('idNumber', '13800138000').equals(a)).toBe(false);
    expect(ring().blindIndex('mobile', '13800138000').equals(a)).toBe(false);
  });
});
