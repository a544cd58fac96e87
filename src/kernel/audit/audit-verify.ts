import { createPublicKey, verify as verifySignature } from 'node:crypto';
import type { KeyRing } from '../crypto/key-ring.js';
import { AppError } from '../errors/app-error.js';
import type { Store } from '../store/store.js';
import { checkpointPayload, eventHashOfValues, HASHED_COLUMNS, rowToCheckpoint } from './audit-hashing.js';
import { type AuditVerifyResult, type ExportedCheckpoint, GENESIS_HASH } from './audit-types.js';
import { merkleRoot } from './merkle.js';

export interface AuditVerifierDeps {
  store: Store;
  keys: Pick<KeyRing, 'verifyKey' | 'signingFingerprint' | 'orgId'>;
}

/** Verification of an org's chain: continuity, links, hashes, signed checkpoints, exported checkpoints. */
export function createAuditVerifier(deps: AuditVerifierDeps) {
  const { store, keys } = deps;
  const orgId = keys.orgId;

  function parseExported(cp: ExportedCheckpoint): void {
    if (cp?.format !== 'custodian.audit-checkpoint.v1') {
      throw new AppError('CHECKPOINT_INVALID', { detail: 'not a Custodian audit checkpoint file' });
    }
    if (cp.orgId !== orgId)
      throw new AppError('CHECKPOINT_INVALID', { detail: 'checkpoint belongs to another organisation' });
    if (cp.keyFingerprint !== keys.signingFingerprint) {
      throw new AppError('CHECKPOINT_INVALID', { detail: 'checkpoint was signed by another key' });
    }
    const pub = createPublicKey({ key: Buffer.from(cp.publicKey, 'base64'), format: 'der', type: 'spki' });
    const ok = verifySignature(null, checkpointPayload(cp), pub, Buffer.from(cp.signature, 'base64'));
    if (!ok) throw new AppError('CHECKPOINT_INVALID', { detail: 'signature does not verify' });
  }

  /**
   * The chain in pages of column-value arrays, oldest first. On SQLite it reads through the raw handle
   * in array mode: verification is allocation-bound, and row objects double its garbage.
   */
  async function* eventPages(fromSeq: number, page = 5000): AsyncGenerator<unknown[][]> {
    const columns = [...HASHED_COLUMNS, 'hash'] as const;
    if (store.sqlite) {
      const stmt = store.sqlite
        .prepare(
          `SELECT ${columns.join(', ')} FROM audit_events WHERE org_id = ? AND seq >= ? ORDER BY seq LIMIT ?`,
        )
        .raw(true);
      for (let from = fromSeq; ; ) {
        const rows = stmt.all(orgId, from, page) as unknown[][];
        if (rows.length > 0) yield rows;
        if (rows.length < page) return;
        from = (rows[rows.length - 1]?.[0] as number) + 1;
      }
    }
    for (let from = fromSeq; ; ) {
      const rows = await store.db
        .selectFrom('audit_events')
        .select([...columns])
        .where('org_id', '=', orgId)
        .where('seq', '>=', from)
        .orderBy('seq')
        .limit(page)
        .execute();
      if (rows.length > 0) yield rows.map((r) => columns.map((c) => r[c]));
      if (rows.length < page) return;
      from = (rows[rows.length - 1]?.seq as number) + 1;
    }
  }

  /**
   * Walks the whole chain: sequence continuity, previous-hash links, each event's hash, each stored
   * checkpoint's head, Merkle root and signature, the head row, and optionally an exported checkpoint
   * (which is what catches deletion of the newest events).
   */
  async function verify(
    opts: { checkpoint?: ExportedCheckpoint; onProgress?: (n: number) => void } = {},
  ): Promise<AuditVerifyResult> {
    if (opts.checkpoint) parseExported(opts.checkpoint);
    const checkpoints = await store.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('seq')
      .execute();
    let cpIndex = 0;
    let rangeHashes: string[] = [];
    let expectedSeq = 1;
    let prev = GENESIS_HASH;
    let count = 0;
    const bad = (seq: number, reason: string): AuditVerifyResult => ({
      ok: false,
      events: count,
      firstBadSeq: seq,
      reason,
    });
    let externalSeen = false;
    for await (const rows of eventPages(expectedSeq)) {
      for (const values of rows) {
        const seq = values[0] as number;
        const rowHash = values[10] as string;
        if (seq !== expectedSeq) return bad(expectedSeq, 'is missing (deleted or renumbered)');
        if (values[9] !== prev) return bad(seq, 'does not link to the event before it');
        if (eventHashOfValues(orgId, values.slice(0, 10)) !== rowHash)
          return bad(seq, 'was altered (its hash does not match its content)');
        rangeHashes.push(rowHash);
        const cp = checkpoints[cpIndex];
        if (cp && cp.seq === seq) {
          if (cp.head_hash !== rowHash) return bad(seq, 'differs from the signed checkpoint');
          if (merkleRoot(rangeHashes) !== cp.merkle_root)
            return bad(cp.from_seq, 'range differs from the signed checkpoint root');
          const payload = checkpointPayload(rowToCheckpoint(cp));
          if (!verifySignature(null, payload, keys.verifyKey, Buffer.from(cp.signature, 'base64'))) {
            return bad(seq, 'is covered by a checkpoint whose signature does not verify');
          }
          rangeHashes = [];
          cpIndex += 1;
        }
        const ext = opts.checkpoint;
        if (ext && ext.seq === seq) {
          if (ext.headHash !== rowHash) return bad(seq, 'differs from the exported checkpoint');
          externalSeen = true;
        }
        prev = rowHash;
        expectedSeq += 1;
        count += 1;
      }
      opts.onProgress?.(count);
    }
    const head = await store.db
      .selectFrom('audit_head')
      .selectAll()
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!head) return bad(1, 'has no chain head');
    if (head.seq !== count || head.hash !== prev)
      return bad(count + 1, 'is missing (the log ends before its recorded head)');
    if (cpIndex < checkpoints.length)
      return bad(count + 1, 'is missing (a signed checkpoint covers events that are gone)');
    if (opts.checkpoint && !externalSeen)
      return bad(count + 1, 'is missing (the log ends before the exported checkpoint)');
    return { ok: true, events: count, checkpoints: checkpoints.length, headSeq: count, headHash: prev };
  }

  return { verify };
}
