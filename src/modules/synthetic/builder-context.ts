import type { Rng } from './rng.js';
import { MOBILE_SEGMENTS } from './tables/identifier-prefixes.js';
import type { UniqueSpaces } from './unique-spaces.js';

/** Per-kind serial numbers fed into the unique value spaces; each counts the values handed out so far. */
export interface Serials {
  individual: number;
  person: number;
  qq: number;
  mailbox: number;
  company: number;
  legacyOrg: number;
  modernOrg: number;
}

/** Everything a record builder draws from: the record RNG stream and the uniqueness spaces. */
export interface BuilderContext {
  rng: Rng;
  spaces: UniqueSpaces;
  serials: Serials;
}

export function newSerials(): Serials {
  return { individual: 0, person: 0, qq: 0, mailbox: 0, company: 0, legacyOrg: 0, modernOrg: 0 };
}

/** A mobile unique within the dataset: a live segment plus 8 digits from the person serial. */
export function nextMobile(ctx: BuilderContext): string {
  return ctx.rng.pick(MOBILE_SEGMENTS) + ctx.spaces.mobileSuffix(ctx.serials.person++);
}
