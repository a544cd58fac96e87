import { uuidv7 } from '../../kernel/ids/uuid.js';
import type {
  NoticeAnswersTable,
  NoticeCampaignsTable,
  NoticeDeliveriesTable,
  NoticeLinksTable,
} from '../../kernel/store/schema.js';
import type { Db, Trx } from '../../kernel/store/store.js';
import type { DeliveryStatus, NoticeChannel } from './notice-types.js';

type Handle = Db | Trx;

/** Kysely queries of the notices tables; every write takes the transaction handle. */
export function createNoticeRepo(orgId: string) {
  return {
    async campaign(db: Handle, id: string): Promise<NoticeCampaignsTable | undefined> {
      return db
        .selectFrom('notice_campaigns')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async campaignsOfTransfer(db: Handle, transferId: string): Promise<NoticeCampaignsTable[]> {
      return db
        .selectFrom('notice_campaigns')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('transfer_id', '=', transferId)
        .orderBy('created_at')
        .execute();
    },

    async openCampaignIds(db: Handle): Promise<string[]> {
      const rows = await db
        .selectFrom('notice_campaigns')
        .select('id')
        .where('org_id', '=', orgId)
        .where('status', '=', 'open')
        .execute();
      return rows.map((r) => r.id);
    },

    async insertCampaign(trx: Trx, row: NoticeCampaignsTable): Promise<void> {
      await trx.insertInto('notice_campaigns').values(row).execute();
    },

    async insertDeliveries(trx: Trx, rows: NoticeDeliveriesTable[]): Promise<void> {
      for (let i = 0; i < rows.length; i += 500)
        await trx
          .insertInto('notice_deliveries')
          .values(rows.slice(i, i + 500))
          .execute();
    },

    async insertLinks(trx: Trx, rows: NoticeLinksTable[]): Promise<void> {
      for (let i = 0; i < rows.length; i += 300)
        await trx
          .insertInto('notice_links')
          .values(rows.slice(i, i + 300))
          .execute();
    },

    async delivery(db: Handle, id: string): Promise<NoticeDeliveriesTable | undefined> {
      return db
        .selectFrom('notice_deliveries')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async deliveryByRef(db: Handle, providerRef: string): Promise<NoticeDeliveriesTable | undefined> {
      return db
        .selectFrom('notice_deliveries')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('provider_ref', '=', providerRef)
        .executeTakeFirst();
    },

    /** Queued jobs whose time has come, oldest first. */
    async dueIds(
      db: Handle,
      campaignId: string | null,
      now: string,
      limit: number,
      channels: readonly NoticeChannel[],
    ): Promise<string[]> {
      let q = db
        .selectFrom('notice_deliveries')
        .select('id')
        .where('org_id', '=', orgId)
        .where('status', '=', 'queued')
        .where('channel', 'in', [...channels])
        .where('next_attempt_at', '<=', now);
      if (campaignId) q = q.where('campaign_id', '=', campaignId);
      const rows = await q.orderBy('next_attempt_at').orderBy('id').limit(limit).execute();
      return rows.map((r) => r.id);
    },

    /** Queued jobs of campaigns whose answer window has closed: they are not sent any more. */
    async expireClosed(trx: Trx, now: string): Promise<NoticeDeliveriesTable[]> {
      const rows = await trx
        .selectFrom('notice_deliveries')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('status', '=', 'queued')
        .where('campaign_id', 'in', (eb) =>
          eb
            .selectFrom('notice_campaigns')
            .select('id')
            .where('org_id', '=', orgId)
            .where('closes_at', '<=', now),
        )
        .execute();
      if (rows.length > 0)
        await trx
          .updateTable('notice_deliveries')
          .set({ status: 'failed', error_code: 'WINDOW_CLOSED', updated_at: now })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .where('status', '=', 'queued')
          .execute();
      return rows;
    },

    /** Jobs left in `sending` by a process that died mid-send (lease expired). */
    async staleSending(db: Handle, campaignId: string | null, now: string): Promise<NoticeDeliveriesTable[]> {
      let q = db
        .selectFrom('notice_deliveries')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('status', '=', 'sending')
        .where('lease_until', '<', now);
      if (campaignId) q = q.where('campaign_id', '=', campaignId);
      return q.execute();
    },

    async waitingCount(db: Handle, campaignId: string | null): Promise<number> {
      let q = db
        .selectFrom('notice_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .where('status', '=', 'queued');
      if (campaignId) q = q.where('campaign_id', '=', campaignId);
      const r = await q.executeTakeFirst();
      return Number(r?.n ?? 0);
    },

    /**
     * The idempotency claim: queued -> sending under a lease, only if still queued. Exactly one claimer
     * wins; whoever loses sends nothing.
     */
    async claim(trx: Trx, id: string, owner: string, now: string, leaseUntil: string): Promise<boolean> {
      const res = await trx
        .updateTable('notice_deliveries')
        .set({ status: 'sending', lease_owner: owner, lease_until: leaseUntil, updated_at: now })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async update(
      trx: Trx,
      id: string,
      set: Partial<NoticeDeliveriesTable>,
      fromStatus?: DeliveryStatus,
    ): Promise<boolean> {
      let q = trx.updateTable('notice_deliveries').set(set).where('org_id', '=', orgId).where('id', '=', id);
      if (fromStatus) q = q.where('status', '=', fromStatus);
      const res = await q.executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async event(
      trx: Trx,
      deliveryId: string,
      at: string,
      kind: string,
      outcome: string,
      detail: Record<string, unknown> = {},
    ): Promise<void> {
      await trx
        .insertInto('notice_events')
        .values({
          id: uuidv7(),
          org_id: orgId,
          delivery_id: deliveryId,
          at,
          kind,
          outcome,
          detail: JSON.stringify(detail),
        })
        .execute();
    },

    /** The whole suppression list of a channel (hashes only; opt-outs are few next to customers). */
    async suppressedHashes(db: Handle, channel: NoticeChannel): Promise<Set<string>> {
      const rows = await db
        .selectFrom('notice_suppressions')
        .select('dest_hash')
        .where('org_id', '=', orgId)
        .where('channel', '=', channel)
        .execute();
      return new Set(rows.map((r) => r.dest_hash));
    },

    async isSuppressed(db: Handle, channel: NoticeChannel, destHash: string): Promise<boolean> {
      const r = await db
        .selectFrom('notice_suppressions')
        .select('dest_hash')
        .where('org_id', '=', orgId)
        .where('channel', '=', channel)
        .where('dest_hash', '=', destHash)
        .executeTakeFirst();
      return r !== undefined;
    },

    async suppress(
      trx: Trx,
      channel: NoticeChannel,
      destHash: string,
      reason: string,
      source: string,
      at: string,
    ) {
      const exists = await trx
        .selectFrom('notice_suppressions')
        .select('dest_hash')
        .where('org_id', '=', orgId)
        .where('channel', '=', channel)
        .where('dest_hash', '=', destHash)
        .executeTakeFirst();
      if (exists) return false;
      await trx
        .insertInto('notice_suppressions')
        .values({ org_id: orgId, channel, dest_hash: destHash, reason, source, created_at: at })
        .execute();
      return true;
    },

    async linkOfDelivery(db: Handle, deliveryId: string): Promise<NoticeLinksTable | undefined> {
      return db
        .selectFrom('notice_links')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('delivery_id', '=', deliveryId)
        .executeTakeFirst();
    },

    async insertAnswer(trx: Trx, row: NoticeAnswersTable): Promise<void> {
      await trx.insertInto('notice_answers').values(row).execute();
    },

    async answers(
      db: Handle,
      campaignIds: readonly string[],
      customerId?: string,
    ): Promise<NoticeAnswersTable[]> {
      if (campaignIds.length === 0) return [];
      let q = db
        .selectFrom('notice_answers')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('campaign_id', 'in', [...campaignIds]);
      if (customerId) q = q.where('customer_id', '=', customerId);
      return q.orderBy('at').orderBy('id').execute();
    },
  };
}

export type NoticeRepo = ReturnType<typeof createNoticeRepo>;
