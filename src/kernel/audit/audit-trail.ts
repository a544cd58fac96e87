import type { KeyRing } from '../crypto/key-ring.js';
import { AppError } from '../errors/app-error.js';
import { preparedQuery } from '../store/prepared.js';
import type { Store, Trx } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import { checkpointPayload, eventHash, rowToCheckpoint, type StoredRow } from './audit-hashing.js';
import {
  type AuditCheckpoint,
  type AuditEvent,
  type AuditEventInput,
  type AuditQuery,
  type ExportedCheckpoint,
  GENESIS_HASH,
} from './audit-types.js';
import { createAuditVerifier } from './audit-verify.js';
import { merkleRoot } from './merkle.js';

export { eventHash, eventHashOfValues } from './audit-hashing.js';

export interface AuditDeps {
  store: Store;
  keys: Pick<KeyRing, 'sign' | 'verifyKey' | 'signingFingerprint' | 'orgId'>;
  clock: Clock;
  /** A signed checkpoint is cut after this many events. */
  checkpointEvery?: number;
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
    if (rows.length <= PREPARED_ROWS_MAX) {
      for (const r of rows) {
        await insertEvent(
          store.engine,
          trx,
          r.org_id,
          r.seq,
          r.at,
          r.actor,
          r.action,
          r.purpose,
          r.subjects,
          r.fields,
          r.outcome,
          r.details,
          r.prev_hash,
          r.hash,
        );
      }
    } else {
      for (let i = 0; i < rows.length; i += 500)
        await trx
          .insertInto('audit_events')
          .values(rows.slice(i, i + 500))
          .execute();
    }
    if (subjects.length <= PREPARED_ROWS_MAX) {
      for (const sub of subjects)
        await insertSubject(store.engine, trx, sub.org_id, sub.customer_id, sub.seq);
    } else {
      for (let i = 0; i < subjects.length; i += 2000)
        await trx
          .insertInto('audit_subjects')
          .values(subjects.slice(i, i + 2000))
          .execute();
    }
    await setHeadHash(store.engine, trx, prev, orgId);
    if (seq - head.checkpoint_seq >= checkpointEvery)
      await cutCheckpoint(trx, seq, prev, head.checkpoint_seq + 1);
    return seq;
  }

  type Waiting = {
    events: readonly AuditEventInput[];
    resolve: (seq: number) => void;
    reject: (e: AppError) => void;
  };
  let queue: Waiting[] = [];
  let flushing = false;

  /**
   * Group commit: records that arrive while a transaction is in flight are appended together in the
   * next one. Each caller still waits for the commit of its own events (write-ahead holds), but a busy
   * server pays one commit for many reads instead of one each.
   */
  async function flushQueue(): Promise<void> {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue;
        queue = [];
        const events = batch.flatMap((w) => w.events);
        try {
          const last = await store.transaction((trx) => append(trx, events));
          let seq = last - events.length;
          for (const w of batch) {
            seq += w.events.length;
            w.resolve(seq);
          }
        } catch {
          for (const w of batch) w.reject(new AppError('AUDIT_WRITE_FAILED'));
        }
      }
    } finally {
      flushing = false;
    }
  }

  /** Appends in a transaction of its own (reads and denials that change nothing else); resolves after commit. */
  function record(events: readonly AuditEventInput[]): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      queue.push({ events, resolve, reject });
      if (!flushing) void flushQueue();
    });
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

  const verify = createAuditVerifier({ store, keys }).verify;

  return { append, record, checkpointNow, exportCheckpoint, verify, query, lastCheckpoint };
}

/** Creates the chain's genesis head for a new org (inside the org's creation transaction). */
export async function initAuditHead(trx: Trx, orgId: string): Promise<void> {
  await trx
    .insertInto('audit_head')
    .values({ org_id: orgId, seq: 0, hash: GENESIS_HASH, checkpoint_seq: 0 })
    .execute();
}
