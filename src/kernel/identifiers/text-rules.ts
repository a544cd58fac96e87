import { validateBankCard } from './bank-card.js';
import type { ClassificationHints } from './classification.js';
import { validateEmail } from './email.js';
import { validateIdNumber } from './id-number.js';
import { validateInternationalPhone } from './international-phone.js';
import { validateLandline } from './landline.js';
import { PLATE_PROVINCES, validateLicencePlate } from './licence-plate.js';
import { validateCoordinates, validatePostcode } from './location.js';
import { validateMobile } from './mobile.js';
import { validateIpv4, validateIpv6 } from './network.js';
import { validateHkMacauPermit, validatePassport, validateTaiwanPermit } from './travel-documents.js';
import type { IdentifierKind } from './types.js';
import { validateUscc } from './uscc.js';

/**
 * Candidate patterns for free-text scanning, in priority order: when two matches overlap, the earlier
 * rule wins (an 18-digit run that is a valid ID number is not also reported as a bank card). Patterns
 * only find candidates; every one is confirmed by its validator. Digit and letter boundaries are
 * explicit lookarounds because `\b` does not work next to Chinese characters.
 */

export interface RuleHit {
  confidence: number;
  /** The value to mask: the canonical form, or the matched text where that reads better. */
  display: string;
  hints?: ClassificationHints;
  /** An ID number of a child under 14 (see Detection.minorUnder14). */
  minorUnder14?: true;
}

export interface TextRule {
  kind: IdentifierKind;
  pattern: RegExp;
  /** `before` is the text just before the match, for keyword context (卡号, 护照…). */
  check(match: string, before: string, today: Date | undefined): RuleHit | null;
}

/** Adds `bonus` when one of the keywords precedes the match, e.g. 护照 before a passport number. */
function withContext(base: number, before: string, keywords: RegExp, bonus = 0.2): number {
  const boosted = keywords.test(before) ? base + bonus : base;
  return Math.min(1, Math.round(boosted * 100) / 100);
}

const ALNUM_BEFORE = '(?<![0-9A-Za-z])';
const ALNUM_AFTER = '(?![0-9A-Za-z])';

export const TEXT_RULES: readonly TextRule[] = [
  {
    kind: 'email',
    pattern:
      /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?|(?:(?![\x00-\x7f])[\p{L}\p{N}])+)\.)+(?:[A-Za-z]{2,63}|(?:(?![\x00-\x7f])\p{L})+)/gu,
    check(match) {
      const v = validateEmail(match);
      return v.ok ? { confidence: 0.99, display: v.value } : null;
    },
  },
  {
    kind: 'id-number',
    pattern: new RegExp(`${ALNUM_BEFORE}(?:\\d{17}[\\dXx]|\\d{15})${ALNUM_AFTER}`, 'g'),
    check(match, _before, today) {
      const v = validateIdNumber(match, today === undefined ? {} : { today });
      if (!v.ok) return null;
      // A legacy 15-digit number has no check character: only its date and region vouch for it.
      const minor = v.info.isMinorUnder14 ? ({ minorUnder14: true } as const) : {};
      return v.info.upgradedFrom15
        ? { confidence: 0.7, display: match, ...minor }
        : { confidence: 0.99, display: v.value, ...minor };
    },
  },
  {
    kind: 'uscc',
    pattern: new RegExp(
      `${ALNUM_BEFORE}[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}${ALNUM_AFTER}`,
      'gi',
    ),
    check(match) {
      const v = validateUscc(match);
      if (!v.ok) return null;
      return { confidence: 0.97, display: v.value, hints: { soleProprietor: v.info.soleProprietor } };
    },
  },
  {
    kind: 'bank-card',
    pattern: new RegExp(`${ALNUM_BEFORE}\\d{4}(?:[ -]?\\d{4}){3}(?:[ -]?\\d{1,3})?${ALNUM_AFTER}`, 'g'),
    check(match, before) {
      const v = validateBankCard(match);
      if (!v.ok) return null;
      const confidence = withContext(v.info.score, before, /卡号|银行卡|账号|帐号|账户|帐户|card/i);
      // A 16–19 digit run failing Luhn with no card BIN and no keyword is more likely an order number.
      return confidence >= 0.5 ? { confidence, display: v.value } : null;
    },
  },
  {
    kind: 'coordinates',
    pattern: /(?<![0-9.])[-+]?\d{1,2}\.\d{4,}\s*,\s*[-+]?\d{1,3}\.\d{4,}(?![0-9])/g,
    check(match) {
      const v = validateCoordinates(match);
      return v.ok && v.info.precise ? { confidence: 0.8, display: v.value, hints: { precise: true } } : null;
    },
  },
  {
    kind: 'ipv6',
    pattern:
      /(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![0-9A-Za-z:])/g,
    check(match) {
      const v = validateIpv6(match);
      return v.ok ? { confidence: 0.9, display: v.value } : null;
    },
  },
  {
    kind: 'ipv4',
    pattern: /(?<![0-9.])(?:\d{1,3}\.){3}\d{1,3}(?![0-9]|\.\d)/g,
    check(match) {
      const v = validateIpv4(match);
      return v.ok ? { confidence: 0.85, display: v.value } : null;
    },
  },
  {
    kind: 'mobile',
    pattern: /(?<![0-9+])(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9])/g,
    check(match) {
      const v = validateMobile(match);
      return v.ok ? { confidence: 0.95, display: v.value } : null;
    },
  },
  {
    // A number outside the mainland is told by its + or 00 and country code: +852 9123 4567.
    kind: 'mobile',
    pattern:
      /(?<![0-9A-Za-z+])(?:\+|00)[1-9]\d{0,2}[ -]?(?:\(0\)[ -]?)?\d{2,5}(?:[ -]?\d{2,5}){1,3}(?![0-9])/g,
    check(match) {
      const v = validateInternationalPhone(match);
      return v.ok ? { confidence: 0.85, display: v.value } : null;
    },
  },
  {
    kind: 'landline',
    // As typed: 010-62345678, (0571)88886666, 010 6234 5678, 0571-8888-6666, +86 10 6234 5678.
    pattern:
      /(?<![0-9+])(?:(?:\+|00)86[ -]?(?:\(0?\d{2,3}\)|0?\d{2,3})|\(0\d{2,3}\)|0\d{2,3})[ -]?[2-9]\d{2,3}[ -]?\d{4}(?:(?:-|转|ext\.?|#)\d{1,6})?(?![0-9])/g,
    check(match) {
      const v = validateLandline(match);
      return v.ok ? { confidence: 0.8, display: v.value } : null;
    },
  },
  {
    kind: 'licence-plate',
    pattern: new RegExp(
      `[${PLATE_PROVINCES}][A-HJ-NP-Z][·•・ ]?(?:[A-HJ-NP-Z0-9]{5,6}|[A-HJ-NP-Z0-9]{4}[挂学警港澳领])${ALNUM_AFTER}`,
      'gi',
    ),
    check(match) {
      const v = validateLicencePlate(match);
      return v.ok ? { confidence: 0.85, display: v.value } : null;
    },
  },
  {
    kind: 'hk-macau-permit',
    pattern: new RegExp(
      `${ALNUM_BEFORE}(?:C[0-9A-HJ-NP-Z]\\d{7,8}|W\\d{8}|[HM]\\d{8}(?:\\d{2})?)${ALNUM_AFTER}`,
      'g',
    ),
    check(match, before) {
      const v = validateHkMacauPermit(match);
      if (!v.ok) return null;
      return { confidence: withContext(0.7, before, /通行证|回乡证|港澳|permit/i), display: v.value };
    },
  },
  {
    kind: 'taiwan-permit',
    // Bare 8-digit 台胞证 numbers are only taken right after their name; alone they are anything.
    pattern: new RegExp(
      `${ALNUM_BEFORE}L\\d{8}${ALNUM_AFTER}|(?<=台胞证(?:号码?)?[:\\s]{0,3})\\d{8}(?!\\d)`,
      'g',
    ),
    check(match, before) {
      const v = validateTaiwanPermit(match, { allowBareDigits: /台胞证/.test(before) });
      if (!v.ok) return null;
      return { confidence: withContext(0.7, before, /通行证|台胞证|permit/i), display: v.value };
    },
  },
  {
    kind: 'passport',
    // 14/15 + 7 digits (pre-2012 passports) is any 9-digit number unless 护照 precedes it.
    pattern: new RegExp(
      `${ALNUM_BEFORE}(?:E[0-9A-HJ-NP-Z]\\d{7}|[EGDSPK]\\d{8}|(?:DE|SE|PE|KJ|MA)\\d{7})${ALNUM_AFTER}|(?<=护照(?:号码?)?[:\\s]{0,3})1[45]\\d{7}(?!\\d)`,
      'g',
    ),
    check(match, before) {
      const v = validatePassport(match);
      if (!v.ok) return null;
      return { confidence: withContext(0.7, before, /护照|passport/i), display: v.value };
    },
  },
  {
    kind: 'postcode',
    // Six digits are everywhere (codes, amounts); a postcode is only recognised after its label.
    pattern: /(?<=(?:邮编|邮政编码|postcode|zip(?: ?code)?)[:\s]{0,3})\d{6}(?!\d)/gi,
    check(match) {
      const v = validatePostcode(match);
      return v.ok ? { confidence: 0.8, display: v.value } : null;
    },
  },
];
