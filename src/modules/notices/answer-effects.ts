import type { Actor } from '../../kernel/authz/permissions.js';
import type { Store } from '../../kernel/store/store.js';
import type { ConsentService } from '../consent/consent-service.js';
import type { AnswerRecord, NoticeCampaign } from './notice-types.js';

const LEDGER_CHANNEL: Record<string, string> = {
  portal: 'portal',
  phone: 'phone',
  letter: 'paper',
  email: 'email',
  sms: 'sms',
  'in-person': 'in-person',
};

/**
 * What an answer changes in the consent ledger (PIPL Art. 15, 23):
 * - withdraw: every consent-based purpose the customer currently consents to is withdrawn;
 * - consent (path C): a separate consent (单独同意) under the campaign's consent purpose;
 * - refuse (path C): a consent given earlier under that purpose is withdrawn.
 * Objections and deletion requests are answers for the transfer and the rights desk; they change no
 * consent here.
 */
export async function applyAnswerToConsents(
  deps: { consent: Pick<ConsentService, 'record'>; store: Store; orgId: string },
  actor: Actor,
  campaign: NoticeCampaign,
  answer: AnswerRecord,
  evidence: string,
): Promise<void> {
  const channel = LEDGER_CHANNEL[answer.channel] ?? 'web';
  const base = { customerId: answer.customerId, channel, evidence, at: answer.at };
  if (answer.answer === 'consent' && campaign.consentPurpose) {
    await deps.consent.record(actor, 'grant', { ...base, purpose: campaign.consentPurpose, separate: true });
    return;
  }
  const granted = await grantedPurposes(deps.store, deps.orgId, answer.customerId);
  if (answer.answer === 'withdraw') {
    for (const p of granted) await deps.consent.record(actor, 'withdraw', { ...base, purpose: p });
  } else if (
    answer.answer === 'refuse' &&
    campaign.consentPurpose &&
    granted.includes(campaign.consentPurpose)
  ) {
    await deps.consent.record(actor, 'withdraw', {
      ...base,
      purpose: campaign.consentPurpose,
      separate: true,
    });
  }
}

/** Consent-based purposes whose latest ledger entry for the customer is a grant. */
async function grantedPurposes(store: Store, orgId: string, customerId: string): Promise<string[]> {
  const rows = await store.db
    .selectFrom('consents')
    .innerJoin('purposes', (j) =>
      j.onRef('purposes.key', '=', 'consents.purpose_key').onRef('purposes.org_id', '=', 'consents.org_id'),
    )
    .select(['consents.purpose_key', 'consents.action', 'consents.at', 'consents.id'])
    .where('consents.org_id', '=', orgId)
    .where('consents.customer_id', '=', customerId)
    .where('purposes.basis', '=', 'consent')
    .orderBy('consents.at')
    .orderBy('consents.id')
    .execute();
  const last = new Map<string, string>();
  for (const r of rows) last.set(r.purpose_key, r.action);
  return [...last].filter(([, a]) => a === 'grant').map(([k]) => k);
}
