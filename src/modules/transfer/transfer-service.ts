import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import type { AuditEvent } from '../../kernel/audit/audit-types.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type { TransfersTable } from '../../kernel/store/schema.js';
import type { Store, Trx } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import { CUSTOMER_KINDS, type FieldDef } from '../customers/customer-types.js';
import {
  ANSWER_KINDS,
  type AnswerKind,
  type LocalTransferAnswers,
  type TransferAnswers,
} from './answers-port.js';
import type { OrgIdentityService } from './org-identity.js';
import { computeReadiness, FINDINGS } from './readiness.js';
import { assertTransfer } from './transfer-policy.js';
import { createTransferRepo, rowToTransfer } from './transfer-repo.js';
import {
  type ReadinessReport,
  TRANSFER_PATHS,
  type Transfer,
  type TransferInput,
  type TransferStatus,
} from './transfer-types.js';

export interface TransferDeps {
  store: Store;
  keys: KeyRing;
  audit: Pick<AuditTrail, 'append' | 'query' | 'exportCheckpoint'>;
  clock: Clock;
  orgId: string;
  orgName: string;
  catalog: { load(): Promise<Map<string, FieldDef>>; invalidate(): void };
  identity: OrgIdentityService;
  /** Notices module's answers; the table-backed default until it is wired in. */
  answers: TransferAnswers;
  localAnswers: LocalTransferAnswers;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Emits one transfer audit event inside the caller's transaction. */
export function transferEvent(
  trx: Trx,
  audit: Pick<AuditTrail, 'append'>,
  actor: Actor,
  action: string,
  transferId: string,
  details: Record<string, unknown> = {},
  subjects: string[] = [],
): Promise<number> {
  return audit.append(trx, [
    { actor: actor.id, action: `transfer.${action}`, subjects, details: { transferId, ...details } },
  ]);
}

export type TransferCaseService = ReturnType<typeof createTransferCaseService>;

/** The transfer case: create, readiness audit, acceptance, notice period, answers, timeline. */
export function createTransferCaseService(deps: TransferDeps) {
  const { store, keys, audit, clock, orgId, catalog } = deps;
  const repo = createTransferRepo(orgId);

  function assertStatus(t: Transfer, allowed: readonly TransferStatus[], action: string): void {
    if (!allowed.includes(t.status))
      throw new AppError('TRANSFER_STATE', { id: t.id, status: t.status, action });
  }

  async function create(actor: Actor, input: TransferInput): Promise<Transfer> {
    assertTransfer(actor, 'manage');
    if (!TRANSFER_PATHS.includes(input.path))
      throw new AppError('VALIDATION_FAILED', { detail: '--path must be A, B, C or D' });
    const name = input.name?.trim();
    if (!name) throw new AppError('VALIDATION_FAILED', { detail: 'the transfer needs a name (--name)' });
    const needsRecipient = input.path === 'B' || input.path === 'C';
    if (needsRecipient && !input.counterpartyId)
      throw new AppError('VALIDATION_FAILED', {
        detail: `path ${input.path} needs a recipient (--counterparty; PIPL Art. 22/23: its name and contact)`,
      });
    if (input.path === 'D' && input.counterpartyId)
      throw new AppError('VALIDATION_FAILED', { detail: 'path D has no recipient' });
    if (input.counterpartyId) {
      const cp = await deps.identity.counterparty(input.counterpartyId);
      if (needsRecipient && !cp.contact)
        throw new AppError('VALIDATION_FAILED', {
          detail: 'the recipient needs contact details (PIPL Art. 22); import it with --contact',
        });
    }
    const scope = input.scope ?? {};
    if (scope.kind && !(CUSTOMER_KINDS as readonly string[]).includes(scope.kind))
      throw new AppError('VALIDATION_FAILED', {
        detail: `--scope-kind must be one of ${CUSTOMER_KINDS.join(', ')}`,
      });
    const cat = await catalog.load();
    // Minimisation: by default the L1–L3 fields; L4 (sensitive PI) only when approved with a reason.
    const fields = input.fields?.length
      ? [...new Set(input.fields)]
      : [...cat.values()].filter((d) => d.grade !== 'L4').map((d) => d.key);
    for (const f of fields) if (!cat.has(f)) throw new AppError('FIELD_UNKNOWN', { field: f }, { field: f });
    const l4 = fields.filter((f) => cat.get(f)?.grade === 'L4');
    if (l4.length && !input.includeL4)
      throw new AppError('VALIDATION_FAILED', {
        detail: `L4 fields (${l4.join(', ')}) are handed over only with --include-l4 and --l4-reason`,
      });
    if (input.includeL4 && !input.l4Reason?.trim())
      throw new AppError('VALIDATION_FAILED', {
        detail: '--include-l4 needs an approval reason (--l4-reason)',
      });
    const noticeDays = input.noticeDays ?? 30;
    if (!Number.isInteger(noticeDays) || noticeDays < 0 || noticeDays > 365)
      throw new AppError('VALIDATION_FAILED', { detail: '--notice-days must be 0–365' });
    if (input.plannedDate && !DATE.test(input.plannedDate))
      throw new AppError('VALIDATION_FAILED', { detail: '--planned-date must be YYYY-MM-DD' });
    const now = clock.now().toISOString();
    const row: TransfersTable = {
      id: uuidv7(),
      org_id: orgId,
      name,
      path: input.path,
      status: 'draft',
      counterparty_id: input.counterpartyId ?? null,
      scope: JSON.stringify(scope),
      fields: JSON.stringify(fields),
      l4_reason: input.includeL4 ? (input.l4Reason?.trim() ?? null) : null,
      notice_days: noticeDays,
      planned_date: input.plannedDate ?? null,
      notice_started_at: null,
      readiness: null,
      accepted: '[]',
      manifest: null,
      receipt: null,
      certificate: null,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
    };
    await store.transaction(async (trx) => {
      await trx.insertInto('transfers').values(row).execute();
      await transferEvent(trx, audit, actor, 'create', row.id, {
        path: row.path,
        counterpartyId: row.counterparty_id,
        scope,
        fields,
        l4Reason: row.l4_reason ? 'given' : null,
        noticeDays,
        plannedDate: row.planned_date,
      });
    });
    return rowToTransfer(row);
  }

  async function list(actor: Actor): Promise<Transfer[]> {
    assertTransfer(actor, 'read');
    const rows = await store.db
      .selectFrom('transfers')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(rowToTransfer);
  }

  async function get(actor: Actor, id: string): Promise<Transfer> {
    assertTransfer(actor, 'read');
    return repo.get(store.db, id);
  }

  async function scan(action: string, keep: (e: AuditEvent) => boolean): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let after = 0;
    for (;;) {
      const page = await audit.query({ action, afterSeq: after, limit: 5000 });
      for (const e of page) if (keep(e)) events.push({ ...e, subjects: [] });
      if (page.length < 5000) break;
      after = (page[page.length - 1] as AuditEvent).seq;
    }
    return events;
  }

  /**
   * Every audited step of the case, oldest first, from the audit trail itself: the transfer's own events
   * and the notices module's (campaign, sending, receipts, answers) for the campaigns of this transfer.
   */
  async function timeline(actor: Actor, id: string): Promise<AuditEvent[]> {
    assertTransfer(actor, 'read');
    await repo.get(store.db, id);
    const own = await scan('transfer.*', (e) => e.details.transferId === id);
    // A campaign's create event names the transfer and precedes its delivery events (seq order).
    const campaigns = new Set<string>();
    const notices = await scan('notice.*', (e) => {
      const campaignId = typeof e.details.campaignId === 'string' ? e.details.campaignId : null;
      if (e.details.transferId === id) {
        if (campaignId) campaigns.add(campaignId);
        return true;
      }
      return campaignId !== null && campaigns.has(campaignId);
    });
    return [...own, ...notices].sort((a, b) => a.seq - b.seq);
  }

  /** The latest stored readiness report (with acceptances since), without running the audit again. */
  async function storedReadiness(actor: Actor, id: string): Promise<ReadinessReport> {
    assertTransfer(actor, 'read');
    const t = await repo.get(store.db, id);
    if (!t.readiness) throw new AppError('TRANSFER_READINESS_MISSING', { id });
    return t.readiness;
  }

  async function readiness(actor: Actor, id: string): Promise<ReadinessReport> {
    assertTransfer(actor, 'manage');
    const t = await repo.get(store.db, id);
    assertStatus(t, ['draft', 'readiness', 'noticing'], 'run a readiness audit');
    const cat = await catalog.load();
    const scanned = ['tags', 'mobile', 'email', 'landline', 'birthday', 'idNumber', 'isMinor'];
    const report = await computeReadiness(
      { store, keys, orgId, repo, catalog: cat },
      t,
      clock.now(),
      async (ids) => {
        await store.transaction((trx) =>
          audit.append(trx, [
            {
              actor: actor.id,
              action: 'transfer.readiness.scan',
              purpose: 'transfer',
              subjects: ids,
              fields: scanned,
              details: { transferId: id, count: ids.length },
            },
          ]),
        );
      },
    );
    await store.transaction(async (trx) => {
      await repo.update(trx, id, {
        readiness: JSON.stringify(report),
        status: t.status === 'draft' ? 'readiness' : t.status,
        updated_at: clock.now().toISOString(),
      });
      await transferEvent(trx, audit, actor, 'readiness', id, {
        inScope: report.inScope,
        counts: Object.fromEntries(report.items.map((i) => [i.code, i.count])),
        open: report.open,
      });
    });
    return report;
  }

  /** The DPO accepts a blocking finding with a reason (recorded, audited, shown in the dossier). */
  async function accept(actor: Actor, id: string, code: string, reason: string): Promise<Transfer> {
    assertTransfer(actor, 'manage');
    if (!FINDINGS[code]) throw new AppError('VALIDATION_FAILED', { detail: `unknown item ${code}` });
    if (!reason?.trim())
      throw new AppError('VALIDATION_FAILED', { detail: 'accepting an item needs --reason' });
    return store.transaction(async (trx) => {
      const t = await repo.get(trx, id);
      assertStatus(t, ['draft', 'readiness'], 'accept a readiness item');
      const accepted = [
        ...t.accepted.filter((a) => a.code !== code),
        { code, reason: reason.trim(), by: actor.id, at: clock.now().toISOString() },
      ];
      const report = t.readiness
        ? { ...t.readiness, accepted, open: t.readiness.open.filter((c) => c !== code) }
        : null;
      await repo.update(trx, id, {
        accepted: JSON.stringify(accepted),
        readiness: report ? JSON.stringify(report) : null,
        updated_at: clock.now().toISOString(),
      });
      await transferEvent(trx, audit, actor, 'accept', id, { item: code, reason: reason.trim() });
      return repo.get(trx, id);
    });
  }

  /** Starts the notice period (PIPL Art. 22/23 notice before the transfer); readiness must be clear. */
  async function startNotice(actor: Actor, id: string): Promise<Transfer> {
    assertTransfer(actor, 'manage');
    return store.transaction(async (trx) => {
      const t = await repo.get(trx, id);
      assertStatus(t, ['readiness'], 'start the notice period');
      if (!t.readiness)
        throw new AppError('TRANSFER_STATE', {
          id,
          status: t.status,
          action: 'start notices before a readiness audit',
        });
      if (t.readiness.open.length)
        throw new AppError('TRANSFER_BLOCKED', { id, items: t.readiness.open.join(', ') });
      const at = clock.now().toISOString();
      await repo.update(trx, id, { status: 'noticing', notice_started_at: at, updated_at: at });
      await transferEvent(trx, audit, actor, 'notice.start', id, { noticeDays: t.noticeDays });
      return repo.get(trx, id);
    });
  }

  /** Closes the answer window after the lead time; earlier only with a recorded reason. */
  async function closeAnswers(
    actor: Actor,
    id: string,
    opts: { reason?: string | undefined } = {},
  ): Promise<Transfer> {
    assertTransfer(actor, 'manage');
    return store.transaction(async (trx) => {
      const t = await repo.get(trx, id);
      assertStatus(t, ['noticing'], 'close the answer window');
      const due = Date.parse(t.noticeStartedAt ?? t.updatedAt) + t.noticeDays * 86_400_000;
      const now = clock.now();
      const early = now.getTime() < due;
      if (early && !opts.reason?.trim())
        throw new AppError('TRANSFER_STATE', {
          id,
          status: `noticing until ${new Date(due).toISOString().slice(0, 10)}`,
          action: 'close answers before the notice lead time without --reason',
        });
      await repo.update(trx, id, { status: 'answers-closed', updated_at: now.toISOString() });
      await transferEvent(trx, audit, actor, 'answers.close', id, {
        early,
        reason: early ? opts.reason?.trim() : undefined,
      });
      return repo.get(trx, id);
    });
  }

  /** Records an answer by hand (letter, phone) in the default answers table. */
  async function recordAnswer(
    actor: Actor,
    id: string,
    a: { customerId: string; answer: AnswerKind; channel: string; evidence?: string | undefined },
  ) {
    assertTransfer(actor, 'manage');
    if (!(ANSWER_KINDS as readonly string[]).includes(a.answer))
      throw new AppError('VALIDATION_FAILED', { detail: `answer must be one of ${ANSWER_KINDS.join(', ')}` });
    const t = await repo.get(store.db, id);
    assertStatus(t, ['noticing'], 'record an answer');
    // A customer of another org (or none) answers not-found instead of joining the dossier's tally.
    if (
      !(await store.db
        .selectFrom('customers')
        .select('id')
        .where('org_id', '=', orgId)
        .where('id', '=', a.customerId)
        .executeTakeFirst())
    )
      throw new AppError('CUSTOMER_NOT_FOUND', { id: a.customerId });
    return deps.localAnswers.recordAnswer(actor.id, id, a);
  }

  async function recordNoticeSent(
    actor: Actor,
    id: string,
    n: { customerIds: string[]; channel: string; evidence?: string | undefined },
  ): Promise<{ recorded: number }> {
    assertTransfer(actor, 'manage');
    const t = await repo.get(store.db, id);
    assertStatus(t, ['noticing'], 'record notice delivery');
    return { recorded: await deps.localAnswers.recordNoticeSent(actor.id, id, n) };
  }

  return {
    create,
    list,
    get,
    timeline,
    readiness,
    storedReadiness,
    accept,
    startNotice,
    closeAnswers,
    recordAnswer,
    recordNoticeSent,
  };
}
