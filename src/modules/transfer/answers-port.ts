import { createHash } from 'node:crypto';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';

export const ANSWER_KINDS = ['object', 'consent', 'refuse', 'withdraw', 'delete'] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

export interface TransferAnswer {
  customerId: string;
  answer: AnswerKind;
  at: string;
  channel: string;
  evidenceHash: string | null;
}

export interface NoticeEvidence {
  channel: string;
  sentAt: string;
  evidenceHash: string | null;
}

/**
 * What the transfer module needs from the notices module (notice delivery and the customer's answer
 * page): each customer's answers to a transfer notice and the evidence that the notice was sent.
 */
export interface TransferAnswers {
  answersFor(transferId: string): Promise<TransferAnswer[]>;
  /** Evidence of the notice to one customer (ids, hashes, times; no address, no text), or null. */
  noticeEvidence(transferId: string, customerId: string): Promise<unknown>;
  /** Optional batch form, used when packaging many customers. */
  noticeEvidenceMany?(transferId: string, customerIds: readonly string[]): Promise<Map<string, unknown>>;
  /** Customers with evidence of a notice of this transfer (each once); the dossier counts them. */
  noticedCustomers?(transferId: string): Promise<string[]>;
}

/**
 * The default, table-backed answers: answers and notice evidence entered by hand (paper letters,
 * phone) through `transfer answer` / `transfer notice-sent`, until the notices module is wired in.
 */
export function createLocalTransferAnswers(deps: {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
}) {
  const { store, audit, clock, orgId } = deps;
  const hash = (s: string | undefined) => (s ? createHash('sha256').update(s).digest('hex') : null);

  async function answersFor(transferId: string): Promise<TransferAnswer[]> {
    const rows = await store.db
      .selectFrom('transfer_answers')
      .select(['customer_id', 'answer', 'at', 'channel', 'evidence_hash'])
      .where('org_id', '=', orgId)
      .where('transfer_id', '=', transferId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      customerId: r.customer_id,
      answer: r.answer as AnswerKind,
      at: r.at,
      channel: r.channel,
      evidenceHash: r.evidence_hash,
    }));
  }

  async function noticeEvidenceMany(
    transferId: string,
    customerIds: readonly string[],
  ): Promise<Map<string, NoticeEvidence>> {
    const out = new Map<string, NoticeEvidence>();
    if (customerIds.length === 0) return out;
    const rows = await store.db
      .selectFrom('transfer_notice_evidence')
      .selectAll()
      .where('transfer_id', '=', transferId)
      .where('customer_id', 'in', [...customerIds])
      .execute();
    for (const r of rows)
      out.set(r.customer_id, { channel: r.channel, sentAt: r.sent_at, evidenceHash: r.evidence_hash });
    return out;
  }

  async function noticedCustomers(transferId: string): Promise<string[]> {
    const rows = await store.db
      .selectFrom('transfer_notice_evidence')
      .select('customer_id')
      .where('org_id', '=', orgId)
      .where('transfer_id', '=', transferId)
      .execute();
    return rows.map((r) => r.customer_id);
  }

  async function noticeEvidence(transferId: string, customerId: string): Promise<NoticeEvidence | null> {
    return (await noticeEvidenceMany(transferId, [customerId])).get(customerId) ?? null;
  }

  async function recordAnswer(
    actorId: string,
    transferId: string,
    a: {
      customerId: string;
      answer: AnswerKind;
      channel: string;
      evidence?: string | undefined;
      at?: string;
    },
  ): Promise<TransferAnswer> {
    const row = {
      id: uuidv7(),
      org_id: orgId,
      transfer_id: transferId,
      customer_id: a.customerId,
      answer: a.answer,
      at: a.at ?? clock.now().toISOString(),
      channel: a.channel,
      evidence_hash: hash(a.evidence),
    };
    await store.transaction(async (trx) => {
      await trx.insertInto('transfer_answers').values(row).execute();
      await audit.append(trx, [
        {
          actor: actorId,
          action: 'transfer.answer',
          subjects: [a.customerId],
          details: { transferId, answer: a.answer, channel: a.channel },
        },
      ]);
    });
    return {
      customerId: a.customerId,
      answer: a.answer,
      at: row.at,
      channel: a.channel,
      evidenceHash: row.evidence_hash,
    };
  }

  async function recordNoticeSent(
    actorId: string,
    transferId: string,
    n: { customerIds: readonly string[]; channel: string; evidence?: string | undefined },
  ): Promise<number> {
    const at = clock.now().toISOString();
    await store.transaction(async (trx) => {
      for (let i = 0; i < n.customerIds.length; i += 1000) {
        const chunk = n.customerIds.slice(i, i + 1000);
        await trx
          .deleteFrom('transfer_notice_evidence')
          .where('transfer_id', '=', transferId)
          .where('customer_id', 'in', chunk)
          .execute();
        await trx
          .insertInto('transfer_notice_evidence')
          .values(
            chunk.map((c) => ({
              org_id: orgId,
              transfer_id: transferId,
              customer_id: c,
              channel: n.channel,
              sent_at: at,
              evidence_hash: hash(n.evidence),
            })),
          )
          .execute();
      }
      await audit.append(trx, [
        {
          actor: actorId,
          action: 'transfer.notice.sent',
          subjects: [...n.customerIds],
          details: { transferId, channel: n.channel, count: n.customerIds.length },
        },
      ]);
    });
    return n.customerIds.length;
  }

  return { answersFor, noticeEvidence, noticeEvidenceMany, noticedCustomers, recordAnswer, recordNoticeSent };
}

export type LocalTransferAnswers = ReturnType<typeof createLocalTransferAnswers>;

/**
 * Both sources at once: answers given through the notices module (portal, staff via `notices answer`)
 * and those entered under the transfer itself (`transfer answer`), oldest first; notice evidence from
 * the notices module where it has some, else from the transfer's own records.
 */
export function mergeTransferAnswers(primary: TransferAnswers, secondary: TransferAnswers): TransferAnswers {
  async function evidenceMany(
    transferId: string,
    ids: readonly string[],
    port: TransferAnswers,
  ): Promise<Map<string, unknown>> {
    if (port.noticeEvidenceMany) return port.noticeEvidenceMany(transferId, ids);
    const out = new Map<string, unknown>();
    for (const id of ids) {
      const e = await port.noticeEvidence(transferId, id);
      if (e) out.set(id, e);
    }
    return out;
  }
  return {
    async answersFor(transferId) {
      const all = [...(await primary.answersFor(transferId)), ...(await secondary.answersFor(transferId))];
      return all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    },
    async noticeEvidence(transferId, customerId) {
      return (
        (await primary.noticeEvidence(transferId, customerId)) ??
        secondary.noticeEvidence(transferId, customerId)
      );
    },
    async noticeEvidenceMany(transferId, customerIds) {
      const out = await evidenceMany(transferId, customerIds, secondary);
      for (const [id, e] of await evidenceMany(transferId, customerIds, primary)) out.set(id, e);
      return out;
    },
    async noticedCustomers(transferId) {
      const ids = new Set(await secondary.noticedCustomers?.(transferId));
      for (const id of (await primary.noticedCustomers?.(transferId)) ?? []) ids.add(id);
      return [...ids];
    },
  };
}
