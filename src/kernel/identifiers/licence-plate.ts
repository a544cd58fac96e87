import { normaliseText } from './normalise.js';
import { invalid } from './reasons.js';
import type { ValidationWithInfo } from './types.js';

export interface LicencePlateInfo {
  /** The one-character province abbreviation, e.g. 粤. */
  province: string;
  /** 8-character green plates of new-energy vehicles. */
  newEnergy: boolean;
}

/** Province abbreviations that open civilian plates. */
export const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

/** Serial characters exclude I and O, which read as 1 and 0. */
const SERIAL = '[A-HJ-NP-Z0-9]';
const ORDINARY = new RegExp(`^[${PLATE_PROVINCES}][A-HJ-NP-Z]${SERIAL}{4}(?:${SERIAL}|[挂学警港澳领])$`);
/**
 * New-energy plates: small vehicles put D/A/B/C/E (electric) or F/G/H/J/K (other) first, then a
 * character and 4 digits; large vehicles put 5 digits first and D/F last.
 */
const NEW_ENERGY = new RegExp(`^[${PLATE_PROVINCES}][A-HJ-NP-Z](?:[A-HJ-K]${SERIAL}\\d{4}|\\d{5}[DF])$`);

/**
 * Validates a civilian licence plate (7 characters, or 8 for new-energy vehicles). The canonical value
 * has no separator: `粤B12345`, not `粤B·12345`. Military, police-prefixed and embassy plates are not covered.
 */
export function validateLicencePlate(raw: string): ValidationWithInfo<LicencePlateInfo> {
  const s = normaliseText(raw)
    .replace(/[\s·•・.-]/g, '')
    .toUpperCase();
  if (s === '') return invalid('EMPTY');
  const province = s.slice(0, 1);
  if (NEW_ENERGY.test(s)) return { ok: true, value: s, info: { province, newEnergy: true } };
  if (ORDINARY.test(s)) return { ok: true, value: s, info: { province, newEnergy: false } };
  return invalid('PLATE_FORMAT');
}
