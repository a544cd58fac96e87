import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { type Actor, assertCan, can } from '../../kernel/authz/permissions.js';
import type { Grade } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type { ExportApprovalsTable } from '../../kernel/store/schema.js';
import type { Store, Trx } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { ApprovalStatus, ExportApproval, ExportApprovalRequest } from './access-types.js';

export interface ApprovalDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
  /** Exports of more rows than this need a second person's approval (default 500). */
  rowThreshold?: number;
  /** An approval not used within this long expires (default 24 h). */
  ttlMs?: number;
}

const SUMMARY_MAX = 4000;

function toApproval(r: ExportApprovalsTable, now: string): ExportApproval {
  const live = r.status === 'pending' || r.status === 'approved';
  return {
    id: r.id,
    requester: r.requester,
    querySummary: JSON.parse(r.query_summary) as Record<string, unknown>,
    rowCount: r.row_count,
    revealedFields: JSON.parse(r.revealed_fields) as string[],
    purpose: r.purpose,
    reason: r.reason,
    status: live && r.expires_at <= now ? 'expired' : r.status,
    approver: r.approver,
    decisionNote: r.decision_note,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
  };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;

/**
 * Four-eyes rule for exports (PIPL Art. 51 measures): an export of more than `rowThreshold` rows, or
 * one that reveals L3/L4 fields, needs the approval of a second person (DPO or admin, not the
 * requester), used once within 24 hours.
 */
export function createApprovalService(deps: ApprovalDeps) {
  const { store, audit, clock, orgId } = deps;
  const rowThreshold = deps.rowThreshold ?? 500;
  const ttlMs = deps.ttlMs ?? 24 * 3600_000;

  /** Whether an export of `rowCount` rows revealing fields of these grades needs an approval. */
  function requiresApproval(input: { rowCount: number; revealedGrades: readonly Grade[] }): boolean {
    return input.rowCount > rowThreshold || input.revealedGrades.some((g) => g === 'L3' || g === 'L4');
  }

  async function load(trx: Trx, id: string): Promise<ExportApprovalsTable> {
    const r = await trx
      .selectFrom('export_approvals')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) throw new AppError('APPROVAL_NOT_FOUND', { id });
    return r;
  }

  async function requestExportApproval(actor: Actor, req: ExportApprovalRequest): Promise<ExportApproval> {
    assertCan(actor, 'customer', 'export');
    if (!Number.isInteger(req.rowCount) || req.rowCount < 0)
      throw new AppError('VALIDATION_FAILED', { detail: 'rowCount: a whole number >= 0' });
    const fields = [...new Set(req.revealedFields ?? [])].map(String).sort();
    const summary = JSON.stringify(req.querySummary ?? {});
    if (summary.length > SUMMARY_MAX)
      throw new AppError('VALIDATION_FAILED', { detail: `querySummary: at most ${SUMMARY_MAX} characters` });
    const now = clock.now();
    const row: ExportApprovalsTable = {
      id: uuidv7(),
      org_id: orgId,
      requester: actor.id,
      query_summary: summary,
      row_count: req.rowCount,
      revealed_fields: JSON.stringify(fields),
      purpose: req.purpose ?? null,
      reason: req.reason?.trim() || null,
      status: 'pending',
      approver: null,
      decision_note: null,
      created_at: now.toISOString(),
      decided_at: null,
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
      used_at: null,
    };
    await store.transaction(async (trx) => {
      await trx.insertInto('export_approvals').values(row).execute();
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'export.approval.request',
          purpose: row.purpose,
          fields,
          details: { approvalId: row.id, rowCount: row.row_count },
        },
      ]);
    });
    return toApproval(row, row.created_at);
  }

  async function decide(
    actor: Actor,
    id: string,
    input: { decision: 'approve' | 'reject'; note?: string | undefined },
  ): Promise<ExportApproval> {
    assertCan(actor, 'approval', 'decide');
    if (input.decision !== 'approve' && input.decision !== 'reject')
      throw new AppError('VALIDATION_FAILED', { detail: 'decision: approve | reject' });
    const now = clock.now().toISOString();
    return store.transaction(async (trx) => {
      const r = await load(trx, id);
      const current = toApproval(r, now);
      if (current.status !== 'pending')
        throw new AppError('APPROVAL_STATE', { id, status: current.status, action: input.decision });
      if (r.requester === actor.id) throw new AppError('APPROVAL_SELF');
      const status: ApprovalStatus = input.decision === 'approve' ? 'approved' : 'rejected';
      const set = { status, approver: actor.id, decided_at: now, decision_note: input.note?.trim() || null };
      await trx.updateTable('export_approvals').set(set).where('id', '=', id).execute();
      await audit.append(trx, [
        { actor: actor.id, action: `export.approval.${input.decision}`, details: { approvalId: id } },
      ]);
      return toApproval({ ...r, ...set }, now);
    });
  }

  /**
   * Uses an approval for an export, once: it must be the requester's, approved, unexpired, and cover
   * the export (no more rows, no other revealed fields). Pass the export's transaction to make the use
   * and the export commit together.
   */
  async function consumeApproval(
    id: string,
    requester: Actor,
    opts: { rowCount?: number; revealedFields?: readonly string[]; trx?: Trx } = {},
  ): Promise<ExportApproval> {
    const run = async (trx: Trx): Promise<ExportApproval> => {
      const now = clock.now().toISOString();
      const r = await load(trx, id);
      if (r.requester !== requester.id) throw new AppError('APPROVAL_NOT_FOUND', { id });
      const current = toApproval(r, now);
      if (current.status !== 'approved')
        throw new AppError('APPROVAL_STATE', { id, status: current.status, action: 'used' });
      if (opts.rowCount !== undefined && opts.rowCount > r.row_count)
        throw new AppError('APPROVAL_MISMATCH', { id, detail: `more than ${r.row_count} rows` });
      const extra = (opts.revealedFields ?? []).filter((f) => !current.revealedFields.includes(f));
      if (extra.length) throw new AppError('APPROVAL_MISMATCH', { id, detail: `fields ${extra.join(', ')}` });
      const res = await trx
        .updateTable('export_approvals')
        .set({ status: 'used', used_at: now })
        .where('id', '=', id)
        .where('status', '=', 'approved')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new AppError('APPROVAL_STATE', { id, status: 'used', action: 'used' });
      await audit.append(trx, [
        {
          actor: requester.id,
          action: 'export.approval.use',
          details: { approvalId: id, rowCount: opts.rowCount },
        },
      ]);
      return { ...current, status: 'used', usedAt: now };
    };
    return opts.trx ? run(opts.trx) : store.transaction(run);
  }

  /** Approvers (DPO, admin) see every request; requesters see their own. */
  async function list(
    actor: Actor,
    q: { status?: ApprovalStatus | undefined } = {},
  ): Promise<ExportApproval[]> {
    const all = can(actor, 'approval', 'read');
    if (!all) assertCan(actor, 'customer', 'export');
    let sel = store.db.selectFrom('export_approvals').selectAll().where('org_id', '=', orgId);
    if (!all) sel = sel.where('requester', '=', actor.id);
    const now = clock.now().toISOString();
    const rows = (await sel.orderBy('created_at', 'desc').limit(500).execute()).map((r) =>
      toApproval(r, now),
    );
    return q.status ? rows.filter((r) => r.status === q.status) : rows;
  }

  return { requiresApproval, requestExportApproval, decide, consumeApproval, list, rowThreshold };
}
