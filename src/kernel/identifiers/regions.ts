import { CURRENT_PREFECTURE_TABLE, PROVINCE_TABLE, RETIRED_PREFECTURE_TABLE } from './region-table.js';

export type RegionPrecision = 'prefecture' | 'province';

export interface RegionMatch {
  provinceCode: string;
  provinceName: string;
  precision: RegionPrecision;
  /** Province name, followed by the prefecture's name when it has one of its own. */
  name: string;
  /** True when the prefecture prefix is a retired one. */
  retired: boolean;
}

function parseTable(table: string, codeLength: number): ReadonlyMap<string, string> {
  const entries = new Map<string, string>();
  const pattern = new RegExp(`(\\d{${codeLength}}) (\\S+)`, 'g');
  for (const [, code, name] of table.matchAll(pattern)) {
    if (code !== undefined && name !== undefined) entries.set(code, name);
  }
  return entries;
}

const PROVINCES = parseTable(PROVINCE_TABLE, 2);
const CURRENT_PREFECTURES = parseTable(CURRENT_PREFECTURE_TABLE, 4);
const RETIRED_PREFECTURES = parseTable(RETIRED_PREFECTURE_TABLE, 4);

/** Name of a 2-digit province code, or undefined when GB/T 2260 has none. */
export function provinceName(code2: string): string | undefined {
  return PROVINCES.get(code2);
}

/**
 * Looks up the address code (6 digits, only the first 4 are used) of an ID number. A known prefecture
 * gives prefecture precision; an unknown prefecture under a known province still matches, at province
 * precision, because the retired-code table cannot be complete.
 */
export function lookupRegion(addressCode: string): RegionMatch | null {
  const provinceCode = addressCode.slice(0, 2);
  const province = PROVINCES.get(provinceCode);
  if (province === undefined) return null;
  const prefix = addressCode.slice(0, 4);
  const current = CURRENT_PREFECTURES.get(prefix);
  const retired = current === undefined ? RETIRED_PREFECTURES.get(prefix) : undefined;
  const prefecture = current ?? retired;
  if (prefecture === undefined) {
    return { provinceCode, provinceName: province, precision: 'province', name: province, retired: false };
  }
  return {
    provinceCode,
    provinceName: province,
    precision: 'prefecture',
    name: prefecture === '-' ? province : province + prefecture,
    retired: retired !== undefined,
  };
}
