/**
 * Synthetic customer data for tests, demos and load runs: deterministic for a seed, realistic enough to
 * pass every identifier check, with a controlled share of the dirt real SME exports contain.
 */
export { generateCustomers } from './customers.js';
export { generateSyntheticFile } from './generate-file.js';
export { createRng, type Rng } from './rng.js';
export {
  type CustomerKind,
  DIRT_KINDS,
  type DirtKind,
  type ExpectedImport,
  type GenerateCustomersOptions,
  type GenerateFileOptions,
  type RejectReason,
  type SyntheticCustomer,
  type SyntheticEncoding,
  type SyntheticFormat,
  type SyntheticSummary,
} from './types.js';
export { MAX_DATASET_SIZE } from './unique-spaces.js';
