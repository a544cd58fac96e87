import {
  type CalendarDate,
  chinaDate,
  compareDates,
  formatDate,
  fullYearsBetween,
  isRealDate,
} from './calendar.js';
import { idNumberCheckChar } from './checksums.js';
import { codeText, normaliseText } from './normalise.js';
import { invalid } from './reasons.js';
import { lookupRegion, provinceName, type RegionPrecision } from './regions.js';
import type { ValidationWithInfo } from './types.js';

/** What an 18-character GB 11643-style number is issued as. */
export type IdNumberKind =
  | 'resident'
  | 'foreign-pr'
  | 'hk-residence-permit'
  | 'macau-residence-permit'
  | 'taiwan-residence-permit';

export interface IdNumberInfo {
  kind: IdNumberKind;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  sex: 'M' | 'F';
  /** The 6-digit address code; for a foreign permanent resident the issuing province as `XX0000`. */
  regionCode: string;
  regionName?: string;
  regionPrecision: RegionPrecision;
  ageYears: number;
  /** Under-14s' PI is sensitive as a whole (PIPL Art. 28, 31): feeds the record's classification. */
  isMinorUnder14: boolean;
  upgradedFrom15?: true;
  /** Foreign permanent residents only: the 3-digit nationality code. */
  nationalityCode?: string;
}

export interface IdNumberOptions {
  /** The instant "now"; injected so tests and replays are deterministic. */
  today?: Date;
  /** Birth years before this are rejected as implausible. Default `DEFAULT_EARLIEST_BIRTH_YEAR`. */
  earliestBirthYear?: number;
}

/**
 * 1880, not 1890: the GB 11643 reference vector 440524188001010014 (PIPL-REQUIREMENTS §3) is born on
 * 1880-01-01, and records of deceased people (PIPL Art. 49) may carry such old numbers.
 */
export const DEFAULT_EARLIEST_BIRTH_YEAR = 1880;

/** Address codes of residence permits for HK, Macau and Taiwan residents (GB/T 2260 has no such prefecture). */
const RESIDENCE_PERMITS: Readonly<Record<string, { kind: IdNumberKind; name: string }>> = {
  '810000': { kind: 'hk-residence-permit', name: '香港特别行政区' },
  '820000': { kind: 'macau-residence-permit', name: '澳门特别行政区' },
  '830000': { kind: 'taiwan-residence-permit', name: '台湾地区' },
};

/**
 * Excel keeps 15 significant digits of a number: an ID number typed into a numeric cell comes out as
 * 1.10105E+17 (a CSV saved by Excel) or with its last three digits turned to 000 (the cell's value).
 * A real number ending 000 passes its check; a failing one that ends 000 is Excel's rounding far more
 * often than a typo, and its fix is a text column, not one character.
 */
const EXCEL_EXPONENT = /^\d(\.\d+)?E\+?1[4-7]$/;

/** Inserts the century of a GB 11643-1989 number and appends the MOD 11-2 check character. */
function upgradeFrom15(id15: string): string {
  const body = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return body + idNumberCheckChar(body);
}

interface RegionPart {
  kind: IdNumberKind;
  regionCode: string;
  regionName?: string;
  regionPrecision: RegionPrecision;
  nationalityCode?: string;
}

function classifyRegion(id18: string, upgraded: boolean): RegionPart | null {
  const addressCode = id18.slice(0, 6);
  // Foreign permanent-resident cards (2023 version) start with 9, then the issuing province and a
  // 3-digit nationality code; no resident address code starts with 9, so the two never collide.
  if (id18.startsWith('9') && !upgraded) {
    const province = id18.slice(1, 3);
    const name = provinceName(province);
    if (name === undefined || Number(province) > 65) return null;
    return {
      kind: 'foreign-pr',
      regionCode: `${province}0000`,
      regionName: name,
      regionPrecision: 'province',
      nationalityCode: id18.slice(3, 6),
    };
  }
  const permit = RESIDENCE_PERMITS[addressCode];
  if (permit !== undefined) {
    return {
      kind: permit.kind,
      regionCode: addressCode,
      regionName: permit.name,
      regionPrecision: 'province',
    };
  }
  // 81/82/83 exist only as the residence-permit codes above, never as resident address codes.
  if (/^8[123]/.test(addressCode)) return null;
  const region = lookupRegion(addressCode);
  if (region === null) return null;
  return {
    kind: 'resident',
    regionCode: addressCode,
    regionName: region.name,
    regionPrecision: region.precision,
  };
}

/**
 * Validates a resident ID number (GB 11643-1999, 18 characters; legacy 15-digit numbers are upgraded)
 * and the numbers sharing its layout: foreign permanent-resident cards and HK/Macau/Taiwan residence
 * permits. The canonical value is the 18-character form with an upper-case X.
 */
export function validateIdNumber(raw: string, opts: IdNumberOptions = {}): ValidationWithInfo<IdNumberInfo> {
  // × typed for the check character X: the two look alike in most fonts.
  const s = codeText(normaliseText(raw)).replace(/[\s-]/g, '').replace(/×$/, 'X').toUpperCase();
  if (s === '') return invalid('EMPTY');

  let id18: string;
  let upgraded = false;
  if (/^\d{15}$/.test(s)) {
    id18 = upgradeFrom15(s);
    upgraded = true;
  } else if (/^\d{17}[\dX]$/.test(s)) {
    if (idNumberCheckChar(s.slice(0, 17)) !== s[17])
      return invalid(s.endsWith('000') ? 'ID_PRECISION_LOST' : 'ID_CHECKSUM');
    id18 = s;
  } else {
    return invalid(EXCEL_EXPONENT.test(s) ? 'ID_PRECISION_LOST' : 'ID_FORMAT');
  }

  const birth: CalendarDate = {
    year: Number(id18.slice(6, 10)),
    month: Number(id18.slice(10, 12)),
    day: Number(id18.slice(12, 14)),
  };
  const today = chinaDate(opts.today ?? new Date());
  const earliestYear = opts.earliestBirthYear ?? DEFAULT_EARLIEST_BIRTH_YEAR;
  if (!isRealDate(birth) || birth.year < earliestYear || compareDates(birth, today) > 0) {
    return invalid('ID_BIRTHDATE');
  }

  const region = classifyRegion(id18, upgraded);
  if (region === null) return invalid('ID_REGION');

  const ageYears = fullYearsBetween(birth, today);
  const info: IdNumberInfo = {
    ...region,
    birthDate: formatDate(birth),
    // The sequence number's last digit (17th character) is odd for men and even for women.
    sex: Number(id18[16]) % 2 === 1 ? 'M' : 'F',
    ageYears,
    isMinorUnder14: ageYears < 14,
  };
  if (upgraded) info.upgradedFrom15 = true;
  return { ok: true, value: id18, info };
}
