import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { type Actor, assertCan } from '../../kernel/authz/permissions.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { NoticeConfig } from './notice-config.js';
import { NOTICE_EVENTS } from './notice-events.js';
import type { NoticeService } from './notice-service.js';
import { toCampaign } from './notice-service.js';
import { renderAnnouncement, renderLetter } from './notice-templates.js';
import type { NoticeVault } from './notice-vault.js';

/** Printable letters (decrypted at print time, audited first) and the public announcement (公告). */
export function createNoticeDocuments(deps: {
  store: Store;
  audit: Pick<AuditTrail, 'record'>;
  vault: NoticeVault;
  notices: Pick<NoticeService, 'requireCampaign'>;
  config: NoticeConfig;
  clock: Clock;
}) {
  const { store, audit, vault, notices, config, clock } = deps;

  async function letter(actor: Actor, campaignId: string, customerId: string): Promise<string> {
    // A printed letter is a notice sent by post: it needs the send grant and the L3 reveal it prints.
    assertCan(actor, 'notice', 'send');
    assertCan(actor, 'customer', 'reveal', 'L3');
    const c = toCampaign(await notices.requireCampaign(campaignId));
    await audit.record([
      {
        actor: actor.id,
        action: NOTICE_EVENTS.letterRender,
        purpose: 'notice',
        subjects: [customerId],
        fields: ['name', 'address'],
        details: { campaignId },
      },
    ]);
    const link = await store.db
      .selectFrom('notice_links')
      .select(['delivery_id', 'sealed'])
      .where('campaign_id', '=', campaignId)
      .where('customer_id', '=', customerId)
      .orderBy('channel')
      .executeTakeFirst();
    const secret = link ? await vault.openLink(store.db, customerId, link.delivery_id, link.sealed) : null;
    const addressee = await vault.letterAddressee(store.db, customerId);
    return renderLetter(
      {
        facts: c.facts,
        link: secret ? `${config.publicUrl}/portal/t/${secret.token}` : c.facts.rightsContact,
        shortCode: secret?.code ?? '—',
      },
      addressee,
      clock.now(),
    );
  }

  async function announcement(actor: Actor, campaignId: string): Promise<string> {
    assertCan(actor, 'notice', 'read');
    return renderAnnouncement(toCampaign(await notices.requireCampaign(campaignId)).facts);
  }

  async function lookupCode(
    actor: Actor,
    code: string,
  ): Promise<{ campaignId: string; customerId: string; channel: string } | null> {
    assertCan(actor, 'notice', 'read');
    const row = await store.db
      .selectFrom('notice_links')
      .select(['campaign_id', 'customer_id', 'channel'])
      .where('code_hash', '=', vault.codeHash(code))
      .executeTakeFirst();
    return row ? { campaignId: row.campaign_id, customerId: row.customer_id, channel: row.channel } : null;
  }

  return { letter, announcement, lookupCode };
}

export type NoticeDocuments = ReturnType<typeof createNoticeDocuments>;
