import { isLikelyChineseAddress } from './address.js';
import { validateBankCard } from './bank-card.js';
import { type ClassificationHints, classifyKind } from './classification.js';
import { validateEmail } from './email.js';
import { validateIdNumber } from './id-number.js';
import { validateLandline } from './landline.js';
import { validateLicencePlate } from './licence-plate.js';
import { validateCoordinates, validatePostcode } from './location.js';
import { validateMobileField } from './mobile.js';
import { validateIpv4, validateIpv6 } from './network.js';
import { isLikelyChineseName } from './person-name.js';
import { validateHkMacauPermit, validatePassport, validateTaiwanPermit } from './travel-documents.js';
import type { ColumnDetection, IdentifierKind } from './types.js';
import { validateUscc } from './uscc.js';

export interface ColumnOptions {
  /** The instant "now" for birth-date checks of ID numbers. */
  today?: Date;
  /** Share of non-empty values the winning kind must accept. Default 0.6. */
  minShare?: number;
}

/** Per-value verdict: confidence that the value is of the kind, and what it tells the classification. */
interface ValueMatch {
  confidence: number;
  precise?: boolean;
  soleProprietor?: boolean;
  /** An ID number of a child under 14. */
  minor?: boolean;
}

type Matcher = (value: string, today: Date | undefined) => ValueMatch | null;

/** Below this a name or address heuristic does not count a value as a match. */
const HEURISTIC_THRESHOLD = 0.6;
/** Upper bound on values examined: classification needs a sample, not the whole file. */
const MAX_SAMPLE = 1000;

const fixed =
  (confidence: number, check: (v: string) => { ok: boolean }): Matcher =>
  (value) =>
    check(value).ok ? { confidence } : null;

/** In tie-break order: the more specific a check, the earlier it stands. */
const MATCHERS: ReadonlyArray<readonly [IdentifierKind, Matcher]> = [
  [
    'id-number',
    (value, today) => {
      const v = validateIdNumber(value, today === undefined ? {} : { today });
      if (!v.ok) return null;
      return { confidence: v.info.upgradedFrom15 ? 0.85 : 0.99, minor: v.info.isMinorUnder14 };
    },
  ],
  [
    'uscc',
    (value) => {
      const v = validateUscc(value);
      return v.ok ? { confidence: 0.97, soleProprietor: v.info.soleProprietor } : null;
    },
  ],
  ['email', fixed(0.99, validateEmail)],
  ['mobile', fixed(0.97, validateMobileField)],
  [
    'bank-card',
    (value) => {
      const v = validateBankCard(value);
      return v.ok && v.info.score >= 0.5 ? { confidence: v.info.score } : null;
    },
  ],
  ['landline', fixed(0.9, validateLandline)],
  ['licence-plate', fixed(0.95, validateLicencePlate)],
  ['passport', fixed(0.8, validatePassport)],
  ['hk-macau-permit', fixed(0.8, validateHkMacauPermit)],
  // Bare 8-digit 台胞证 numbers are excluded: a column of dates (20240101) would qualify.
  ['taiwan-permit', fixed(0.8, (v) => validateTaiwanPermit(v, { allowBareDigits: false }))],
  ['ipv4', fixed(0.95, validateIpv4)],
  ['ipv6', fixed(0.95, validateIpv6)],
  [
    'coordinates',
    (value) => {
      const v = validateCoordinates(value);
      return v.ok ? { confidence: 0.9, precise: v.info.precise } : null;
    },
  ],
  ['postcode', fixed(0.7, validatePostcode)],
  [
    'person-name',
    (value) => {
      const c = isLikelyChineseName(value);
      return c >= HEURISTIC_THRESHOLD ? { confidence: c } : null;
    },
  ],
  [
    'address',
    (value) => {
      const c = isLikelyChineseAddress(value);
      return c >= HEURISTIC_THRESHOLD ? { confidence: c } : null;
    },
  ],
];

const MATCHER_OF: ReadonlyMap<IdentifierKind, Matcher> = new Map(MATCHERS);

/** Whether one value is of a kind a column was classified as (the column's own check, value by value). */
export function matchesKind(kind: IdentifierKind, value: string): boolean {
  const matcher = MATCHER_OF.get(kind);
  return matcher !== undefined && matcher(value.trim(), undefined) !== null;
}

interface Tally {
  kind: IdentifierKind;
  matched: number;
  confidenceSum: number;
  precise: number;
  soleProprietor: number;
  minors: number;
}

/**
 * Classifies a column from a sample of its values: the kind whose validator accepts the largest share
 * of the non-empty values wins, if that share reaches 60 %. Returns null for columns that hold no
 * recognised identifier (or an empty sample). The only place where the person-name and address
 * heuristics are used.
 */
export function detectColumn(values: string[], opts: ColumnOptions = {}): ColumnDetection | null {
  const sample = values
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .slice(0, MAX_SAMPLE);
  if (sample.length === 0) return null;

  const tallies: Tally[] = MATCHERS.map(([kind]) => ({
    kind,
    matched: 0,
    confidenceSum: 0,
    precise: 0,
    soleProprietor: 0,
    minors: 0,
  }));
  for (const value of sample) {
    MATCHERS.forEach(([, matcher], i) => {
      const match = matcher(value, opts.today);
      const tally = tallies[i];
      if (match === null || tally === undefined) return;
      tally.matched++;
      tally.confidenceSum += match.confidence;
      if (match.precise === true) tally.precise++;
      if (match.soleProprietor === true) tally.soleProprietor++;
      if (match.minor === true) tally.minors++;
    });
  }

  // Most matches wins; on a tie the higher mean confidence, then the earlier (more specific) matcher.
  let best: Tally | undefined;
  for (const t of tallies) {
    if (t.matched === 0) continue;
    if (
      best === undefined ||
      t.matched > best.matched ||
      (t.matched === best.matched && t.confidenceSum > best.confidenceSum)
    ) {
      best = t;
    }
  }
  const share = best === undefined ? 0 : best.matched / sample.length;
  if (best === undefined || share < (opts.minShare ?? 0.6)) return null;

  const hints: ClassificationHints = {};
  if (best.kind === 'coordinates') hints.precise = best.precise * 2 >= best.matched;
  if (best.kind === 'uscc') hints.soleProprietor = best.soleProprietor * 2 > best.matched;
  const classification = classifyKind(best.kind, hints);
  return {
    kind: best.kind,
    confidence: Math.round(share * (best.confidenceSum / best.matched) * 100) / 100,
    matched: best.matched,
    sampled: sample.length,
    category: classification.category,
    sensitive: classification.sensitive,
    suggestedGrade: classification.grade,
    ...(best.minors > 0 ? { minorsUnder14: best.minors } : {}),
  };
}
