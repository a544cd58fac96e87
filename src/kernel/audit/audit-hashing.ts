import { hash } from 'node:crypto';
import type { AuditEventsTable } from '../store/schema.js';
import type { AuditCheckpoint } from './audit-types.js';

/** An audit event as stored, without its org. */
export type StoredRow = Omit<AuditEventsTable, 'org_id'>;

/** Stored columns in hash order; the row's own hash comes last and is not hashed. */
export const HASHED_COLUMNS = [
  'seq',
  'at',
  'actor',
  'action',
  'purpose',
  'subjects',
  'fields',
  'outcome',
  'details',
  'prev_hash',
] as const;

/** SHA-256 over the stored column values (in HASHED_COLUMNS order); JSON keeps it unambiguous. */
export function eventHashOfValues(orgId: string, values: readonly unknown[]): string {
  return hash('sha256', JSON.stringify(['v1', orgId, ...values]), 'hex');
}

/** SHA-256 over the stored columns and the previous hash. */
export function eventHash(orgId: string, row: Omit<StoredRow, 'hash'>): string {
  return eventHashOfValues(
    orgId,
    HASHED_COLUMNS.map((c) => row[c]),
  );
}

export function checkpointPayload(cp: Omit<AuditCheckpoint, 'signature' | 'keyFingerprint'>): Buffer {
  return Buffer.from(
    JSON.stringify([
      'custodian.checkpoint.v1',
      cp.orgId,
      cp.seq,
      cp.fromSeq,
      cp.at,
      cp.headHash,
      cp.merkleRoot,
    ]),
  );
}

export function rowToCheckpoint(row: {
  org_id: string;
  seq: number;
  from_seq: number;
  at: string;
  head_hash: string;
  merkle_root: string;
  signature: string;
  key_fingerprint: string;
}): AuditCheckpoint {
  return {
    orgId: row.org_id,
    seq: row.seq,
    fromSeq: row.from_seq,
    at: row.at,
    headHash: row.head_hash,
    merkleRoot: row.merkle_root,
    signature: row.signature,
    keyFingerprint: row.key_fingerprint,
  };
}
