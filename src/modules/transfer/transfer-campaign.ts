import type { Actor } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { CampaignChannel, NoticeCampaigns, TransferCampaign } from './campaign-port.js';
import { hasTag, loadPage } from './scope-reader.js';
import { assertTransfer } from './transfer-policy.js';
import { createTransferRepo } from './transfer-repo.js';
import type { TransferCaseService, TransferDeps } from './transfer-service.js';
import type { Transfer } from './transfer-types.js';

/** The campaign options a case's notice takes; the recipient and date default to the case's own. */
export interface CaseCampaignOptions {
  channels?: readonly CampaignChannel[] | undefined;
  /** PIPL Art. 22: the recipient's name and contact; default: the case's counterparty. */
  recipientName?: string | undefined;
  recipientContact?: string | undefined;
  /** YYYY-MM-DD; default: the case's planned date. */
  plannedDate?: string | undefined;
  sellerName?: string | undefined;
  rightsContact?: string | undefined;
  /** Path C (PIPL Art. 23): the recipient's purposes, methods, categories; the separate-consent purpose. */
  purposes?: string | undefined;
  methods?: string | undefined;
  categories?: string | undefined;
  consentPurpose?: string | undefined;
}

export interface CaseCampaignResult {
  transfer: Transfer;
  campaign: TransferCampaign;
  /** Customers in the case's scope (the readiness audit's `inScope`), each told once. */
  customers: number;
  queued: number;
  unreachable: number;
  suppressed: number;
  /** Whether this call also started the notice period (the case was in `readiness`). */
  noticeStarted: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Notifies exactly the case's scope: the customers the readiness audit counts and the package splits
 * (kind, purpose, owner, tag), read page by page from the vault; starts the notice period first when
 * the case is still in `readiness`, so one call does both.
 */
export function createTransferCampaigns(
  deps: TransferDeps & { campaigns?: NoticeCampaigns | undefined },
  cases: Pick<TransferCaseService, 'get' | 'startNotice'>,
) {
  const { store, keys, audit, clock, orgId } = deps;
  const repo = createTransferRepo(orgId);

  /** The ids of the live customers in the case's scope; a tag scope is audited before it is decrypted. */
  async function scopeCustomerIds(actor: Actor, t: Transfer): Promise<string[]> {
    const ids: string[] = [];
    for await (const rows of repo.scopePages(store.db, t.scope)) {
      if (!t.scope.tag) {
        ids.push(...rows.map((r) => r.id));
        continue;
      }
      // Tags are L2: write-ahead audit of the page before it is opened.
      await store.transaction((trx) =>
        audit.append(trx, [
          {
            actor: actor.id,
            action: 'transfer.notice.scope',
            purpose: 'transfer',
            subjects: rows.map((r) => r.id),
            fields: ['tags'],
            details: { transferId: t.id, count: rows.length },
          },
        ]),
      );
      const page = await loadPage(store.db, keys, orgId, rows, ['L2']);
      for (const c of page) if (hasTag(c.values, t.scope.tag)) ids.push(c.row.id);
    }
    return ids;
  }

  async function start(
    actor: Actor,
    id: string,
    opts: CaseCampaignOptions = {},
  ): Promise<CaseCampaignResult> {
    assertTransfer(actor, 'manage');
    const port = deps.campaigns;
    if (!port)
      throw new AppError('TRANSFER_STATE', {
        id,
        status: 'without the notices module',
        action: 'notify customers',
      });
    const t = await cases.get(actor, id);
    if (t.status !== 'readiness' && t.status !== 'noticing')
      throw new AppError('TRANSFER_STATE', { id, status: t.status, action: 'start a notice campaign' });
    // Checked before anything changes, so a refused call leaves the case as it was.
    if (t.status === 'readiness') {
      if (!t.readiness)
        throw new AppError('TRANSFER_STATE', {
          id,
          status: t.status,
          action: 'start notices before a readiness audit',
        });
      if (t.readiness.open.length)
        throw new AppError('TRANSFER_BLOCKED', { id, items: t.readiness.open.join(', ') });
    }
    const existing = await port.campaignsOfTransfer(actor, id);
    if (existing.length)
      throw new AppError('TRANSFER_CAMPAIGN_EXISTS', {
        id,
        campaignId: (existing.at(-1) as TransferCampaign).id,
      });
    const cp = t.counterpartyId ? await deps.identity.counterparty(t.counterpartyId) : null;
    const recipientName = opts.recipientName?.trim() || cp?.name || '';
    const recipientContact = opts.recipientContact?.trim() || cp?.contact || '';
    if (!recipientName || !recipientContact)
      throw new AppError('VALIDATION_FAILED', {
        detail:
          "PIPL Art. 22: the notice needs the recipient's name and contact (recipientName, recipientContact)",
      });
    const plannedDate = opts.plannedDate ?? t.plannedDate ?? '';
    if (!DATE.test(plannedDate))
      throw new AppError('VALIDATION_FAILED', {
        detail: 'the notice needs a planned transfer date (plannedDate, YYYY-MM-DD)',
      });
    if (new Date(`${plannedDate}T00:00:00+08:00`).getTime() <= clock.now().getTime())
      throw new AppError('VALIDATION_FAILED', {
        detail: 'plannedDate must be in the future (notices go out before the transfer)',
      });
    const customerIds = await scopeCustomerIds(actor, t);
    if (customerIds.length === 0)
      throw new AppError('VALIDATION_FAILED', { detail: 'no customers in the case’s scope' });
    let noticeStarted = false;
    if (t.status === 'readiness') {
      await cases.startNotice(actor, id);
      noticeStarted = true;
    }
    const created = await port.createCampaign(actor, {
      transferId: id,
      path: t.path,
      recipientName,
      recipientContact,
      plannedDate,
      customerIds,
      channels: opts.channels,
      sellerName: opts.sellerName,
      rightsContact: opts.rightsContact,
      ...(t.path === 'C'
        ? {
            purposes: opts.purposes,
            methods: opts.methods,
            categories: opts.categories,
            consentPurpose: opts.consentPurpose,
          }
        : {}),
    });
    return {
      transfer: await cases.get(actor, id),
      campaign: created.campaign,
      customers: customerIds.length,
      queued: created.queued,
      unreachable: created.unreachable,
      suppressed: created.suppressed,
      noticeStarted,
    };
  }

  return { start, scopeCustomerIds };
}

export type TransferCampaigns = ReturnType<typeof createTransferCampaigns>;
