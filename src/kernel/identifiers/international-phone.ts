import { codeText, stripPhoneSeparators } from './normalise.js';
import { invalid } from './reasons.js';
import type { ValidationWithInfo } from './types.js';

/**
 * Phone numbers outside the mainland (Hong Kong, Macau, Taiwan and abroad) in E.164 form: `+852…`.
 * Customer lists of mainland companies carry them for their Hong Kong, Macau, Taiwan and overseas
 * customers; rejecting them would drop those customers (or their only contact) from an import.
 */

/** E.164 country codes of one and two digits (ITU-T E.164 Annex to OB 1162); every other code has three. */
const SHORT_CODES = new Set([
  '1',
  '7',
  '20',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '41',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '81',
  '82',
  '84',
  '86',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '98',
]);

/** Zones of three-digit codes that are spare or not geographic (freephone, satellite): no customer's phone. */
const NOT_A_COUNTRY = /^(?:0|28|80|83|87|88[1-57-9]|89|99[019])/;

/** Digits a national number has where the plan is fixed; elsewhere 6 up to E.164's 15 in all. */
const NATIONAL_LENGTH: Record<string, { min: number; max: number; first?: RegExp }> = {
  '1': { min: 10, max: 10, first: /^[2-9]/ },
  '7': { min: 10, max: 10 },
  '44': { min: 9, max: 10 },
  '61': { min: 9, max: 9 },
  '65': { min: 8, max: 8, first: /^[3689]/ },
  '81': { min: 9, max: 10 },
  '82': { min: 8, max: 10 },
  '852': { min: 8, max: 8, first: /^[2-9]/ },
  '853': { min: 8, max: 8, first: /^[2-9]/ },
  '886': { min: 8, max: 9, first: /^[2-9]/ },
};

/** Codes written without + or 00 in Hong Kong, Macau and Taiwan lists, with the digits that follow. */
const BARE_REGIONAL = /^(?:852|853)\d{8}$|^886[09]?9\d{8}$/;

/** The country code at the start of the digits after + (1–3 digits), or null for a spare zone. */
export function countryCodeOf(digits: string): string | null {
  for (const length of [1, 2]) {
    const code = digits.slice(0, length);
    if (SHORT_CODES.has(code)) return code;
  }
  const code = digits.slice(0, 3);
  return code.length === 3 && !NOT_A_COUNTRY.test(code) ? code : null;
}

export interface InternationalPhoneInfo {
  countryCode: string;
}

/**
 * Validates a number with a country code other than China's (+852 9123 4567, 00886-912-345-678,
 * (+1) 415 555 0100). The canonical value is E.164: `+` and the digits. A trunk 0 kept after the
 * country code (+44 (0)7911…, +886 0912…) is dropped, except in Italy, whose numbers keep it.
 */
export function validateInternationalPhone(raw: string): ValidationWithInfo<InternationalPhoneInfo> {
  const compact = stripPhoneSeparators(codeText(raw));
  if (compact === '') return invalid('EMPTY');
  const marked = /^(?:\+|00)(\d{4,17})$/.exec(compact);
  const digits = marked?.[1] ?? (BARE_REGIONAL.test(compact) ? compact : null);
  if (digits === null) return invalid('MOBILE_INTL_FORMAT');
  const countryCode = countryCodeOf(digits);
  if (countryCode === null || countryCode === '86') return invalid('MOBILE_INTL_FORMAT');
  let national = digits.slice(countryCode.length);
  if (national.startsWith('0') && countryCode !== '39') national = national.slice(1);
  const rule = NATIONAL_LENGTH[countryCode] ?? { min: 6, max: 15 - countryCode.length };
  if (national.length < rule.min || national.length > rule.max || (rule.first && !rule.first.test(national)))
    return invalid('MOBILE_INTL_FORMAT');
  return { ok: true, value: `+${countryCode}${national}`, info: { countryCode } };
}
