import { describe, expect, it } from 'vitest';
import { validateLandline } from './landline.js';

const canonical = (raw: string): string => {
  const v = validateLandline(raw);
  return v.ok ? v.value : v.reason;
};

describe('validateLandline', () => {
  it('canonicalises the usual written forms to 区号-号码', () => {
    expect(canonical('0571-88888888')).toBe('0571-88888888');
    expect(canonical('(0571)88888888')).toBe('0571-88888888');
    expect(canonical('（0571）8888 8888')).toBe('0571-88888888');
    expect(canonical('0571 8888 8888')).toBe('0571-88888888');
    expect(canonical('057188888888')).toBe('0571-88888888');
    expect(canonical('０５７１－８８８８８８８８')).toBe('0571-88888888');
  });

  it('splits an unseparated number by the area-code rule (010 and 02x are 3 characters)', () => {
    expect(canonical('01088888888')).toBe('010-88888888');
    expect(canonical('02188888888')).toBe('021-88888888');
    expect(canonical('07558888888')).toBe('0755-8888888');
  });

  it('keeps extensions', () => {
    const v = validateLandline('0571-88888888转123');
    expect(v.ok && v.info).toEqual({ areaCode: '0571', number: '88888888', extension: '123' });
    expect(canonical('0571-88888888-123')).toBe('0571-88888888-123');
    expect(canonical('010-88888888 ext. 12')).toBe('010-88888888-12');
  });

  it('restores the trunk 0 after +86', () => {
    expect(canonical('+86 571 8888 8888')).toBe('0571-88888888');
    expect(canonical('+86-10-88888888')).toBe('010-88888888');
  });

  it('LANDLINE_FORMAT without an area code, with a bad area code or a bad local number', () => {
    for (const raw of ['88888888', '0123-88888888', '0571-18888888', '0571-888888', '13800138000', 'abc']) {
      expect(canonical(raw), raw).toBe('LANDLINE_FORMAT');
    }
    expect(canonical(' ')).toBe('EMPTY');
  });
});
