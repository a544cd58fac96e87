import type { DataGrade, IdentifierKind, PiCategory } from './types.js';

export interface KindClassification {
  category: PiCategory;
  sensitive: boolean;
  grade: DataGrade;
}

const SENSITIVE: KindClassification = { category: 'sensitive-pi', sensitive: true, grade: 'L4' };
const PERSONAL: KindClassification = { category: 'personal-info', sensitive: false, grade: 'L3' };

/**
 * Default PIPL category and vault grade per kind.
 * - Sensitive PI (Art. 28, L4): ID numbers (specific identity; GB/T 45574-2025 reportedly drops the bare
 *   number, but it stays high-risk, see PIPL-REQUIREMENTS Q3), bank cards (financial accounts), precise
 *   coordinates (whereabouts), passports and permits (specific identity).
 * - Personal information (L3): contact data, names, addresses, plates, IP addresses, coarse coordinates.
 * - USCC (L1): identifies a company, which is not PI. A sole proprietor's (个体工商户) code maps to one
 *   natural person, so `classifyKind` raises it to personal information when told so.
 * - Postcode (L2): a quasi-identifier, identifying only in combination with other data.
 */
export const KIND_CLASSIFICATION: Readonly<Record<IdentifierKind, KindClassification>> = {
  'id-number': SENSITIVE,
  'bank-card': SENSITIVE,
  passport: SENSITIVE,
  'hk-macau-permit': SENSITIVE,
  'taiwan-permit': SENSITIVE,
  coordinates: SENSITIVE,
  mobile: PERSONAL,
  landline: PERSONAL,
  email: PERSONAL,
  'person-name': PERSONAL,
  address: PERSONAL,
  birthday: PERSONAL,
  'licence-plate': PERSONAL,
  ipv4: PERSONAL,
  ipv6: PERSONAL,
  uscc: { category: 'company-identifier', sensitive: false, grade: 'L1' },
  postcode: { category: 'quasi-identifier', sensitive: false, grade: 'L2' },
};

export interface ClassificationHints {
  /** Coordinates only: false for coarse (< 4 decimals) values, which are not whereabouts. */
  precise?: boolean;
  /** USCC only: the code belongs to an individual business (starts with 92). */
  soleProprietor?: boolean;
}

/** The classification of `kind`, adjusted by what the validator learnt about the value. */
export function classifyKind(kind: IdentifierKind, hints: ClassificationHints = {}): KindClassification {
  if (kind === 'coordinates' && hints.precise === false) return PERSONAL;
  if (kind === 'uscc' && hints.soleProprietor === true) return PERSONAL;
  return KIND_CLASSIFICATION[kind];
}
