import { timingSafeEqual } from 'node:crypto';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { type Actor, assertCan } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import { NOTICE_EVENTS } from './notice-events.js';
import type { NoticeRepo } from './notice-repo.js';
import type { NoticeChannel } from './notice-types.js';
import type { NoticeVault } from './notice-vault.js';

/** Aliyun SmsReport push item. */
export interface AliyunReport {
  phone_number?: string;
  success?: boolean;
  err_code?: string;
  biz_id?: string;
  out_id?: string;
  report_time?: string;
}

/** Tencent status callback item. */
export interface TencentReport {
  mobile?: string;
  report_status?: string;
  errmsg?: string;
  sid?: string;
}

/** An SMS 上行 reply (Aliyun SmsUp `phone_number`/`content`; Tencent reply `mobile`/`text`). */
export interface SmsReply {
  phone: string;
  text: string;
}

/** Replies that mean “stop sending me messages” (CN-USER-CONVENTIONS §3.1). */
const STOP_WORDS = new Set(['R', 'T', 'TD', 'N', '退订', '拒收']);

export function isStopReply(text: string): boolean {
  return STOP_WORDS.has(
    text
      .trim()
      .toUpperCase()
      .replace(/[。.!！\s]/g, ''),
  );
}

/** Constant-time check of the shared secret the receipt endpoints require. */
export function receiptSecretOk(expected: string | null, given: string | undefined): boolean {
  if (!expected || !given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface ReceiptDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  repo: NoticeRepo;
  vault: NoticeVault;
}

export type NoticeReceipts = ReturnType<typeof createNoticeReceipts>;

/** Delivery receipts, SMS replies and the suppression list. Phone numbers are hashed and dropped. */
export function createNoticeReceipts(deps: ReceiptDeps) {
  const { store, audit, clock, repo, vault } = deps;

  async function applyReceipt(
    provider: 'aliyun' | 'tencent',
    ref: { deliveryId?: string | undefined; providerRef?: string | undefined },
    delivered: boolean,
    code: string,
  ): Promise<boolean> {
    const at = clock.now().toISOString();
    return store.transaction(async (trx) => {
      const d =
        (ref.deliveryId ? await repo.delivery(trx, ref.deliveryId) : undefined) ??
        (ref.providerRef ? await repo.deliveryByRef(trx, ref.providerRef) : undefined);
      if (!d) return false;
      if (d.channel !== 'sms') return false;
      await repo.event(trx, d.id, at, 'receipt', delivered ? 'delivered' : 'failed', { provider, code });
      if (d.status !== 'sent' && d.status !== 'sending') return true;
      await repo.update(
        trx,
        d.id,
        delivered
          ? { status: 'delivered', delivered_at: at, updated_at: at }
          : { status: 'failed', error_code: `RECEIPT_${code}`.slice(0, 64), updated_at: at },
      );
      await audit.append(trx, [
        {
          actor: `gateway:${provider}`,
          action: NOTICE_EVENTS.receipt,
          subjects: [d.customer_id],
          outcome: delivered ? 'ok' : 'failed',
          details: { deliveryId: d.id, campaignId: d.campaign_id, code },
        },
      ]);
      return true;
    });
  }

  async function aliyunReports(items: readonly AliyunReport[]): Promise<number> {
    let n = 0;
    for (const r of items) {
      const ok = r.success === true || r.err_code === 'DELIVERED';
      if (await applyReceipt('aliyun', { deliveryId: r.out_id, providerRef: r.biz_id }, ok, r.err_code ?? ''))
        n += 1;
    }
    return n;
  }

  async function tencentReports(items: readonly TencentReport[]): Promise<number> {
    let n = 0;
    for (const r of items) {
      const ok = r.report_status === 'SUCCESS';
      if (await applyReceipt('tencent', { providerRef: r.sid }, ok, r.errmsg ?? r.report_status ?? ''))
        n += 1;
    }
    return n;
  }

  async function addSuppression(
    actorId: string,
    channel: NoticeChannel,
    destHash: string,
    reason: string,
    source: string,
  ) {
    const at = clock.now().toISOString();
    return store.transaction(async (trx) => {
      const added = await repo.suppress(trx, channel, destHash, reason, source, at);
      if (added)
        await audit.append(trx, [
          { actor: actorId, action: NOTICE_EVENTS.suppress, details: { channel, reason, source } },
        ]);
      return added;
    });
  }

  /** SMS 上行 replies: R/T/TD/N (and 退订) put the number on the suppression list. */
  async function replies(provider: 'aliyun' | 'tencent', items: readonly SmsReply[]): Promise<number> {
    let n = 0;
    for (const r of items) {
      if (!isStopReply(r.text)) continue;
      const hash = vault.destHash('sms', r.phone);
      if (hash && (await addSuppression(`gateway:${provider}`, 'sms', hash, 'reply', provider))) n += 1;
    }
    return n;
  }

  /** An opt-out recorded by staff (the address is hashed at once and not kept). */
  async function suppress(actor: Actor, channel: NoticeChannel, address: string, reason = 'opt-out') {
    assertCan(actor, 'notice', 'manage');
    const hash = vault.destHash(channel, address);
    if (!hash) throw new AppError('NOTICE_INVALID', { detail: `not a valid ${channel} address` });
    const added = await addSuppression(actor.id, channel, hash, reason, 'staff');
    return { channel, added };
  }

  return { aliyunReports, tencentReports, replies, suppress };
}
