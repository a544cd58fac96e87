import { createHash } from 'node:crypto';

/**
 * The number that scopes an org's entries in `blind_index` (migration 010): 6 bytes of a hash of the
 * org's id, where every entry used to repeat the 36-character id itself. Each of five entries a
 * customer was a third org id; with the number, the table is a third smaller and a bulk load's
 * sorted merge into it about 30% faster (docs/adr/0015-org-number-in-the-search-index.md).
 *
 * Derived, not assigned, so every process and both engines agree without a lookup. Two orgs of one
 * store sharing a number (about one chance in 10^14 for a thousand orgs) would still never see each
 * other's customers: each org's blind indexes are keyed with its own secret, so their hashes differ.
 *
 * Frozen: stored entries carry it. Changing it means rewriting `blind_index`.
 */
export function orgIndexNumber(orgId: string): number {
  return createHash('sha256').update(`custodian/blind-index-org/v1:${orgId}`).digest().readUIntBE(0, 6);
}
