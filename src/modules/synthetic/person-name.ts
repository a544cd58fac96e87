import { cumulativeWeights, type Rng } from './rng.js';
import { FEMALE_NAME_CHARS, MALE_NAME_CHARS } from './tables/given-names.js';
import { SURNAMES } from './tables/surnames.js';

export interface PersonName {
  name: string;
  /** Lower-case pinyin without separators (zhangwei), the usual mailbox spelling. */
  pinyin: string;
}

const SURNAME_WEIGHTS = cumulativeWeights(SURNAMES.map(([, , share]) => share));

/** A Chinese name whose given-name characters suit the sex; about a third of given names are one character. */
export function pickPersonName(rng: Rng, male: boolean): PersonName {
  const [surname, surnamePinyin] = SURNAMES[rng.weightedIndex(SURNAME_WEIGHTS)] as (typeof SURNAMES)[number];
  const pool = male ? MALE_NAME_CHARS : FEMALE_NAME_CHARS;
  const [first, firstPinyin] = rng.pick(pool);
  if (rng.chance(0.3)) return { name: surname + first, pinyin: surnamePinyin + firstPinyin };
  const [second, secondPinyin] = rng.pick(pool);
  return { name: surname + first + second, pinyin: surnamePinyin + firstPinyin + secondPinyin };
}
