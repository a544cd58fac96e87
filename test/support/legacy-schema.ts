import type { Database as Schema } from '../../src/kernel/store/schema.js';

/** The schema before migration 010, for tests that seed a store at an earlier migration. */
export type SchemaBefore010 = Omit<Schema, 'blind_index'> & {
  /** `blind_index` repeated the org's id in every entry. */
  blind_index: { org_id: string; field: string; hash: Buffer; customer_id: string };
};
