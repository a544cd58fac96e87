import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { customerInScope, customerScopeFilter, dataScopeOf } from '../../kernel/authz/data-scope.js';
import { type Actor, assertCan } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type {
  NoticeCampaignsTable,
  NoticeDeliveriesTable,
  NoticeLinksTable,
} from '../../kernel/store/schema.js';
import type { Store, Trx } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { ConsentService } from '../consent/consent-service.js';
import { applyAnswerToConsents } from './answer-effects.js';
import { NOTICE_EVENTS } from './notice-events.js';
import type { NoticeRepo } from './notice-repo.js';
import {
  ANSWER_CHANNELS,
  ANSWERS,
  type AnswerRecord,
  type CampaignCreated,
  DELIVERY_STATUSES,
  type DeliveryStatus,
  NOTICE_CHANNELS,
  type NoticeAnswer,
  type NoticeCampaign,
  type NoticeCampaignInput,
  type NoticeChannel,
  type NoticeFacts,
  type NoticeTally,
  type StaffAnswerInput,
} from './notice-types.js';
import { type NoticeVault, newLinkToken, newShortCode, sha256Hex } from './notice-vault.js';

export interface NoticeServiceDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
  repo: NoticeRepo;
  vault: NoticeVault;
  consent: Pick<ConsentService, 'record' | 'requirePurposes'>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Midnight at the start of a Shanghai calendar date: the answer window closes then (UTC ISO). */
export function closesAtFor(plannedDate: string): string {
  return new Date(`${plannedDate}T00:00:00+08:00`).toISOString();
}

export function toCampaign(row: NoticeCampaignsTable): NoticeCampaign {
  return {
    id: row.id,
    transferId: row.transfer_id,
    path: row.path,
    status: row.status,
    facts: JSON.parse(row.facts) as NoticeFacts,
    channels: JSON.parse(row.channels) as NoticeChannel[],
    consentPurpose: row.consent_purpose,
    plannedDate: row.planned_date,
    closesAt: row.closes_at,
    createdAt: row.created_at,
  };
}

function emptyCounts(): Record<DeliveryStatus, number> {
  return Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
}

export type NoticeService = ReturnType<typeof createNoticeService>;

/** Campaigns of notices for a transfer, the live tally, and answers recorded by staff. */
export function createNoticeService(deps: NoticeServiceDeps) {
  const { store, audit, clock, orgId, repo, vault, consent } = deps;

  function validate(input: NoticeCampaignInput): void {
    const bad = (detail: string) => new AppError('NOTICE_INVALID', { detail });
    if (!['A', 'B', 'C', 'D'].includes(input.path)) throw bad('path must be A, B, C or D');
    if (!input.transferId?.trim()) throw bad('transferId is required');
    if (!input.recipientName?.trim() || !input.recipientContact?.trim())
      throw bad("PIPL Art. 22: the recipient's name and contact details are required");
    if (!DATE.test(input.plannedDate) || Number.isNaN(Date.parse(input.plannedDate)))
      throw bad('plannedDate must be YYYY-MM-DD');
    if (closesAtFor(input.plannedDate) <= clock.now().toISOString())
      throw bad('plannedDate must be in the future (notices go out before the transfer)');
    if (input.customerIds.length === 0) throw bad('no customers in scope');
    for (const c of input.channels ?? [])
      if (!NOTICE_CHANNELS.includes(c)) throw bad(`channel must be one of ${NOTICE_CHANNELS.join(', ')}`);
  }

  /**
   * Creates a campaign: one queued delivery per customer and reachable channel (the unique key is the
   * idempotency claim), a link and short code per delivery, suppressed destinations marked at once.
   * Customers with no address are listed for the public announcement (公告).
   */
  async function createCampaign(actor: Actor, input: NoticeCampaignInput): Promise<CampaignCreated> {
    assertCan(actor, 'notice', 'manage');
    validate(input);
    if (input.consentPurpose) await consent.requirePurposes(store.db, [input.consentPurpose]);
    const org = await store.db.selectFrom('orgs').select('name').where('id', '=', orgId).executeTakeFirst();
    const ids = [...new Set(input.customerIds)];
    const live = new Set<string>();
    // Customers outside the actor's data scope do not exist for it (NOT_FOUND), as everywhere else.
    const scope = dataScopeOf(actor);
    for (let i = 0; i < ids.length; i += 500) {
      let sel = store.db
        .selectFrom('customers')
        .select('id')
        .where('org_id', '=', orgId)
        .where('status', '!=', 'erased')
        .where('id', 'in', ids.slice(i, i + 500));
      if (scope.kind !== 'all') sel = sel.where(customerScopeFilter(scope, orgId));
      const rows = await sel.execute();
      for (const r of rows) live.add(r.id);
    }
    const missing = ids.find((id) => !live.has(id));
    if (missing) throw new AppError('CUSTOMER_NOT_FOUND', { id: missing });
    const channels: NoticeChannel[] = [...new Set(input.channels ?? NOTICE_CHANNELS)];
    const now = clock.now().toISOString();
    const facts: NoticeFacts = {
      transferId: input.transferId,
      path: input.path,
      sellerName: input.sellerName?.trim() || org?.name || '',
      recipientName: input.recipientName.trim(),
      recipientContact: input.recipientContact.trim(),
      rightsContact: input.rightsContact?.trim() || input.recipientContact.trim(),
      plannedDate: input.plannedDate,
      purposes: input.purposes?.trim() || null,
      methods: input.methods?.trim() || null,
      categories: input.categories?.trim() || null,
    };
    const closesAt = closesAtFor(input.plannedDate);
    const campaignId = uuidv7();
    return store.transaction(async (trx) => {
      const dests = await vault.destinations(trx, ids);
      const suppressedSet = {
        email: await repo.suppressedHashes(trx, 'email'),
        sms: await repo.suppressedHashes(trx, 'sms'),
      };
      const deliveries: NoticeDeliveriesTable[] = [];
      const links: NoticeLinksTable[] = [];
      const unreachable: string[] = [];
      let suppressed = 0;
      for (const customerId of ids) {
        const d = dests.get(customerId) ?? {};
        const usable = channels.filter((c) => d[c]);
        if (usable.length === 0) {
          unreachable.push(customerId);
          continue;
        }
        let dek: Buffer | null = null;
        for (const channel of usable) {
          const destHash = d[channel] as string;
          const isSuppressed = suppressedSet[channel].has(destHash);
          const id = uuidv7();
          deliveries.push({
            id,
            org_id: orgId,
            campaign_id: campaignId,
            customer_id: customerId,
            channel,
            dest_hash: destHash,
            status: isSuppressed ? 'suppressed' : 'queued',
            attempts: 0,
            next_attempt_at: now,
            lease_owner: null,
            lease_until: null,
            provider: null,
            provider_ref: null,
            error_code: isSuppressed ? 'SUPPRESSED' : null,
            evidence_hash: null,
            sent_at: null,
            delivered_at: null,
            created_at: now,
            updated_at: now,
          });
          if (isSuppressed) {
            suppressed += 1;
            continue;
          }
          dek ??= (await vault.customerKey(trx, customerId)).dek;
          const secret = { token: newLinkToken(), code: newShortCode() };
          links.push({
            token_hash: sha256Hex(secret.token),
            org_id: orgId,
            campaign_id: campaignId,
            customer_id: customerId,
            delivery_id: id,
            channel,
            code_hash: vault.codeHash(secret.code),
            sealed: vault.sealLink(customerId, id, dek, secret),
            expires_at: closesAt,
            used_at: null,
            otp_hash: null,
            otp_expires_at: null,
            otp_attempts: 0,
            otp_codes: 0,
            otp_sent_at: null,
            form_nonce_hash: null,
            form_stage: null,
            verified_at: null,
            created_at: now,
          });
        }
      }
      const row: NoticeCampaignsTable = {
        id: campaignId,
        org_id: orgId,
        transfer_id: input.transferId,
        path: input.path,
        status: 'open',
        facts: JSON.stringify(facts),
        channels: JSON.stringify(channels),
        consent_purpose: input.consentPurpose ?? null,
        scope: JSON.stringify({ customers: ids.length, unreachable }),
        planned_date: input.plannedDate,
        closes_at: closesAt,
        actor: actor.id,
        created_at: now,
        updated_at: now,
      };
      await repo.insertCampaign(trx, row);
      await repo.insertDeliveries(trx, deliveries);
      await repo.insertLinks(trx, links);
      await audit.append(trx, [
        {
          actor: actor.id,
          action: NOTICE_EVENTS.campaignCreate,
          subjects: ids,
          details: {
            campaignId,
            transferId: input.transferId,
            path: input.path,
            queued: deliveries.length - suppressed,
            suppressed,
            unreachable: unreachable.length,
          },
        },
      ]);
      return {
        campaign: toCampaign(row),
        queued: deliveries.length - suppressed,
        unreachable: unreachable.length,
        suppressed,
      };
    });
  }

  /** The campaign row; pass the open transaction when inside one (SQLite has one connection). */
  async function requireCampaign(
    id: string,
    db: Store['db'] | Trx = store.db,
  ): Promise<NoticeCampaignsTable> {
    const row = await repo.campaign(db, id);
    if (!row) throw new AppError('NOTICE_CAMPAIGN_NOT_FOUND', { id });
    return row;
  }

  async function getCampaign(actor: Actor, id: string): Promise<NoticeCampaign> {
    assertCan(actor, 'notice', 'read');
    return toCampaign(await requireCampaign(id));
  }

  /** Checks that the actor may send this campaign's deliveries (the sender itself runs as the job loop). */
  async function authorizeSend(actor: Actor, id: string): Promise<NoticeCampaign> {
    assertCan(actor, 'notice', 'send');
    return toCampaign(await requireCampaign(id));
  }

  /** The campaigns of one transfer, oldest first (the console's transfer page, the transfer module). */
  async function campaignsOfTransfer(actor: Actor, transferId: string): Promise<NoticeCampaign[]> {
    assertCan(actor, 'notice', 'read');
    return (await repo.campaignsOfTransfer(store.db, transferId)).map(toCampaign);
  }

  /** Counts per delivery status (and channel) and per latest answer; live while the window is open. */
  async function tally(actor: Actor, campaignId: string): Promise<NoticeTally> {
    assertCan(actor, 'notice', 'read');
    const c = await requireCampaign(campaignId);
    const scope = JSON.parse(c.scope) as { customers: number; unreachable: string[] };
    const rows = await store.db
      .selectFrom('notice_deliveries')
      .select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('org_id', '=', orgId)
      .where('campaign_id', '=', campaignId)
      .groupBy(['channel', 'status'])
      .execute();
    const deliveries = emptyCounts();
    const byChannel = { email: emptyCounts(), sms: emptyCounts() } as NoticeTally['byChannel'];
    for (const r of rows) {
      deliveries[r.status] += Number(r.n);
      byChannel[r.channel][r.status] += Number(r.n);
    }
    const latest = new Map<string, NoticeAnswer>();
    for (const a of await repo.answers(store.db, [campaignId])) latest.set(a.customer_id, a.answer);
    const answers = Object.fromEntries(ANSWERS.map((a) => [a, 0])) as Record<NoticeAnswer, number>;
    for (const a of latest.values()) answers[a] += 1;
    return {
      campaignId,
      transferId: c.transfer_id,
      windowOpen: c.status === 'open' && clock.now().toISOString() < c.closes_at,
      closesAt: c.closes_at,
      customers: scope.customers,
      unreachable: scope.unreachable.length,
      deliveries,
      byChannel,
      answers,
      noAnswer: scope.customers - latest.size,
    };
  }

  async function inScope(
    db: Store['db'] | Trx,
    c: NoticeCampaignsTable,
    customerId: string,
  ): Promise<boolean> {
    const d = await db
      .selectFrom('notice_deliveries')
      .select('id')
      .where('campaign_id', '=', c.id)
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    if (d) return true;
    return (JSON.parse(c.scope) as { unreachable: string[] }).unreachable.includes(customerId);
  }

  /**
   * Records one answer (inside the caller's transaction, with its audit event). The window closes at
   * the start of the planned date. Consent-ledger effects follow with `applyAnswerToConsents`.
   */
  async function recordAnswerIn(
    trx: Trx,
    actorId: string,
    c: NoticeCampaignsTable,
    a: { customerId: string; answer: NoticeAnswer; channel: string; evidenceHash: string },
  ): Promise<AnswerRecord> {
    const at = clock.now().toISOString();
    if (c.status !== 'open' || at >= c.closes_at)
      throw new AppError('NOTICE_WINDOW_CLOSED', { id: c.id, closesAt: c.closes_at });
    if (!ANSWERS.includes(a.answer))
      throw new AppError('NOTICE_INVALID', { detail: `answer must be one of ${ANSWERS.join(', ')}` });
    if ((a.answer === 'consent' || a.answer === 'refuse') && c.path !== 'C')
      throw new AppError('NOTICE_INVALID', {
        detail: 'consent/refuse answers belong to path C (separate consent)',
      });
    if (!(await inScope(trx, c, a.customerId)))
      throw new AppError('NOTICE_NOT_IN_SCOPE', { id: c.id, customerId: a.customerId });
    await repo.insertAnswer(trx, {
      id: uuidv7(),
      org_id: orgId,
      campaign_id: c.id,
      customer_id: a.customerId,
      answer: a.answer,
      channel: a.channel,
      at,
      evidence_hash: a.evidenceHash,
      actor: actorId,
    });
    await audit.append(trx, [
      {
        actor: actorId,
        action: NOTICE_EVENTS.answer,
        subjects: [a.customerId],
        details: { campaignId: c.id, transferId: c.transfer_id, answer: a.answer, channel: a.channel },
      },
    ]);
    return {
      customerId: a.customerId,
      answer: a.answer,
      at,
      channel: a.channel,
      evidenceHash: a.evidenceHash,
    };
  }

  /** An answer received by phone, letter or in person, with a reference to its evidence. */
  async function recordStaffAnswer(actor: Actor, input: StaffAnswerInput): Promise<AnswerRecord> {
    assertCan(actor, 'notice', 'record');
    // These answers also write the consent ledger (answer-effects.ts): check that grant before anything
    // is recorded, so a role with notice.record alone is refused whole, not half-way.
    if (input.answer === 'withdraw' || input.answer === 'consent' || input.answer === 'refuse')
      assertCan(actor, 'consent', 'record');
    if (!ANSWER_CHANNELS.includes(input.channel) || input.channel === 'portal')
      throw new AppError('NOTICE_INVALID', {
        detail: `channel must be one of ${ANSWER_CHANNELS.filter((c) => c !== 'portal').join(', ')}`,
      });
    if (!input.evidence?.trim())
      throw new AppError('NOTICE_INVALID', { detail: 'an evidence reference is required (--evidence)' });
    const c = await requireCampaign(input.campaignId);
    if (!(await customerInScope(store.db, orgId, actor, input.customerId))) {
      throw new AppError('CUSTOMER_NOT_FOUND', { id: input.customerId });
    }
    const rec = await store.transaction((trx) =>
      recordAnswerIn(trx, actor.id, c, {
        customerId: input.customerId,
        answer: input.answer,
        channel: input.channel,
        evidenceHash: sha256Hex(input.evidence.trim()),
      }),
    );
    await applyAnswerToConsents({ consent, store, orgId }, actor, toCampaign(c), rec, input.evidence.trim());
    return rec;
  }

  return {
    createCampaign,
    getCampaign,
    authorizeSend,
    campaignsOfTransfer,
    tally,
    recordAnswerIn,
    recordStaffAnswer,
    requireCampaign,
  };
}
