/** What a service records. Never plaintext personal data: ids, field keys, counts and codes only. */
export interface AuditEventInput {
  actor: string;
  action: string;
  purpose?: string | null;
  subjects?: readonly string[];
  fields?: readonly string[];
  outcome?: 'ok' | 'denied' | 'failed';
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  purpose: string | null;
  subjects: string[];
  fields: string[];
  outcome: string;
  details: Record<string, unknown>;
  hash: string;
}

export interface AuditCheckpoint {
  orgId: string;
  seq: number;
  fromSeq: number;
  at: string;
  headHash: string;
  merkleRoot: string;
  signature: string;
  keyFingerprint: string;
}

/** The file `audit export-checkpoint` writes; kept elsewhere, it later proves nothing was cut off. */
export interface ExportedCheckpoint extends AuditCheckpoint {
  format: 'custodian.audit-checkpoint.v1';
  publicKey: string;
}

export type AuditVerifyResult =
  | { ok: true; events: number; checkpoints: number; headSeq: number; headHash: string }
  | { ok: false; events: number; firstBadSeq: number; reason: string };

export interface AuditQuery {
  customerId?: string;
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
  afterSeq?: number;
  limit?: number;
}

export const GENESIS_HASH = '0'.repeat(64);
