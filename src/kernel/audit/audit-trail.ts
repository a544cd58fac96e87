import { createPublicKey, hash, verify as verifySignature } from 'node:crypto';
import type { KeyRing } from '../crypto/key-ring.js';
import { AppError } from '../errors/app-error.js';
import { preparedQuery } from '../store/prepared.js';
import type { Store, Trx } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import {
  type AuditCheckpoint,
  type AuditEvent,
  type AuditEventInput,
  type AuditQuery,
  type AuditVerifyResult,
  type ExportedCheckpoint,
  GENESIS_HASH,
} from './audit-types.js';
import { merkleRoot } from './merkle.js';

export interface AuditDeps {
  store: Store;
  keys: Pick<KeyRing, 'sign' | 'verifyKey' | 'signingFingerprint' | 'orgId'>;
  clock: Clock;
  /** A signed checkpoint is cut after this many events. */
  checkpointEvery?: number;
}

interface StoredRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  purpose: string | null;
  subjects: string;
  fields: string;
  outcome: string;
  details: string;
  prev_hash: string;
  hash: string;
}

/** Stored columns in hash order; the row's own hash comes last and is not hashed. */
const HASHED_COLUMNS = [
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

function checkpointPayload(cp: Omit<AuditCheckpoint, 'signature' | 'keyFingerprint'>): Buffer {
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

type HeadRow = { seq: number; hash: string; checkpoint_seq: number };

const bumpHead = preparedQuery<HeadRow, [number, string]>((db, arg) =>
  db
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', arg(0)) }))
    .where('org_id', '=', arg(1))
    .returning(['seq', 'hash', 'checkpoint_seq']),
);
const setHeadHash = preparedQuery<never, [string, string]>((db, arg) =>
  db
    .updateTable('audit_head')
    .set({ hash: arg(0) })
    .where('org_id', '=', arg(1)),
);
const insertEvent = preparedQuery<never, unknown[]>((db, arg) =>
  db.insertInto('audit_events').values({
    org_id: arg(0),
    seq: arg(1),
    at: arg(2),
    actor: arg(3),
    action: arg(4),
    purpose: arg(5),
    subjects: arg(6),
    fields: arg(7),
    outcome: arg(8),
    details: arg(9),
    prev_hash: arg(10),
    hash: arg(11),
  }),
);
const insertSubject = preparedQuery<never, [string, string, number]>((db, arg) =>
  db.insertInto('audit_subjects').values({ org_id: arg(0), customer_id: arg(1), seq: arg(2) }),
);
/** Below this many rows, prepared single-row inserts beat one multi-row insert built anew. */
const PREPARED_ROWS_MAX = 32;

export type AuditTrail = ReturnType<typeof createAuditTrail>;

/** The org's tamper-evident log: hash chain, signed checkpoints, verification, queries. */
export function createAuditTrail(deps: AuditDeps) {
  const { store, keys, clock } = deps;
  const orgId = keys.orgId;
  const checkpointEvery = deps.checkpointEvery ?? 1000;

  async function cutCheckpoint(
    trx: Trx,
    headSeq: number,
    headHash: string,
    fromSeq: number,
  ): Promise<AuditCheckpoint> {
    const rows = await trx
      .selectFrom('audit_events')
      .select('hash')
      .where('org_id', '=', orgId)
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', headSeq)
      .orderBy('seq')
      .execute();
    const base = {
      orgId,
      seq: headSeq,
      fromSeq,
      at: clock.now().toISOString(),
      headHash,
      merkleRoot: merkleRoot(rows.map((r) => r.hash)),
    };
    const cp: AuditCheckpoint = {
      ...base,
      signature: keys.sign(checkpointPayload(base)).toString('base64'),
      keyFingerprint: keys.signingFingerprint,
    };
    await trx
      .insertInto('audit_checkpoints')
      .values({
        org_id: orgId,
        seq: cp.seq,
        from_seq: cp.fromSeq,
        at: cp.at,
        head_hash: cp.headHash,
        merkle_root: cp.merkleRoot,
        signature: cp.signature,
        key_fingerprint: cp.keyFingerprint,
      })
      .execute();
    await trx
      .updateTable('audit_head')
      .set({ checkpoint_seq: headSeq })
      .where('org_id', '=', orgId)
      .execute();
    return cp;
  }

  /**
   * Appends events inside the caller's transaction, so nothing commits without its record. The head
   * row is updated first: it takes the write lock (row lock on PostgreSQL) and serialises appenders.
   */
  async function append(trx: Trx, events: readonly AuditEventInput[]): Promise<number> {
    if (events.length === 0) return 0;
    const [head] = await bumpHead(store.engine, trx, events.length, orgId);
    if (!head) throw new AppError('AUDIT_WRITE_FAILED');
    let seq = head.seq - events.length;
    let prev = head.hash;
    const at = clock.now().toISOString();
    const rows: Array<StoredRow & { org_id: string }> = [];
    const subjects: Array<{ org_id: string; customer_id: string; seq: number }> = [];
    for (const e of events) {
      seq += 1;
      const base = {
        seq,
        at,
        actor: e.actor,
        action: e.action,
        purpose: e.purpose ?? null,
        subjects: JSON.stringify(e.subjects ?? []),
        fields: JSON.stringify(e.fields ?? []),
        outcome: e.outcome ?? 'ok',
        details: JSON.stringify(e.details ?? {}),
        prev_hash: prev,
      };
      const hash = eventHash(orgId, base);
      rows.push({ org_id: orgId, ...base, hash });
      for (const s of e.subjects ?? []) subjects.push({ org_id: orgId, customer_id: s, seq });
      prev = hash;
    }
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('audit_events')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    for (let i = 0; i < subjects.length; i += 2000) {
      await trx
        .insertInto('audit_subjects')
        .values(subjects.slice(i, i + 2000))
        .execute();
    }
    await trx.updateTable('audit_head').set({ hash: prev }).where('org_id', '=', orgId).execute();
    if (seq - head.checkpoint_seq >= checkpointEvery)
      await cutCheckpoint(trx, seq, prev, head.checkpoint_seq + 1);
    return seq;
  }

  /** Appends in a transaction of its own (reads and denials that change nothing else). */
  async function record(events: readonly AuditEventInput[]): Promise<number> {
    try {
      return await store.transaction((trx) => append(trx, events));
    } catch {
      throw new AppError('AUDIT_WRITE_FAILED');
    }
  }

  /** Cuts a checkpoint at the current head (if anything is new since the last one) and returns it. */
  async function checkpointNow(): Promise<AuditCheckpoint> {
    return store.transaction(async (trx) => {
      const head = await trx
        .updateTable('audit_head')
        .set((eb) => ({ seq: eb('seq', '+', 0) }))
        .where('org_id', '=', orgId)
        .returning(['seq', 'hash', 'checkpoint_seq'])
        .executeTakeFirstOrThrow();
      if (head.seq > head.checkpoint_seq)
        return cutCheckpoint(trx, head.seq, head.hash, head.checkpoint_seq + 1);
      const last = await trx
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('seq', 'desc')
        .executeTakeFirst();
      if (last) return rowToCheckpoint(last);
      return cutCheckpoint(trx, head.seq, head.hash, 1);
    });
  }

  async function exportCheckpoint(): Promise<ExportedCheckpoint> {
    const cp = await checkpointNow();
    const publicKey = keys.verifyKey.export({ format: 'der', type: 'spki' }).toString('base64');
    return { format: 'custodian.audit-checkpoint.v1', ...cp, publicKey };
  }

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

  async function query(q: AuditQuery): Promise<AuditEvent[]> {
    let sel = store.db
      .selectFrom('audit_events as e')
      .select([
        'e.seq',
        'e.at',
        'e.actor',
        'e.action',
        'e.purpose',
        'e.subjects',
        'e.fields',
        'e.outcome',
        'e.details',
        'e.hash',
      ])
      .where('e.org_id', '=', orgId);
    if (q.customerId) {
      const customerId = q.customerId;
      sel = sel.where('e.seq', 'in', (eb) =>
        eb
          .selectFrom('audit_subjects')
          .select('seq')
          .where('org_id', '=', orgId)
          .where('customer_id', '=', customerId),
      );
    }
    if (q.action)
      sel = sel.where('e.action', q.action.endsWith('*') ? 'like' : '=', q.action.replace(/\*$/, '%'));
    if (q.actor) sel = sel.where('e.actor', '=', q.actor);
    if (q.from) sel = sel.where('e.at', '>=', q.from);
    if (q.to) sel = sel.where('e.at', '<=', q.to);
    if (q.afterSeq !== undefined) sel = sel.where('e.seq', '>', q.afterSeq);
    const rows = await sel
      .orderBy('e.seq', q.afterSeq !== undefined ? 'asc' : 'desc')
      .limit(Math.min(q.limit ?? 100, 10_000))
      .execute();
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      actor: r.actor,
      action: r.action,
      purpose: r.purpose,
      subjects: JSON.parse(r.subjects) as string[],
      fields: JSON.parse(r.fields) as string[],
      outcome: r.outcome,
      details: JSON.parse(r.details) as Record<string, unknown>,
      hash: r.hash,
    }));
  }

  async function lastCheckpoint(): Promise<AuditCheckpoint | null> {
    const row = await store.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('seq', 'desc')
      .executeTakeFirst();
    return row ? rowToCheckpoint(row) : null;
  }

  return { append, record, checkpointNow, exportCheckpoint, verify, query, lastCheckpoint };
}

function rowToCheckpoint(row: {
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

/** Creates the chain's genesis head for a new org (inside the org's creation transaction). */
export async function initAuditHead(trx: Trx, orgId: string): Promise<void> {
  await trx
    .insertInto('audit_head')
    .values({ org_id: orgId, seq: 0, hash: GENESIS_HASH, checkpoint_seq: 0 })
    .execute();
}
