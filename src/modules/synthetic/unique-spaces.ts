import { type CalendarDate, dateAfter, pad } from './format.js';
import { toUsccDigits } from './identifiers.js';
import { createPermutation } from './permutation.js';
import { createRng } from './rng.js';
import { BRAND_CHARS } from './tables/brands.js';
import { INDUSTRY_NAME_WORDS, type IndustryNameWord } from './tables/industries.js';
import { CITIES, type City, REGIONS, type Region } from './tables/regions.js';

/**
 * The values that must be unique within a dataset (ID numbers, mobiles, mailbox names, company names, org
 * codes) are drawn by pushing a per-kind serial number through a keyed permutation of the whole value
 * space, then decoding the result. Distinct serials give distinct values with O(1) memory.
 */

const BIRTH_EPOCH = Date.UTC(1950, 0, 1);
/** 1950-01-01 through 2005-12-31. */
const BIRTH_DAYS = (Date.UTC(2006, 0, 1) - BIRTH_EPOCH) / 86_400_000;
/** Sequence numbers 001–999 (000 is not issued). */
const SEQUENCES = 999;
const BRAND_PAIRS = BRAND_CHARS.length * (BRAND_CHARS.length - 1);
const MODERN_ORG_WIDTH = 6;

export interface IdIdentity {
  region: Region;
  birth: CalendarDate;
  sequence: number;
}

export interface CompanyIdentity {
  city: City;
  brand: string;
  brandPinyin: string;
  nameWord: IndustryNameWord;
}

export interface UniqueSpaces {
  idIdentity(serial: number): IdIdentity;
  /** The 8 digits after a mobile's 3-digit segment. */
  mobileSuffix(serial: number): string;
  qqNumber(serial: number): string;
  /** Digits appended to a pinyin mailbox name. */
  mailboxNumber(serial: number): number;
  companyIdentity(serial: number): CompanyIdentity;
  /** 8 digits, the body of a pre-2015 organisation code. */
  legacyOrgBody(serial: number): string;
  /** MA + 6 characters, the body of an organisation code assigned with a USCC since 2015. */
  modernOrgBody(serial: number): string;
}

/**
 * Most records one dataset may hold. The tightest space is company names (about 8 million); each serial
 * counts one kind only, so every space stays well within its size up to this many records.
 */
export const MAX_DATASET_SIZE = 5_000_000;

export function createUniqueSpaces(seed: string | number): UniqueSpaces {
  // One RNG stream dedicated to keys, so the record stream does not shift when a space is added.
  const keys = createRng(`${String(seed)}\u0000unique-spaces`);
  const idPerm = createPermutation(REGIONS.length * BIRTH_DAYS * SEQUENCES, keys);
  const mobilePerm = createPermutation(100_000_000, keys);
  const qqPerm = createPermutation(1_990_000_000, keys);
  const mailboxPerm = createPermutation(10_000_000, keys);
  const companyPerm = createPermutation(CITIES.length * BRAND_PAIRS * INDUSTRY_NAME_WORDS.length, keys);
  const legacyOrgPerm = createPermutation(100_000_000, keys);
  const modernOrgPerm = createPermutation(31 ** MODERN_ORG_WIDTH, keys);

  return {
    idIdentity(serial: number): IdIdentity {
      const value = idPerm.apply(serial);
      const sequence = (value % SEQUENCES) + 1;
      const rest = Math.floor(value / SEQUENCES);
      const region = REGIONS[Math.floor(rest / BIRTH_DAYS)] as Region;
      return { region, birth: dateAfter(BIRTH_EPOCH, rest % BIRTH_DAYS), sequence };
    },
    mobileSuffix: (serial: number): string => pad(mobilePerm.apply(serial), 8),
    qqNumber: (serial: number): string => String(10_000_000 + qqPerm.apply(serial)),
    mailboxNumber: (serial: number): number => mailboxPerm.apply(serial),
    companyIdentity(serial: number): CompanyIdentity {
      const value = companyPerm.apply(serial);
      const nameWord = INDUSTRY_NAME_WORDS[value % INDUSTRY_NAME_WORDS.length] as IndustryNameWord;
      const rest = Math.floor(value / INDUSTRY_NAME_WORDS.length);
      const pair = rest % BRAND_PAIRS;
      const city = CITIES[Math.floor(rest / BRAND_PAIRS)] as City;
      const firstIndex = Math.floor(pair / (BRAND_CHARS.length - 1));
      let secondIndex = pair % (BRAND_CHARS.length - 1);
      // Skip the first character so a trade name never repeats it (恒恒).
      if (secondIndex >= firstIndex) secondIndex += 1;
      const first = BRAND_CHARS[firstIndex] as readonly [string, string];
      const second = BRAND_CHARS[secondIndex] as readonly [string, string];
      return { city, brand: first[0] + second[0], brandPinyin: first[1] + second[1], nameWord };
    },
    legacyOrgBody: (serial: number): string => pad(legacyOrgPerm.apply(serial), 8),
    modernOrgBody: (serial: number): string =>
      `MA${toUsccDigits(modernOrgPerm.apply(serial), MODERN_ORG_WIDTH)}`,
  };
}
