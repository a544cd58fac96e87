/**
 * Shared types of the identifier kernel: validation results, identifier kinds, PI categories and the
 * shapes the detectors return. Nothing here carries a raw identifier except `value` of a successful
 * validation, which is the caller's own input in canonical form.
 */

/** A message in both UI languages. Never contains the value that was checked: it ends up in logs. */
export interface LocalisedMessage {
  zh: string;
  en: string;
}

/** Stable reason codes of a failed validation. Scripts and import error files rely on them: add, never rename. */
export type IdentifierReason =
  | 'EMPTY'
  | 'ID_FORMAT'
  | 'ID_CHECKSUM'
  | 'ID_PRECISION_LOST'
  | 'ID_BIRTHDATE'
  | 'ID_REGION'
  | 'USCC_FORMAT'
  | 'USCC_CHECKSUM'
  | 'MOBILE_FORMAT'
  | 'MOBILE_PRECISION_LOST'
  | 'MOBILE_MULTIPLE'
  | 'MOBILE_FOREIGN'
  | 'MOBILE_INTL_FORMAT'
  | 'MOBILE_NEEDS_CODE'
  | 'MOBILE_SEGMENT'
  | 'LANDLINE_FORMAT'
  | 'EMAIL_FORMAT'
  | 'EMAIL_MULTIPLE'
  | 'BANKCARD_FORMAT'
  | 'BANKCARD_PRECISION_LOST'
  | 'PASSPORT_FORMAT'
  | 'HK_MACAU_PERMIT_FORMAT'
  | 'TAIWAN_PERMIT_FORMAT'
  | 'PLATE_FORMAT'
  | 'POSTCODE_FORMAT'
  | 'IPV4_FORMAT'
  | 'IPV6_FORMAT'
  | 'COORDINATES_FORMAT'
  | 'COORDINATES_RANGE';

export interface ValidationFailure {
  ok: false;
  reason: IdentifierReason;
  message: LocalisedMessage;
}

export interface ValidationSuccess<I = unknown> {
  ok: true;
  /** The canonical normalised form of the input. */
  value: string;
  info?: I;
}

/**
 * Result of every validator. `Validation` (info of unknown type) is the shape callers that only need
 * the value or the reason accept; every validator's result is assignable to it.
 */
export type Validation<I = unknown> = ValidationSuccess<I> | ValidationFailure;

/** What a validator with something to say beyond the value returns: `info` is always present on success. */
export type ValidationWithInfo<I> = (ValidationSuccess<I> & { info: I }) | ValidationFailure;

/** Every kind of identifier or personal datum the kernel validates, detects or masks. */
export type IdentifierKind =
  | 'id-number'
  | 'uscc'
  | 'mobile'
  | 'landline'
  | 'email'
  | 'bank-card'
  | 'passport'
  | 'hk-macau-permit'
  | 'taiwan-permit'
  | 'licence-plate'
  | 'postcode'
  | 'ipv4'
  | 'ipv6'
  | 'coordinates'
  | 'person-name'
  | 'address'
  | 'birthday';

/**
 * PIPL category of a datum: sensitive PI (Art. 28), ordinary personal information (Art. 4), a company
 * identifier (not PI by itself) or a quasi-identifier that only identifies someone in combination.
 */
export type PiCategory = 'sensitive-pi' | 'personal-info' | 'company-identifier' | 'quasi-identifier';

/** The vault's grading: L4 高敏 (sensitive PI) down to L1 (public business data). */
export type DataGrade = 'L1' | 'L2' | 'L3' | 'L4';

/** One identifier found in free text. Holds no raw value, only its masked form. */
export interface Detection {
  kind: IdentifierKind;
  /** UTF-16 offsets into the scanned text, end exclusive. */
  start: number;
  end: number;
  confidence: number;
  category: PiCategory;
  sensitive: boolean;
  masked: string;
  /**
   * An ID number whose birth date makes its holder under 14 (China time, at the scan): all of a child's
   * personal information is sensitive and needs a guardian's consent (PIPL Art. 28, 31).
   */
  minorUnder14?: true;
}

/** What a sampled column most likely holds. */
export interface ColumnDetection {
  kind: IdentifierKind;
  confidence: number;
  matched: number;
  sampled: number;
  category: PiCategory;
  sensitive: boolean;
  suggestedGrade: DataGrade;
  /** ID-number columns: how many sampled values are of children under 14 (PIPL Art. 28, 31), when any. */
  minorsUnder14?: number;
}
