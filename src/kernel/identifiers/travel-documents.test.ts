import { describe, expect, it } from 'vitest';
import { validateHkMacauPermit, validatePassport, validateTaiwanPermit } from './travel-documents.js';

describe('validatePassport', () => {
  it('accepts PRC, HKSAR and MSAR formats and names the issuer', () => {
    const issuer = (raw: string) => {
      const v = validatePassport(raw);
      return v.ok ? v.info.issuer : v.reason;
    };
    expect(issuer('E12345678')).toBe('mainland');
    expect(issuer('EA1234567')).toBe('mainland');
    expect(issuer('G12345678')).toBe('mainland');
    expect(issuer('DE1234567')).toBe('mainland');
    expect(issuer('141234567')).toBe('mainland');
    expect(issuer('K12345678')).toBe('hong-kong');
    expect(issuer('KJ1234567')).toBe('hong-kong');
    expect(issuer('MA1234567')).toBe('macau');
  });

  it('upper-cases the canonical value', () => {
    const v = validatePassport(' e12345678 ');
    expect(v.ok && v.value).toBe('E12345678');
  });

  it('PASSPORT_FORMAT otherwise', () => {
    for (const raw of ['E1234567', 'X12345678', 'EI1234567', '161234567', 'E123456789']) {
      const v = validatePassport(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('PASSPORT_FORMAT');
    }
  });
});

describe('validateHkMacauPermit', () => {
  it('recognises 往来港澳通行证 and 回乡证 numbers', () => {
    const type = (raw: string) => {
      const v = validateHkMacauPermit(raw);
      return v.ok ? v.info.type : v.reason;
    };
    expect(type('C12345678')).toBe('mainland-exit-permit');
    expect(type('CA1234567')).toBe('mainland-exit-permit');
    expect(type('CA12345678')).toBe('mainland-exit-permit');
    expect(type('W12345678')).toBe('mainland-exit-permit');
    expect(type('H12345678')).toBe('home-return-permit');
    expect(type('M1234567801')).toBe('home-return-permit');
    expect(type('C1234567')).toBe('HK_MACAU_PERMIT_FORMAT');
    expect(type('A12345678')).toBe('HK_MACAU_PERMIT_FORMAT');
  });
});

describe('validateTaiwanPermit', () => {
  it('recognises 往来台湾通行证 and 台胞证 numbers', () => {
    const l = validateTaiwanPermit('L12345678');
    expect(l.ok && l.info.type).toBe('mainland-exit-permit');
    const tb = validateTaiwanPermit('12345678');
    expect(tb.ok && tb.info.type).toBe('taiwan-compatriot-permit');
    const legacy = validateTaiwanPermit('1234567890(B)');
    expect(legacy.ok && legacy.value).toBe('1234567890(B)');
  });

  it('refuses bare digits when told to', () => {
    const v = validateTaiwanPermit('12345678', { allowBareDigits: false });
    expect(v.ok ? 'ok' : v.reason).toBe('TAIWAN_PERMIT_FORMAT');
    const l = validateTaiwanPermit('L1234567');
    expect(l.ok ? 'ok' : l.reason).toBe('TAIWAN_PERMIT_FORMAT');
  });
});
