import { normaliseText } from './normalise.js';

/** Administrative levels that appear in a mainland address (省/市/区/县…). */
const ADMIN_MARKERS = /省|自治区|市|自治州|地区|盟|区|县|旗|镇|乡|街道|村/;
/** Street-level markers: road, lane, number, building, room. */
const STREET_MARKERS = /路|街|大道|巷|弄|胡同|号|幢|栋|楼|单元|室|大厦|小区|广场|园区/;

/**
 * Confidence 0..1 that `s` is a mainland postal address. Like the name heuristic it only serves column
 * classification: in free text it would flag every sentence that mentions a city.
 */
export function isLikelyChineseAddress(s: string): number {
  const text = normaliseText(s);
  if (text.length < 5 || !/[\u4e00-\u9fff]/.test(text)) return 0;
  const admin = ADMIN_MARKERS.test(text);
  const street = STREET_MARKERS.test(text);
  const numbered = /\d+\s*(?:号|栋|幢|室|楼|单元)/.test(text);
  if (admin && (street || numbered)) return 0.9;
  if (street && numbered) return 0.75;
  if (admin && text.length >= 6) return 0.6;
  return 0.1;
}

/**
 * The leading part of an address up to and including its county-level unit (区/县/旗), or undefined
 * when there is none. 自治区 and 特别行政区 are provinces, so their 区 does not count.
 */
export function addressToCounty(address: string): string | undefined {
  for (const m of address.matchAll(/区|县|旗/g)) {
    const before = address.slice(0, m.index + 1);
    if (!/(?:自治|特别行政)区$/.test(before)) return before;
  }
  return undefined;
}
