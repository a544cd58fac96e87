import { describe, expect, it } from 'vitest';
import { validateMobile, validateMobileField } from './mobile.js';
import { MOBILE_SEGMENTS, MOBILE_STRICT_PATTERN } from './mobile-segments.js';

describe('validateMobile', () => {
  it('accepts full-width and +86/0086 forms and returns the national number', () => {
    for (const raw of ['１３８００１３８０００', '+86 138-0013-8000', '0086 (138) 0013 8000']) {
      const v = validateMobile(raw);
      expect(v.ok && v.value, raw).toBe('13800138000');
    }
  });

  it('names the carrier from the segment table', () => {
    const carrier = (raw: string) => {
      const v = validateMobile(raw);
      return v.ok ? v.info.carrier : v.reason;
    };
    expect(carrier('13800138000')).toBe('china-mobile');
    expect(carrier('13012345678')).toBe('china-unicom');
    expect(carrier('18912345678')).toBe('china-telecom');
    expect(carrier('19212345678')).toBe('china-broadnet');
    expect(carrier('17012345678')).toBe('mvno');
  });

  it('accepts a table segment the strict pattern lacks (162) and a pattern segment the table lacks (146)', () => {
    expect(MOBILE_STRICT_PATTERN.test('16212345678')).toBe(false);
    const mvno = validateMobile('16212345678');
    expect(mvno.ok && mvno.info.carrier).toBe('mvno');
    const unknown = validateMobile('14612345678');
    expect(unknown.ok && unknown.info.carrier).toBe('unknown');
  });

  it('MOBILE_SEGMENT for unallocated segments', () => {
    for (const raw of ['12012345678', '14012345678', '19412345678', '10012345678']) {
      const v = validateMobile(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('MOBILE_SEGMENT');
    }
  });

  it('MOBILE_PRECISION_LOST for a mobile Excel wrote in scientific notation (a narrow General column saved as CSV)', () => {
    for (const raw of ['1.38001E+10', '1.39E10', '1.38001e+10', "'1.38001E+10", '１.３８００１Ｅ＋１０']) {
      const v = validateMobile(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('MOBILE_PRECISION_LOST');
      const field = validateMobileField(raw);
      expect(field.ok ? 'ok' : field.reason, raw).toBe('MOBILE_PRECISION_LOST');
    }
    // Not 11 digits before it was shortened: an ordinary format error.
    for (const raw of ['2.38001E+10', '1.38001E+09']) {
      const v = validateMobile(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('MOBILE_FORMAT');
    }
  });

  it('MOBILE_FORMAT for anything that is not an 11-digit number starting with 1', () => {
    for (const raw of ['2345', '23800138000', '138001380001', 'abc']) {
      const v = validateMobile(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('MOBILE_FORMAT');
    }
    const empty = validateMobile('  ');
    expect(empty.ok ? 'ok' : empty.reason).toBe('EMPTY');
  });

  it('MOBILE_MULTIPLE for a cell holding several numbers, each valid alone', () => {
    for (const raw of [
      '13812345611;13812345612',
      '13812345613、13812345614',
      '13812345615/13812345616',
      '13812345617, 13812345618',
      '138 1234 5619 / +86 139-1234-5620',
      '13812345621 或 13912345622',
    ]) {
      const v = validateMobile(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('MOBILE_MULTIPLE');
    }
    // One of them malformed: the cell is simply wrong.
    const v = validateMobile('13812345611/1381234561');
    expect(v.ok ? 'ok' : v.reason).toBe('MOBILE_FORMAT');
    // A number outside the mainland says so, so the fix (another column) is plain.
    for (const raw of ['+852 9123 4567', '00886-912-345-678', '+1 (415) 555-0100'])
      expect(validateMobile(raw)).toMatchObject({ ok: false, reason: 'MOBILE_FOREIGN' });
    for (const raw of ['+86 1381234567', '+8613812345'])
      expect(validateMobile(raw)).toMatchObject({ ok: false, reason: 'MOBILE_FORMAT' });
    // The long-distance 0 of old lists; not before a landline's area code.
    expect(validateMobile('013912345678')).toMatchObject({ ok: true, value: '13912345678' });
    expect(validateMobile('01012345678').ok).toBe(false);
    // Separators inside one number still make one number.
    expect(validateMobile('138-1234-5678')).toMatchObject({ ok: true, value: '13812345678' });
  });

  it('uses a caller-supplied segment table', () => {
    const segments = { ...MOBILE_SEGMENTS, mvno: [...MOBILE_SEGMENTS.mvno, '140'] };
    const v = validateMobile('14012345678', { segments });
    expect(v.ok && v.info.carrier).toBe('mvno');
  });

  it('keeps every table segment a 3-digit prefix starting with 1', () => {
    for (const prefixes of Object.values(MOBILE_SEGMENTS)) {
      for (const p of prefixes) expect(p).toMatch(/^1\d{2}$/);
    }
  });
});
