/**
 * Chinese identifiers: normalisers, validators, detectors and masks. Pure functions, no I/O, so the
 * vault, the importer, the CLI and the notes scanner share one definition of each identifier.
 */

export { addressToCounty, isLikelyChineseAddress } from './address.js';
export { type BankCardInfo, validateBankCard } from './bank-card.js';
export {
  idNumberCheckChar,
  luhnCheckDigit,
  luhnValid,
  orgCodeCheckChar,
  USCC_CHARSET,
  usccCheckChar,
} from './checksums.js';
export {
  type ClassificationHints,
  classifyKind,
  KIND_CLASSIFICATION,
  type KindClassification,
} from './classification.js';
export { type ColumnOptions, detectColumn, matchesKind } from './detect-column.js';
export { type DetectOptions, detectInText } from './detect-text.js';
export { validateEmail } from './email.js';
export {
  DEFAULT_EARLIEST_BIRTH_YEAR,
  type IdNumberInfo,
  type IdNumberKind,
  type IdNumberOptions,
  validateIdNumber,
} from './id-number.js';
export {
  countryCodeOf,
  type InternationalPhoneInfo,
  validateInternationalPhone,
} from './international-phone.js';
export { type LandlineInfo, validateLandline } from './landline.js';
export { type LicencePlateInfo, PLATE_PROVINCES, validateLicencePlate } from './licence-plate.js';
export {
  type CoordinatesInfo,
  PRECISE_COORDINATE_DECIMALS,
  validateCoordinates,
  validatePostcode,
} from './location.js';
export { maskInternationalPhone, maskValue } from './mask.js';
export { type MobileInfo, type MobileOptions, validateMobile, validateMobileField } from './mobile.js';
export {
  MOBILE_SEGMENTS,
  MOBILE_STRICT_PATTERN,
  type MobileCarrier,
  type MobileSegmentTable,
} from './mobile-segments.js';
export { validateIpv4, validateIpv6 } from './network.js';
export { codeText, normaliseMobile, normaliseText } from './normalise.js';
export { isLikelyChineseName } from './person-name.js';
export { invalid, REASON_MESSAGES } from './reasons.js';
export { lookupRegion, provinceName, type RegionMatch, type RegionPrecision } from './regions.js';
export { COMPOUND_SURNAMES, SINGLE_SURNAMES, surnameOf } from './surnames.js';
export {
  type HkMacauPermitInfo,
  type PassportInfo,
  type TaiwanPermitInfo,
  type TaiwanPermitOptions,
  validateHkMacauPermit,
  validatePassport,
  validateTaiwanPermit,
} from './travel-documents.js';
export type {
  ColumnDetection,
  DataGrade,
  Detection,
  IdentifierKind,
  IdentifierReason,
  LocalisedMessage,
  PiCategory,
  Validation,
  ValidationFailure,
  ValidationSuccess,
  ValidationWithInfo,
} from './types.js';
export { type UsccInfo, validateUscc } from './uscc.js';
