import { normaliseText } from './normalise.js';
import { invalid } from './reasons.js';
import type { Validation, ValidationWithInfo } from './types.js';

/**
 * Mainland postcodes: 6 digits, the first 0–8 (9 is unused). 999077/999078 are accepted because forms
 * commonly use them for Hong Kong and Macau, which have no postcodes.
 */
const POSTCODE = /^(?:[0-8]\d{5}|99907[78])$/;

export function validatePostcode(raw: string): Validation {
  const s = normaliseText(raw).replace(/\s/g, '');
  if (s === '') return invalid('EMPTY');
  return POSTCODE.test(s) ? { ok: true, value: s } : invalid('POSTCODE_FORMAT');
}

export interface CoordinatesInfo {
  lat: number;
  lng: number;
  /** Fewest decimals of the two numbers. */
  decimals: number;
  /**
   * Four decimals locate to about 11 m: whereabouts, sensitive PI under PIPL Art. 28. Coarser values
   * (city-level, or IP geolocation) are ordinary PI.
   */
  precise: boolean;
}

/** Decimals at and above which a coordinate pair counts as precise. */
export const PRECISE_COORDINATE_DECIMALS = 4;

const PAIR = /^([-+]?\d{1,3}(?:\.(\d+))?)\s*,\s*([-+]?\d{1,3}(?:\.(\d+))?)$/;

/**
 * Validates a `lat,lng` pair in decimal degrees (WGS-84/GCJ-02 alike). The order is not guessed:
 * AMap and Baidu APIs write `lng,lat`, and such strings fail the latitude range whenever lng > 90.
 */
export function validateCoordinates(raw: string): ValidationWithInfo<CoordinatesInfo> {
  const s = normaliseText(raw);
  if (s === '') return invalid('EMPTY');
  const m = PAIR.exec(s);
  if (m === null) return invalid('COORDINATES_FORMAT');
  const [, latText = '', latDecimals = '', lngText = '', lngDecimals = ''] = m;
  const lat = Number(latText);
  const lng = Number(lngText);
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return invalid('COORDINATES_RANGE');
  const decimals = Math.min(latDecimals.length, lngDecimals.length);
  const value = `${latText.replace(/^\+/, '')},${lngText.replace(/^\+/, '')}`;
  return {
    ok: true,
    value,
    info: { lat, lng, decimals, precise: decimals >= PRECISE_COORDINATE_DECIMALS },
  };
}
