import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { CustomerService } from '../customers/customer-service.js';
import type { FieldDef } from '../customers/customer-types.js';
import { createLocalTransferAnswers, mergeTransferAnswers, type TransferAnswers } from './answers-port.js';
import type { NoticeCampaigns } from './campaign-port.js';
import { createCloseOut } from './close-out.js';
import { createDossier } from './dossier.js';
import { createDueDiligence } from './due-diligence.js';
import { createInboundService } from './inbound.js';
import { createOrgIdentityService } from './org-identity.js';
import { createPackageBuilder } from './package-builder.js';
import { createPackageReceiver } from './package-receiver.js';
import { createTransferCampaigns } from './transfer-campaign.js';
import { createTransferCaseService } from './transfer-service.js';

export interface TransferModuleDeps {
  store: Store;
  keys: KeyRing;
  audit: Pick<AuditTrail, 'append' | 'query' | 'exportCheckpoint'>;
  clock: Clock;
  orgId: string;
  orgName: string;
  catalog: { load(): Promise<Map<string, FieldDef>>; invalidate(): void };
  customers: Pick<CustomerService, 'erase'>;
  /** The kernel's erasure journal: with it, close-out shreds in batches (see batch-erase.ts). */
  journalErasure?: Kernel['journalErasure'] | undefined;
  /** The notices module's answers (`answersFor`, `noticeEvidence`); a table-backed default otherwise. */
  answers?: TransferAnswers | undefined;
  /** The notices module's campaigns (`app.notices.service`): notices over a case's own scope. */
  campaigns?: NoticeCampaigns | undefined;
}

export type TransferModule = ReturnType<typeof createTransferModule>;

/** Wires the transfer module: org identity, case, due diligence, package, receive, close-out, dossier. */
export function createTransferModule(d: TransferModuleDeps) {
  const identity = createOrgIdentityService(d);
  const localAnswers = createLocalTransferAnswers(d);
  const answers = d.answers ? mergeTransferAnswers(d.answers, localAnswers) : localAnswers;
  const deps = { ...d, identity, localAnswers, answers };
  const cases = createTransferCaseService(deps);
  return {
    identity,
    localAnswers,
    cases,
    campaigns: createTransferCampaigns(deps, cases),
    inbound: createInboundService(deps),
    dd: createDueDiligence(deps),
    packages: createPackageBuilder(deps),
    receiver: createPackageReceiver(deps),
    closeOut: createCloseOut(deps),
    dossier: createDossier(deps, cases),
  };
}
