import type { NoticeDeliveriesTable } from '../../kernel/store/schema.js';
import type { Store } from '../../kernel/store/store.js';
import type { NoticeRepo } from './notice-repo.js';
import { toCampaign } from './notice-service.js';
import type { NoticeAnswer, NoticeChannel, NoticeEvidence } from './notice-types.js';

/** The port the transfer module reads customers' answers and notice evidence through. */
export interface TransferAnswers {
  answersFor(
    transferId: string,
  ): Promise<
    Array<{ customerId: string; answer: NoticeAnswer; at: string; channel: string; evidenceHash: string }>
  >;
  /** Evidence of the notices to one customer, or null when no notice of this transfer covers them. */
  noticeEvidence(transferId: string, customerId: string): Promise<NoticeEvidence | null>;
  noticeEvidenceMany(
    transferId: string,
    customerIds: readonly string[],
  ): Promise<Map<string, NoticeEvidence>>;
  /** Customers a notice of this transfer reached (a delivery sent or delivered), each once. */
  noticedCustomers(transferId: string): Promise<string[]>;
}

/** A notice counts as evidence once the provider took it (sent) or confirmed it (delivered). */
const REACHED = ['sent', 'delivered'] as const;

/**
 * Implements TransferAnswers over the notice tables. `answersFor` lists every answer of every campaign
 * of the transfer in time order (the latest per customer is the one that counts); the evidence says
 * what was sent to a customer, when, through which provider, its content hash, receipts and answers:
 * ids, hashes and codes only, no address and no text.
 */
export function createTransferAnswers(deps: { store: Store; repo: NoticeRepo }): TransferAnswers {
  const { store, repo } = deps;

  async function answersFor(transferId: string) {
    const campaigns = await repo.campaignsOfTransfer(store.db, transferId);
    const rows = await repo.answers(
      store.db,
      campaigns.map((c) => c.id),
    );
    return rows.map((r) => ({
      customerId: r.customer_id,
      answer: r.answer,
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
    const campaigns = await repo.campaignsOfTransfer(store.db, transferId);
    if (campaigns.length === 0 || customerIds.length === 0) return out;
    const campaignIds = campaigns.map((c) => c.id);
    const wanted = [...new Set(customerIds)];
    const deliveries: NoticeDeliveriesTable[] = [];
    const answers: Awaited<ReturnType<NoticeRepo['answers']>> = [];
    for (let i = 0; i < wanted.length; i += 500) {
      const chunk = wanted.slice(i, i + 500);
      deliveries.push(
        ...(await store.db
          .selectFrom('notice_deliveries')
          .selectAll()
          .where('campaign_id', 'in', campaignIds)
          .where('customer_id', 'in', chunk)
          .orderBy('channel')
          .execute()),
      );
      answers.push(
        ...(await store.db
          .selectFrom('notice_answers')
          .selectAll()
          .where('campaign_id', 'in', campaignIds)
          .where('customer_id', 'in', chunk)
          .orderBy('at')
          .orderBy('id')
          .execute()),
      );
    }
    const events = new Map<string, Array<{ at: string; kind: string; outcome: string }>>();
    const ids = deliveries.map((d) => d.id);
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await store.db
        .selectFrom('notice_events')
        .select(['delivery_id', 'at', 'kind', 'outcome'])
        .where('delivery_id', 'in', ids.slice(i, i + 500))
        .orderBy('at')
        .orderBy('id')
        .execute();
      for (const e of rows) {
        const list = events.get(e.delivery_id) ?? [];
        list.push({ at: e.at, kind: e.kind, outcome: e.outcome });
        events.set(e.delivery_id, list);
      }
    }
    const key = (campaignId: string, customerId: string) => `${campaignId}|${customerId}`;
    const deliveriesOf = new Map<string, NoticeDeliveriesTable[]>();
    for (const d of deliveries) {
      const k = key(d.campaign_id, d.customer_id);
      deliveriesOf.set(k, [...(deliveriesOf.get(k) ?? []), d]);
    }
    const answersOf = new Map<string, typeof answers>();
    for (const a of answers) {
      const k = key(a.campaign_id, a.customer_id);
      answersOf.set(k, [...(answersOf.get(k) ?? []), a]);
    }
    for (const c of campaigns) {
      const unreachable = new Set((JSON.parse(c.scope) as { unreachable: string[] }).unreachable);
      const facts = toCampaign(c).facts;
      for (const customerId of wanted) {
        const mine = deliveriesOf.get(key(c.id, customerId)) ?? [];
        if (mine.length === 0 && !unreachable.has(customerId)) continue;
        const entry = out.get(customerId) ?? { customerId, campaigns: [] };
        entry.campaigns.push({
          campaignId: c.id,
          path: c.path,
          facts,
          deliveries: mine.map((d) => ({
            channel: d.channel as NoticeChannel,
            status: d.status,
            attempts: d.attempts,
            provider: d.provider,
            providerRef: d.provider_ref,
            evidenceHash: d.evidence_hash,
            sentAt: d.sent_at,
            deliveredAt: d.delivered_at,
            errorCode: d.error_code,
            events: events.get(d.id) ?? [],
          })),
          answers: (answersOf.get(key(c.id, customerId)) ?? []).map((a) => ({
            customerId: a.customer_id,
            answer: a.answer,
            at: a.at,
            channel: a.channel,
            evidenceHash: a.evidence_hash,
          })),
        });
        out.set(customerId, entry);
      }
    }
    return out;
  }

  async function noticedCustomers(transferId: string): Promise<string[]> {
    const campaigns = await repo.campaignsOfTransfer(store.db, transferId);
    if (campaigns.length === 0) return [];
    const rows = await store.db
      .selectFrom('notice_deliveries')
      .select('customer_id')
      .distinct()
      .where(
        'campaign_id',
        'in',
        campaigns.map((c) => c.id),
      )
      .where('status', 'in', [...REACHED])
      .execute();
    return rows.map((r) => r.customer_id);
  }

  return {
    answersFor,
    noticedCustomers,
    noticeEvidenceMany,
    async noticeEvidence(transferId, customerId) {
      return (await noticeEvidenceMany(transferId, [customerId])).get(customerId) ?? null;
    },
  };
}
