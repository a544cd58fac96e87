import { describe, expect, it } from 'vitest';
import { detectInText } from './detect-text.js';
import { countryCodeOf, validateInternationalPhone } from './international-phone.js';
import { maskValue } from './mask.js';
import { validateMobile, validateMobileField } from './mobile.js';

const value = (raw: string) => {
  const v = validateInternationalPhone(raw);
  return v.ok ? v.value : v.reason;
};

describe('validateInternationalPhone', () => {
  it('reads the forms lists write numbers of Hong Kong, Macau, Taiwan and abroad in, as E.164', () => {
    expect(value('+852 9123 4567')).toBe('+85291234567');
    expect(value('00852-9123-4567')).toBe('+85291234567');
    expect(value('(+852) 9123 4567')).toBe('+85291234567');
    expect(value('＋８５２　９１２３　４５６７')).toBe('+85291234567');
    expect(value("'+853 6612 3456")).toBe('+85366123456');
    expect(value('+886 912-345-678')).toBe('+886912345678');
    // The trunk 0 a Taiwanese or British number keeps when written with its code is dropped.
    expect(value('+886 0912 345 678')).toBe('+886912345678');
    expect(value('+44 (0)7911 123456')).toBe('+447911123456');
    // Italy's numbers keep their leading 0.
    expect(value('+39 06 1234 5678')).toBe('+390612345678');
    expect(value('+1 (415) 555-0100')).toBe('+14155550100');
    expect(value('+65 8123 4567')).toBe('+6581234567');
    expect(value('+81 90-1234-5678')).toBe('+819012345678');
    expect(value('+60 12-345 6789')).toBe('+60123456789');
    expect(value('+971 50 123 4567')).toBe('+971501234567');
  });

  it('reads Hong Kong, Macau and Taiwan numbers written with their code but no +', () => {
    expect(value('852 9123 4567')).toBe('+85291234567');
    expect(value('85366123456')).toBe('+85366123456');
    expect(value('886912345678')).toBe('+886912345678');
    // Any other bare run of digits is not told apart from a national number: not read as one.
    expect(value('4155550100')).toBe('MOBILE_INTL_FORMAT');
  });

  it('refuses a number of the wrong length for its code, a spare code and the mainland', () => {
    for (const raw of [
      '+852 9123 456', // seven digits
      '+852 9123 45678', // nine
      '+852 1123 4567', // no Hong Kong number starts with 1
      '+886 12 345 678',
      '+1 415 555 010',
      '+1 015 555 0100',
      '+65 1234 5678',
      '+281 2345 6789', // spare zone
      '+800 1234 5678', // freephone, no one's own number
      '+86 138 0013 8000', // the mainland has its own rules (validateMobile)
      '+852',
      '+1234567890123456789',
      'abc',
    ])
      expect(value(raw), raw).toBe('MOBILE_INTL_FORMAT');
    expect(value('  ')).toBe('EMPTY');
  });

  it('splits the country code by E.164 zones', () => {
    expect(countryCodeOf('14155550100')).toBe('1');
    expect(countryCodeOf('79123456789')).toBe('7');
    expect(countryCodeOf('447911123456')).toBe('44');
    expect(countryCodeOf('85291234567')).toBe('852');
    expect(countryCodeOf('8801712345678')).toBe('880');
    expect(countryCodeOf('886912345678')).toBe('886');
    expect(countryCodeOf('881612345678')).toBe(null);
    expect(countryCodeOf('0123')).toBe(null);
  });
});

describe('validateMobileField', () => {
  it('takes a mainland number as its 11 digits and any other in E.164, with its code', () => {
    expect(validateMobileField('+86 138-0013-8000')).toMatchObject({
      ok: true,
      value: '13800138000',
      info: { carrier: 'china-mobile', countryCode: '86' },
    });
    expect(validateMobileField('+852 9123 4567')).toMatchObject({
      ok: true,
      value: '+85291234567',
      info: { carrier: 'international', countryCode: '852' },
    });
    // The mainland validator alone still says the number is not a mainland one.
    expect(validateMobile('+852 9123 4567')).toMatchObject({ ok: false, reason: 'MOBILE_FOREIGN' });
  });

  it('keeps the mainland reasons for mainland-looking numbers and names a malformed foreign one', () => {
    const reason = (raw: string) => {
      const v = validateMobileField(raw);
      return v.ok ? v.value : v.reason;
    };
    expect(reason('1380013800')).toBe('MOBILE_FORMAT');
    expect(reason('138001380001')).toBe('MOBILE_FORMAT');
    expect(reason('12012345678')).toBe('MOBILE_SEGMENT');
    expect(reason('13812345611;13812345612')).toBe('MOBILE_MULTIPLE');
    expect(reason('+852 9123 456')).toBe('MOBILE_INTL_FORMAT');
    expect(reason('+1 415 555 010')).toBe('MOBILE_INTL_FORMAT');
  });

  it('asks for the code of a number written as at home in Taiwan, Hong Kong or Macau', () => {
    const reason = (raw: string) => {
      const v = validateMobileField(raw);
      return v.ok ? v.value : v.reason;
    };
    expect(reason('0912-345-678')).toBe('MOBILE_NEEDS_CODE');
    expect(reason('9123 4567')).toBe('MOBILE_NEEDS_CODE');
    expect(reason('6612 3456')).toBe('MOBILE_NEEDS_CODE');
    // Written with their codes they are kept.
    expect(reason('+886 912 345 678')).toBe('+886912345678');
    // Too short or too long for either: the mainland reason stays.
    expect(reason('091234567')).toBe('MOBILE_FORMAT');
    expect(reason('1234 5678')).toBe('MOBILE_FORMAT');
  });
});

describe('numbers outside the mainland in masks and text detection', () => {
  it('masks to the code and the last four digits', () => {
    expect(maskValue('mobile', '+85291234567')).toBe('+852 ****4567');
    expect(maskValue('mobile', '+14155550100')).toBe('+1 ****0100');
    expect(maskValue('mobile', '13800138000')).toBe('138****8000');
  });

  it('finds them in free text as mobiles, masked, beside a mainland one', () => {
    const found = detectInText('香港客户 +852 9123 4567，内地 138-0013-8000，订单号 20240101');
    const mobiles = found.filter((f) => f.kind === 'mobile').map((f) => f.masked);
    expect(mobiles.sort()).toEqual(['+852 ****4567', '138****8000']);
  });
});
