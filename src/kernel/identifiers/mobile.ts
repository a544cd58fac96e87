import { validateInternationalPhone } from './international-phone.js';
import {
  MOBILE_SEGMENTS,
  MOBILE_STRICT_PATTERN,
  type MobileCarrier,
  type MobileSegmentTable,
} from './mobile-segments.js';
import { codeText, holdsSeveral, normaliseMobile, stripPhoneSeparators } from './normalise.js';
import { invalid } from './reasons.js';
import type { ValidationWithInfo } from './types.js';

/** An international number with a country code other than China's: +852 9123 4567, 00886-912-345-678. */
const FOREIGN_NUMBER = /^(?:\+|00)(?!86)[1-9]\d{0,2}\d{6,12}$/;

/**
 * An 11-digit number as Excel shows it in a narrow General column (1.38001E+10); saved as CSV, that
 * text is all that is left of the number.
 */
const EXCEL_EXPONENT = /^1(\.\d+)?E\+?10$/i;

export interface MobileInfo {
  /** `international` for a number outside the mainland (validateMobileField only). */
  carrier: MobileCarrier | 'unknown' | 'international';
  /** E.164 country or region code: 86 on the mainland, 852 in Hong Kong. */
  countryCode: string;
}

export interface MobileOptions {
  /** Segment table to use instead of `MOBILE_SEGMENTS`. */
  segments?: MobileSegmentTable;
}

function carrierOf(national: string, segments: MobileSegmentTable): MobileCarrier | undefined {
  const prefix = national.slice(0, 3);
  for (const [carrier, prefixes] of Object.entries(segments) as [MobileCarrier, readonly string[]][]) {
    if (prefixes.includes(prefix)) return carrier;
  }
  return undefined;
}

/** Validates a mainland mobile number. The canonical value is the 11-digit national number. */
export function validateMobile(raw: string, opts: MobileOptions = {}): ValidationWithInfo<MobileInfo> {
  if (raw.trim() === '') return invalid('EMPTY');
  const national = normaliseMobile(codeText(raw));
  if (national === null) {
    if (holdsSeveral(raw, (p) => normaliseMobile(p) !== null)) return invalid('MOBILE_MULTIPLE');
    const text = codeText(raw).normalize('NFKC').trim();
    if (EXCEL_EXPONENT.test(text)) return invalid('MOBILE_PRECISION_LOST');
    return invalid(FOREIGN_NUMBER.test(stripPhoneSeparators(text)) ? 'MOBILE_FOREIGN' : 'MOBILE_FORMAT');
  }
  const carrier = carrierOf(national, opts.segments ?? MOBILE_SEGMENTS);
  if (carrier === undefined && !MOBILE_STRICT_PATTERN.test(national)) return invalid('MOBILE_SEGMENT');
  return { ok: true, value: national, info: { carrier: carrier ?? 'unknown', countryCode: '86' } };
}

/**
 * Validates a customer's mobile as the mobile field holds it: a mainland number as its 11 digits, a
 * number of Hong Kong, Macau, Taiwan or abroad in E.164 form (+85291234567), so a list's overseas
 * customers keep their only phone. A malformed number with a foreign code is `MOBILE_INTL_FORMAT`.
 */
export function validateMobileField(raw: string, opts: MobileOptions = {}): ValidationWithInfo<MobileInfo> {
  const mainland = validateMobile(raw, opts);
  if (mainland.ok || (mainland.reason !== 'MOBILE_FOREIGN' && mainland.reason !== 'MOBILE_FORMAT'))
    return mainland;
  const abroad = validateInternationalPhone(raw);
  if (abroad.ok)
    return {
      ok: true,
      value: abroad.value,
      info: { carrier: 'international', countryCode: abroad.info.countryCode },
    };
  if (mainland.reason === 'MOBILE_FOREIGN') return abroad;
  // Written as at home in Taiwan (0912 345 678), Hong Kong or Macau (9123 4567): no mainland mobile,
  // and which country it is the number alone cannot tell.
  if (LOCAL_WITHOUT_CODE.test(stripPhoneSeparators(codeText(raw)))) return invalid('MOBILE_NEEDS_CODE');
  return mainland;
}

/** A Taiwan mobile as written there (09 and 8 digits), or 8 digits from 5 to 9 (Hong Kong, Macau). */
const LOCAL_WITHOUT_CODE = /^(?:09\d{8}|[5-9]\d{7})$/;
