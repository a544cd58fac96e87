import { AppError } from '../../kernel/errors/app-error.js';
import { type BuilderContext, newSerials } from './builder-context.js';
import { buildCompany, buildContact } from './company.js';
import { buildIndividual } from './individual.js';
import { createRng, cumulativeWeights } from './rng.js';
import type { GenerateCustomersOptions, SyntheticCustomer } from './types.js';
import { createUniqueSpaces, MAX_DATASET_SIZE } from './unique-spaces.js';

/**
 * Records come in blocks: an individual, or a company followed by its contacts. With one company block in
 * five and 1.65 contacts per company on average, the mix is about 60% individuals, 15% companies and
 * 25% contacts, and every contact directly follows its company.
 */
const COMPANY_BLOCK_SHARE = 0.2;
const CONTACTS_PER_COMPANY = [0, 1, 2, 3] as const;
const CONTACTS_CUMULATIVE = cumulativeWeights([10, 35, 35, 20]);

/** A generated customer with what the file writer needs to know about the block around it. */
export interface GeneratedRecord {
  customer: SyntheticCustomer;
  /** For a company: how many contacts follow it. 0 otherwise. */
  contactCount: number;
}

export function validateCustomerOptions(opts: GenerateCustomersOptions): void {
  if (!Number.isInteger(opts.count) || opts.count < 0 || opts.count > MAX_DATASET_SIZE) {
    throw new AppError('USAGE', { detail: `count must be an integer from 0 to ${MAX_DATASET_SIZE}` });
  }
  if (typeof opts.seed === 'number' ? !Number.isFinite(opts.seed) : typeof opts.seed !== 'string') {
    throw new AppError('USAGE', { detail: 'seed must be a string or a finite number' });
  }
}

/** The record stream behind `generateCustomers`, lazily built; same options, same records. */
export function* generateRecords(opts: GenerateCustomersOptions): Generator<GeneratedRecord> {
  const ctx: BuilderContext = {
    rng: createRng(opts.seed),
    spaces: createUniqueSpaces(opts.seed),
    serials: newSerials(),
  };
  let emitted = 0;
  while (emitted < opts.count) {
    if (!ctx.rng.chance(COMPANY_BLOCK_SHARE)) {
      yield { customer: buildIndividual(ctx), contactCount: 0 };
      emitted++;
      continue;
    }
    const wanted = CONTACTS_PER_COMPANY[ctx.rng.weightedIndex(CONTACTS_CUMULATIVE)] as number;
    // The last block is cut short rather than overshooting `count`; the company still comes first.
    const contactCount = Math.min(wanted, opts.count - emitted - 1);
    const company = buildCompany(ctx);
    yield { customer: company.customer, contactCount };
    emitted++;
    const usedMailboxes: string[] = [];
    for (let i = 0; i < contactCount; i++) {
      yield { customer: buildContact(ctx, company, usedMailboxes), contactCount: 0 };
      emitted++;
    }
  }
}

/**
 * `count` clean customers, generated lazily so memory stays flat however large `count` is. The iterable
 * can be iterated again and yields the same records each time.
 */
export function generateCustomers(opts: GenerateCustomersOptions): Iterable<SyntheticCustomer> {
  validateCustomerOptions(opts);
  return {
    *[Symbol.iterator](): Iterator<SyntheticCustomer> {
      for (const record of generateRecords(opts)) yield record.customer;
    },
  };
}
