import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import type { Logger } from '../../kernel/log/logger.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { ConsentService } from '../consent/consent-service.js';
import { createPortalService, type PortalService } from '../portal/portal-service.js';
import type { EmailSender } from './channels/outcome.js';
import { createSmsGateway, type SmsGateway } from './channels/sms-gateway.js';
import { createSmtpSender } from './channels/smtp-sender.js';
import type { NoticeConfig } from './notice-config.js';
import { createNoticeDocuments, type NoticeDocuments } from './notice-documents.js';
import { createNoticeReceipts, type NoticeReceipts } from './notice-receipts.js';
import { createNoticeRepo } from './notice-repo.js';
import { createNoticeSender, type NoticeSender } from './notice-sender.js';
import { createNoticeService, type NoticeService } from './notice-service.js';
import { createNoticeVault } from './notice-vault.js';
import { createRateLimiter } from './send-window.js';
import { createTransferAnswers, type TransferAnswers } from './transfer-answers.js';

export type { NoticeCampaignInput } from './notice-types.js';
export { createTransferAnswers, type TransferAnswers } from './transfer-answers.js';

export interface NoticesDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append' | 'record'>;
  clock: Clock;
  orgId: string;
  keys: KeyRing;
  logger: Logger;
  consent: Pick<ConsentService, 'record' | 'requirePurposes'>;
  config: NoticeConfig;
  /** Overrides for tests or other providers; by default built from the config. */
  email?: EmailSender | null;
  sms?: SmsGateway | null;
  owner?: string;
  afterProviderAccepted?: (deliveryId: string) => Promise<void>;
}

export interface NoticesModule {
  config: NoticeConfig;
  service: NoticeService;
  sender: NoticeSender;
  receipts: NoticeReceipts;
  documents: NoticeDocuments;
  portal: PortalService;
  transferAnswers: TransferAnswers;
  /** Starts the delivery loop (`serve`); returns its stop function. */
  startLoop(intervalMs?: number): () => Promise<void>;
  close(): void;
}

/** Wires notices and the customer portal over the kernel's store, keys, audit trail and clock. */
export function wireNotices(deps: NoticesDeps): NoticesModule {
  const { store, audit, clock, orgId, keys, logger, consent, config } = deps;
  const repo = createNoticeRepo(orgId);
  const vault = createNoticeVault(keys, orgId);
  const email = deps.email !== undefined ? deps.email : config.smtp ? createSmtpSender(config.smtp) : null;
  const sms = deps.sms !== undefined ? deps.sms : config.sms ? createSmsGateway(config.sms) : null;
  const service = createNoticeService({ store, audit, clock, orgId, repo, vault, consent });
  const sender = createNoticeSender({
    store,
    audit,
    clock,
    orgId,
    repo,
    vault,
    config,
    email,
    sms,
    limiter: createRateLimiter(config.ratePerSecond),
    logger,
    owner: deps.owner ?? `pid-${process.pid}`,
    ...(deps.afterProviderAccepted ? { afterProviderAccepted: deps.afterProviderAccepted } : {}),
  });
  const receipts = createNoticeReceipts({ store, audit, clock, repo, vault });
  const documents = createNoticeDocuments({ store, audit, vault, notices: service, config, clock });
  const portal = createPortalService({
    store,
    audit,
    clock,
    orgId,
    keys,
    vault,
    notices: service,
    consent,
    config,
    email,
    sms,
  });
  return {
    config,
    service,
    sender,
    receipts,
    documents,
    portal,
    transferAnswers: createTransferAnswers({ store, repo }),
    startLoop(intervalMs) {
      const ctl = new AbortController();
      const done = sender.loop(ctl.signal, intervalMs);
      return async () => {
        ctl.abort();
        await done;
      };
    },
    close() {
      email?.close?.();
    },
  };
}
