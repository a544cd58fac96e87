import { createHash } from 'node:crypto';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { Logger } from '../../kernel/log/logger.js';
import type { NoticeDeliveriesTable } from '../../kernel/store/schema.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { EmailSender, SendOutcome } from './channels/outcome.js';
import type { SmsGateway } from './channels/sms-gateway.js';
import type { NoticeConfig } from './notice-config.js';
import { NOTICE_EVENTS } from './notice-events.js';
import type { NoticeRepo } from './notice-repo.js';
import { toCampaign } from './notice-service.js';
import { renderEmail, renderSms, TEMPLATE_VERSION } from './notice-templates.js';
import type { NoticeChannel, SendReport } from './notice-types.js';
import type { NoticeVault } from './notice-vault.js';
import { backoffDelay, inSendWindow, nextWindowOpen } from './send-window.js';

export interface SenderDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
  repo: NoticeRepo;
  vault: NoticeVault;
  config: NoticeConfig;
  email: EmailSender | null;
  sms: SmsGateway | null;
  limiter: { take(provider: string): Promise<void> };
  logger: Logger;
  /** This process's lease name. */
  owner: string;
  /** Test seam: runs after the provider accepted a message and before that is recorded. */
  afterProviderAccepted?: (deliveryId: string) => Promise<void>;
}

export interface SendOptions {
  campaignId?: string | undefined;
  signal?: AbortSignal | undefined;
  batch?: number;
}

export type NoticeSender = ReturnType<typeof createNoticeSender>;

/**
 * The delivery job. Each job is claimed (queued -> sending) in a transaction that also commits the
 * write-ahead audit record; the address is decrypted and the provider called outside any transaction;
 * the result is recorded in a second transaction. A job found in `sending` after its lease ran out was
 * interrupted mid-send: its outcome is unknown, so it is marked failed (`INTERRUPTED`) and never sent
 * again automatically. Nobody receives the same notice twice.
 */
export function createNoticeSender(deps: SenderDeps) {
  const { store, audit, clock, repo, vault, config, logger } = deps;

  function configuredChannels(): NoticeChannel[] {
    const out: NoticeChannel[] = [];
    if (deps.email) out.push('email');
    if (deps.sms) out.push('sms');
    return out;
  }

  async function recoverInterrupted(campaignId: string | null): Promise<number> {
    const now = clock.now().toISOString();
    const stale = await repo.staleSending(store.db, campaignId, now);
    let n = 0;
    for (const d of stale) {
      await store.transaction(async (trx) => {
        const changed = await repo.update(
          trx,
          d.id,
          {
            status: 'failed',
            error_code: 'INTERRUPTED',
            lease_owner: null,
            lease_until: null,
            updated_at: now,
          },
          'sending',
        );
        if (!changed) return;
        n += 1;
        await repo.event(trx, d.id, now, 'interrupted', 'unknown', { owner: d.lease_owner });
        await audit.append(trx, [
          {
            actor: `job:${deps.owner}`,
            action: NOTICE_EVENTS.deliveryResult,
            subjects: [d.customer_id],
            outcome: 'failed',
            details: {
              deliveryId: d.id,
              campaignId: d.campaign_id,
              channel: d.channel,
              error: 'INTERRUPTED',
            },
          },
        ]);
      });
    }
    return n;
  }

  /** A notice whose answer window has closed is pointless (its link no longer works): not sent. */
  async function expireClosed(): Promise<number> {
    const now = clock.now().toISOString();
    return store.transaction(async (trx) => {
      const rows = await repo.expireClosed(trx, now);
      for (const r of rows) await repo.event(trx, r.id, now, 'expire', 'window-closed');
      if (rows.length > 0)
        await audit.append(trx, [
          {
            actor: `job:${deps.owner}`,
            action: NOTICE_EVENTS.deliveryResult,
            subjects: [...new Set(rows.map((r) => r.customer_id))],
            outcome: 'failed',
            details: { error: 'WINDOW_CLOSED', count: rows.length },
          },
        ]);
      return rows.length;
    });
  }

  type Claimed = { row: NoticeDeliveriesTable } | { suppressed: true } | null;

  async function claim(id: string): Promise<Claimed> {
    const now = clock.now();
    return store.transaction(async (trx): Promise<Claimed> => {
      const leaseUntil = new Date(now.getTime() + config.leaseMs).toISOString();
      if (!(await repo.claim(trx, id, deps.owner, now.toISOString(), leaseUntil))) return null;
      const row = (await repo.delivery(trx, id)) as NoticeDeliveriesTable;
      if (row.dest_hash && (await repo.isSuppressed(trx, row.channel, row.dest_hash))) {
        await repo.update(trx, id, {
          status: 'suppressed',
          error_code: 'SUPPRESSED',
          lease_owner: null,
          lease_until: null,
          updated_at: now.toISOString(),
        });
        await repo.event(trx, id, now.toISOString(), 'skip', 'suppressed');
        return { suppressed: true };
      }
      await audit.append(trx, [
        {
          actor: `job:${deps.owner}`,
          action: NOTICE_EVENTS.deliveryClaim,
          purpose: 'notice',
          subjects: [row.customer_id],
          fields: [row.channel === 'email' ? 'email' : 'mobile'],
          details: { deliveryId: id, campaignId: row.campaign_id, channel: row.channel },
        },
      ]);
      return { row };
    });
  }

  /** Decrypts, renders and hands one message to its provider; no transaction is open here. */
  async function deliver(
    row: NoticeDeliveriesTable,
  ): Promise<{ outcome: SendOutcome; evidence: string | null; provider: string }> {
    const campaignRow = await repo.campaign(store.db, row.campaign_id);
    const link = await repo.linkOfDelivery(store.db, row.id);
    const provider =
      row.channel === 'email' ? (deps.email?.provider ?? 'smtp') : (deps.sms?.provider ?? 'sms');
    if (!campaignRow || !link)
      return { outcome: { ok: false, retryable: false, errorCode: 'NO_LINK' }, evidence: null, provider };
    let address: string | null;
    let secret: { token: string; code: string };
    try {
      address = await vault.address(store.db, row.customer_id, row.channel);
      secret = await vault.openLink(store.db, row.customer_id, row.id, link.sealed);
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'VAULT_ERROR';
      return { outcome: { ok: false, retryable: false, errorCode: code }, evidence: null, provider };
    }
    if (!address)
      return { outcome: { ok: false, retryable: false, errorCode: 'NO_ADDRESS' }, evidence: null, provider };
    const vars = {
      facts: toCampaign(campaignRow).facts,
      link: `${config.publicUrl}/portal/t/${secret.token}`,
      shortCode: secret.code,
    };
    await deps.limiter.take(provider);
    if (row.channel === 'email' && deps.email) {
      const mail = renderEmail(vars);
      const evidence = sha256([TEMPLATE_VERSION, mail.subject, mail.text, mail.html]);
      return { outcome: await deps.email.send({ to: address, ...mail, ref: row.id }), evidence, provider };
    }
    if (row.channel === 'sms' && deps.sms && config.sms) {
      const msg = renderSms(vars, config.sms.signName, config.sms.optOutSuffix);
      const evidence = sha256([TEMPLATE_VERSION, msg.text]);
      return { outcome: await deps.sms.send({ to: address, message: msg, ref: row.id }), evidence, provider };
    }
    return {
      outcome: { ok: false, retryable: true, errorCode: 'CHANNEL_UNCONFIGURED' },
      evidence: null,
      provider,
    };
  }

  async function record(
    row: NoticeDeliveriesTable,
    result: { outcome: SendOutcome; evidence: string | null; provider: string },
  ): Promise<'sent' | 'retried' | 'failed'> {
    const now = clock.now();
    const iso = now.toISOString();
    const attempts = row.attempts + 1;
    const o = result.outcome;
    let status: 'sent' | 'retried' | 'failed';
    const set: Partial<NoticeDeliveriesTable> = {
      attempts,
      provider: result.provider,
      lease_owner: null,
      lease_until: null,
      updated_at: iso,
      evidence_hash: result.evidence,
    };
    if (o.ok) {
      status = 'sent';
      Object.assign(set, { status: 'sent', provider_ref: o.providerRef, sent_at: iso, error_code: null });
    } else if (o.retryable && attempts < config.maxAttempts) {
      status = 'retried';
      const next = new Date(now.getTime() + backoffDelay(attempts, config.backoffMs));
      Object.assign(set, { status: 'queued', next_attempt_at: next.toISOString(), error_code: o.errorCode });
    } else {
      status = 'failed';
      Object.assign(set, { status: 'failed', error_code: o.errorCode });
    }
    await store.transaction(async (trx) => {
      await repo.update(trx, row.id, set, 'sending');
      await repo.event(trx, row.id, iso, 'attempt', o.ok ? 'accepted' : o.errorCode, {
        attempt: attempts,
        provider: result.provider,
        ...(o.ok ? { providerRef: o.providerRef } : { retryable: o.retryable }),
      });
      await audit.append(trx, [
        {
          actor: `job:${deps.owner}`,
          action: NOTICE_EVENTS.deliveryResult,
          subjects: [row.customer_id],
          outcome: o.ok ? 'ok' : 'failed',
          details: {
            deliveryId: row.id,
            campaignId: row.campaign_id,
            channel: row.channel,
            attempt: attempts,
            ...(o.ok ? {} : { error: o.errorCode, retry: status === 'retried' }),
          },
        },
      ]);
    });
    return status;
  }

  /** One pass over the due jobs; returns what it did. Outside the send window nothing is sent. */
  async function runOnce(opts: SendOptions = {}): Promise<SendReport> {
    const campaignId = opts.campaignId ?? null;
    const report: SendReport = {
      claimed: 0,
      sent: 0,
      failed: 0,
      retried: 0,
      suppressed: 0,
      interrupted: 0,
      waiting: 0,
    };
    report.interrupted = await recoverInterrupted(campaignId);
    report.failed += await expireClosed();
    const channels = configuredChannels();
    if (inSendWindow(clock.now(), config.window) && channels.length > 0) {
      const ids = await repo.dueIds(
        store.db,
        campaignId,
        clock.now().toISOString(),
        opts.batch ?? 200,
        channels,
      );
      for (const id of ids) {
        if (opts.signal?.aborted) break;
        const claimed = await claim(id);
        if (!claimed) continue;
        report.claimed += 1;
        if ('suppressed' in claimed) {
          report.suppressed += 1;
          continue;
        }
        const result = await deliver(claimed.row);
        if (result.outcome.ok && deps.afterProviderAccepted) await deps.afterProviderAccepted(claimed.row.id);
        const status = await record(claimed.row, result);
        report[status] += 1;
        if (!result.outcome.ok)
          logger.warn(
            { deliveryId: claimed.row.id, code: result.outcome.errorCode },
            'notice delivery failed',
          );
      }
    }
    report.waiting = await repo.waitingCount(store.db, campaignId);
    return report;
  }

  /** Runs passes until nothing is due now (jobs outside the window or backing off stay queued). */
  async function drain(opts: SendOptions = {}): Promise<SendReport & { nextWindowAt: string | null }> {
    const total: SendReport = {
      claimed: 0,
      sent: 0,
      failed: 0,
      retried: 0,
      suppressed: 0,
      interrupted: 0,
      waiting: 0,
    };
    for (;;) {
      const r = await runOnce(opts);
      for (const k of Object.keys(total) as Array<keyof SendReport>) if (k !== 'waiting') total[k] += r[k];
      total.waiting = r.waiting;
      if (r.claimed === 0 || opts.signal?.aborted) break;
    }
    const now = clock.now();
    return {
      ...total,
      nextWindowAt: inSendWindow(now, config.window)
        ? null
        : nextWindowOpen(now, config.window).toISOString(),
    };
  }

  /** The loop `serve` runs: a pass every `intervalMs` until the signal aborts. */
  async function loop(signal: AbortSignal, intervalMs = 5_000): Promise<void> {
    while (!signal.aborted) {
      try {
        await runOnce({ signal });
      } catch (err) {
        logger.error({ code: err instanceof AppError ? err.code : 'INTERNAL' }, 'notice sender pass failed');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, intervalMs);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            resolve();
          },
          { once: true },
        );
      });
    }
  }

  return { runOnce, drain, loop };
}

function sha256(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
