import { addressToCounty } from './address.js';
import { countryCodeOf } from './international-phone.js';
import { surnameOf } from './surnames.js';
import type { IdentifierKind } from './types.js';

/**
 * Display masks (CN-USER-CONVENTIONS §4). No national standard fixes them (PIPL-REQUIREMENTS Q6); these
 * are the defaults users recognise. Every mask keeps at most what the conventions show, and falls back
 * to hiding everything when a value is too short to keep its ends without revealing most of it.
 */

const STARS = '****';

function stars(n: number): string {
  return '*'.repeat(Math.max(n, 0));
}

/** Keeps the first and last character: `E*******8`. Values of up to 2 characters are hidden entirely. */
function keepEnds(value: string): string {
  const chars = Array.from(value);
  if (chars.length <= 2) return stars(chars.length);
  return `${chars[0]}${stars(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** `+852 ****4567`: the country or region code and the last four digits of an E.164 number. */
export function maskInternationalPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  const code = countryCodeOf(digits) ?? digits.slice(0, 1);
  return `+${code} ${STARS}${digits.slice(-4)}`;
}

function maskMobile(value: string): string {
  if (/^\+(?!86)/.test(value)) return maskInternationalPhone(value);
  const digits = value.replace(/\D/g, '');
  const national = digits.length > 11 && digits.startsWith('86') ? digits.slice(-11) : digits;
  if (national.length !== 11) return keepEnds(value);
  return `${national.slice(0, 3)}${STARS}${national.slice(7)}`;
}

/** `110***********1234`: first 3 and last 4, the length kept so the form still reads as an ID number. */
function maskIdNumber(value: string): string {
  const chars = value.replace(/\s/g, '');
  if (chars.length < 10) return stars(chars.length);
  return `${chars.slice(0, 3)}${stars(chars.length - 7)}${chars.slice(-4)}`;
}

function maskBankCard(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length >= 8 ? `尾号${digits.slice(-4)}` : stars(digits.length);
}

/** `z***@163.com`: the mailbox provider stays visible, the local part keeps one character. */
function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return keepEnds(value);
  return `${Array.from(value)[0]}***${value.slice(at)}`;
}

/** `0571****78`: area code and the last 2 digits of the local number. */
function maskLandline(value: string): string {
  const [area = '', number = ''] = value.split('-');
  if (/^0\d{2,3}$/.test(area) && number.length >= 7) return `${area}${STARS}${number.slice(-2)}`;
  const digits = value.replace(/\D/g, '');
  if (digits.length < 9) return stars(digits.length);
  return `${digits.slice(0, 4)}${STARS}${digits.slice(-2)}`;
}

/** `张*`, `张**`, `欧阳**`; dot-separated names keep the first character only. */
function maskName(value: string): string {
  const chars = Array.from(value.trim());
  if (chars.length <= 1) return stars(chars.length);
  if (/[·•・]/.test(value)) {
    return chars.map((ch, i) => (i === 0 || /[·•・]/.test(ch) ? ch : '*')).join('');
  }
  const surname = surnameOf(value.trim());
  const keep = surname !== undefined && surname.length === 2 && chars.length > 2 ? 2 : 1;
  return `${chars.slice(0, keep).join('')}${stars(chars.length - keep)}`;
}

/**
 * What an address mask may show: place names, in Chinese characters only. A cell that runs other data
 * into the address (a mobile and a name before it, or a whole row read as one cell from a file split
 * on the wrong delimiter) would otherwise show all of that data in front of its 区.
 */
const PLACE_NAME = /^[\u3400-\u9fff]{2,32}$/;

/** `浙江省杭州市滨江区****`: kept down to the county; without one, down to the city; else nothing. */
function maskAddress(value: string): string {
  const text = value.trim();
  const county = addressToCounty(text);
  if (county !== undefined && PLACE_NAME.test(county)) return `${county}${STARS}`;
  const city = /^.*?市/.exec(text)?.[0];
  if (city !== undefined && city.length < text.length && PLACE_NAME.test(city)) return `${city}${STARS}`;
  // Without a district or city there is no place name to keep: what comes first may be a name.
  return STARS;
}

/** `****-05-06`: month and day only, the year is what makes a birthday identifying. */
function maskBirthday(value: string): string {
  const m = /^\s*\d{4}[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?\s*$/.exec(value);
  if (m === null) return keepEnds(value);
  return `****-${(m[1] ?? '').padStart(2, '0')}-${(m[2] ?? '').padStart(2, '0')}`;
}

/**
 * The display mask of `value` as `kind`. Expects the canonical form a validator returns, but tolerates
 * raw input. Used by the detectors and by the vault's list views and exports.
 */
export function maskValue(kind: IdentifierKind, value: string): string {
  switch (kind) {
    case 'mobile':
      return maskMobile(value);
    case 'id-number':
      return maskIdNumber(value);
    case 'bank-card':
      return maskBankCard(value);
    case 'email':
      return maskEmail(value);
    case 'landline':
      return maskLandline(value);
    case 'person-name':
      return maskName(value);
    case 'address':
      return maskAddress(value);
    case 'birthday':
      return maskBirthday(value);
    default:
      return keepEnds(value.trim());
  }
}
