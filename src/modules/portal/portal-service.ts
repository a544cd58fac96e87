import { randomBytes, randomInt } from 'node:crypto';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { NoticeLinksTable } from '../../kernel/store/schema.js';
import type { Store, Trx } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { ConsentService } from '../consent/consent-service.js';
import { applyAnswerToConsents } from '../notices/answer-effects.js';
import type { EmailSender } from '../notices/channels/outcome.js';
import type { SmsGateway } from '../notices/channels/sms-gateway.js';
import type { NoticeConfig } from '../notices/notice-config.js';
import { NOTICE_EVENTS } from '../notices/notice-events.js';
import type { NoticeService } from '../notices/notice-service.js';
import { toCampaign } from '../notices/notice-service.js';
import { renderOtpEmail, renderOtpSms } from '../notices/notice-templates.js';
import type { NoticeAnswer, NoticeCampaign } from '../notices/notice-types.js';
import { type NoticeVault, sha256Hex } from '../notices/notice-vault.js';

export const OTP_TTL_MS = 10 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;
/** Codes per link: with 5 tries each, at most 50 guesses at a 1-in-a-million code. */
export const OTP_MAX_CODES = 10;
const OTP_RESEND_MS = 60_000;
/** After the code is verified, the answer form stays valid this long. */
const VERIFIED_TTL_MS = 30 * 60_000;

export type PortalStage = 'start' | 'verify' | 'answer';

export interface PortalView {
  campaign: NoticeCampaign;
  channel: 'email' | 'sms';
  stage: PortalStage;
  /** The per-page form token (CSRF): stored hashed, replaced on every render. */
  nonce: string;
  allowed: NoticeAnswer[];
}

export interface PortalDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
  keys: Pick<KeyRing, 'blindIndex'>;
  vault: NoticeVault;
  notices: Pick<NoticeService, 'recordAnswerIn' | 'requireCampaign'>;
  consent: Pick<ConsentService, 'record'>;
  config: NoticeConfig;
  email: EmailSender | null;
  sms: SmsGateway | null;
}

/** The answers a customer may give on each path. */
export function allowedAnswers(path: string): NoticeAnswer[] {
  if (path === 'C') return ['consent', 'refuse', 'withdraw', 'delete'];
  if (path === 'D') return ['withdraw', 'delete'];
  return ['object', 'withdraw', 'delete'];
}

export type PortalService = ReturnType<typeof createPortalService>;

/**
 * The customer's side of a notice: an unguessable, expiring, single-use link; a one-time code sent to
 * the channel the notice came through (6 digits, 10 minutes, 5 attempts); then one answer. No
 * personal data is shown on the page and none is stored beyond the answer itself.
 */
export function createPortalService(deps: PortalDeps) {
  const { store, audit, clock, orgId, keys, vault, notices, config } = deps;
  const portalActor: Actor = { id: 'portal', kind: 'system', orgId, roles: ['system'] };

  function otpHash(tokenHash: string, code: string): string {
    return keys.blindIndex('noticeOtp', `${tokenHash}:${code}`).toString('hex');
  }

  /** The live link for a token, or PORTAL_LINK_INVALID (unknown, expired, used, campaign closed). */
  async function liveLink(db: Store['db'] | Trx, token: string): Promise<NoticeLinksTable> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new AppError('PORTAL_LINK_INVALID');
    const link = await db
      .selectFrom('notice_links')
      .selectAll()
      .where('token_hash', '=', sha256Hex(token))
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!link || link.used_at || clock.now().toISOString() >= link.expires_at)
      throw new AppError('PORTAL_LINK_INVALID');
    return link;
  }

  async function view(trx: Trx, link: NoticeLinksTable, stage: PortalStage): Promise<PortalView> {
    const nonce = randomBytes(24).toString('base64url');
    await trx
      .updateTable('notice_links')
      .set({ form_nonce_hash: sha256Hex(nonce), form_stage: stage })
      .where('token_hash', '=', link.token_hash)
      .execute();
    const campaign = toCampaign(await notices.requireCampaign(link.campaign_id, trx));
    if (campaign.status !== 'open') throw new AppError('PORTAL_LINK_INVALID');
    return { campaign, channel: link.channel, stage, nonce, allowed: allowedAnswers(campaign.path) };
  }

  function checkNonce(link: NoticeLinksTable, nonce: string, stages: PortalStage[]): void {
    if (
      !link.form_nonce_hash ||
      link.form_nonce_hash !== sha256Hex(nonce) ||
      !stages.includes(link.form_stage as PortalStage)
    )
      throw new AppError('PORTAL_FORM_STALE');
  }

  /** The first page: what the notice says and a button to get a code. Changes nothing else. */
  async function open(token: string): Promise<PortalView> {
    return store.transaction(async (trx) => {
      const link = await liveLink(trx, token);
      if (link.verified_at && clock.now().getTime() - Date.parse(link.verified_at) < VERIFIED_TTL_MS)
        return view(trx, link, 'answer');
      return view(trx, link, 'start');
    });
  }

  /** Sends a one-time code to the channel the notice went to (write-ahead audit, then decrypt). */
  async function requestCode(token: string, nonce: string): Promise<PortalView> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const now = clock.now();
    const { link, next } = await store.transaction(async (trx) => {
      const link = await liveLink(trx, token);
      checkNonce(link, nonce, ['start', 'verify']);
      if (link.otp_sent_at && now.getTime() - Date.parse(link.otp_sent_at) < OTP_RESEND_MS) {
        // Too soon for another code: keep the one already sent.
        return { link: null, next: await view(trx, link, 'verify') };
      }
      if (link.otp_codes >= OTP_MAX_CODES) throw new AppError('PORTAL_CODE_LIMIT');
      await trx
        .updateTable('notice_links')
        .set({
          otp_hash: otpHash(link.token_hash, code),
          otp_expires_at: new Date(now.getTime() + OTP_TTL_MS).toISOString(),
          otp_attempts: 0,
          otp_codes: link.otp_codes + 1,
          otp_sent_at: now.toISOString(),
        })
        .where('token_hash', '=', link.token_hash)
        .execute();
      await audit.append(trx, [
        {
          actor: 'portal',
          action: NOTICE_EVENTS.portalCode,
          purpose: 'notice',
          subjects: [link.customer_id],
          fields: [link.channel === 'email' ? 'email' : 'mobile'],
          details: { campaignId: link.campaign_id, deliveryId: link.delivery_id, channel: link.channel },
        },
      ]);
      return { link, next: await view(trx, link, 'verify') };
    });
    if (link) await sendCode(link, code, next.campaign.facts.sellerName);
    return next;
  }

  async function sendCode(link: NoticeLinksTable, code: string, sellerName: string): Promise<void> {
    const address = await vault.address(store.db, link.customer_id, link.channel);
    if (!address)
      throw new AppError('NOTICE_CHANNEL_UNCONFIGURED', { channel: link.channel, hint: 'no address' });
    if (link.channel === 'email') {
      if (!deps.email)
        throw new AppError('NOTICE_CHANNEL_UNCONFIGURED', { channel: 'email', hint: 'CUSTODIAN_SMTP_HOST' });
      const mail = renderOtpEmail(code, sellerName);
      const r = await deps.email.send({ to: address, ...mail, ref: `otp:${link.delivery_id}` });
      if (!r.ok) throw new AppError('NOTICE_SEND_FAILED', { detail: r.errorCode });
      return;
    }
    if (!deps.sms || !config.sms)
      throw new AppError('NOTICE_CHANNEL_UNCONFIGURED', { channel: 'sms', hint: 'CUSTODIAN_SMS_PROVIDER' });
    const r = await deps.sms.send({
      to: address,
      message: renderOtpSms(code, config.sms.signName),
      ref: `otp:${link.delivery_id}`,
    });
    if (!r.ok) throw new AppError('NOTICE_SEND_FAILED', { detail: r.errorCode });
  }

  /** Checks the one-time code: wrong (attempts left), expired, or locked after 5 wrong tries. */
  async function verifyCode(token: string, nonce: string, code: string): Promise<PortalView> {
    const now = clock.now();
    const outcome = await store.transaction(async (trx) => {
      const link = await liveLink(trx, token);
      checkNonce(link, nonce, ['verify']);
      if (!link.otp_hash || !link.otp_expires_at) return { error: 'PORTAL_CODE_EXPIRED' as const };
      if (link.otp_attempts >= OTP_MAX_ATTEMPTS) return { error: 'PORTAL_CODE_LOCKED' as const };
      if (now.toISOString() >= link.otp_expires_at) return { error: 'PORTAL_CODE_EXPIRED' as const };
      const clean = code.replace(/\s/g, '');
      if (!/^\d{6}$/.test(clean) || otpHash(link.token_hash, clean) !== link.otp_hash) {
        const attempts = link.otp_attempts + 1;
        await trx
          .updateTable('notice_links')
          .set({ otp_attempts: attempts })
          .where('token_hash', '=', link.token_hash)
          .execute();
        return attempts >= OTP_MAX_ATTEMPTS
          ? { error: 'PORTAL_CODE_LOCKED' as const }
          : { error: 'PORTAL_CODE_INVALID' as const, left: OTP_MAX_ATTEMPTS - attempts };
      }
      await trx
        .updateTable('notice_links')
        .set({ otp_hash: null, verified_at: now.toISOString() })
        .where('token_hash', '=', link.token_hash)
        .execute();
      await audit.append(trx, [
        {
          actor: 'portal',
          action: NOTICE_EVENTS.portalVerify,
          subjects: [link.customer_id],
          details: { campaignId: link.campaign_id, deliveryId: link.delivery_id },
        },
      ]);
      return { view: await view(trx, link, 'answer') };
    });
    if ('view' in outcome && outcome.view) return outcome.view;
    // The failed attempt is committed before the error is raised.
    const failure = outcome as {
      error: 'PORTAL_CODE_INVALID' | 'PORTAL_CODE_EXPIRED' | 'PORTAL_CODE_LOCKED';
      left?: number;
    };
    throw new AppError(failure.error, { left: failure.left });
  }

  /** Records the customer's answer; the link is used up in the same transaction. */
  async function answer(
    token: string,
    nonce: string,
    value: string,
  ): Promise<{ answer: NoticeAnswer; campaign: NoticeCampaign }> {
    const now = clock.now();
    const { rec, campaign } = await store.transaction(async (trx) => {
      const link = await liveLink(trx, token);
      checkNonce(link, nonce, ['answer']);
      if (!link.verified_at || now.getTime() - Date.parse(link.verified_at) >= VERIFIED_TTL_MS)
        throw new AppError('PORTAL_FORM_STALE');
      const c = await notices.requireCampaign(link.campaign_id, trx);
      const chosen = value as NoticeAnswer;
      if (!allowedAnswers(c.path).includes(chosen))
        throw new AppError('NOTICE_INVALID', { detail: 'this answer is not offered for this notice' });
      const used = await trx
        .updateTable('notice_links')
        .set({ used_at: now.toISOString(), form_nonce_hash: null, form_stage: null })
        .where('token_hash', '=', link.token_hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) throw new AppError('PORTAL_LINK_INVALID');
      const rec = await notices.recordAnswerIn(trx, 'portal', c, {
        customerId: link.customer_id,
        answer: chosen,
        channel: 'portal',
        // Evidence: which link (by its hash) and when the one-time code was verified.
        evidenceHash: sha256Hex(`portal|${link.token_hash}|${link.verified_at}`),
      });
      return { rec, campaign: toCampaign(c) };
    });
    await applyAnswerToConsents(
      { consent: deps.consent, store, orgId },
      portalActor,
      campaign,
      rec,
      `portal:${rec.evidenceHash}`,
    );
    return { answer: rec.answer, campaign };
  }

  /** A fresh form token for a stage (after a wrong or expired code). */
  async function reissue(token: string, stage: 'start' | 'verify'): Promise<PortalView> {
    return store.transaction(async (trx) => view(trx, await liveLink(trx, token), stage));
  }

  return { open, requestCode, verifyCode, answer, reissue };
}
