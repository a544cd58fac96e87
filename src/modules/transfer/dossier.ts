import type { AuditEvent, ExportedCheckpoint } from '../../kernel/audit/audit-types.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import { assertTransfer } from './transfer-policy.js';
import type { TransferCaseService, TransferDeps } from './transfer-service.js';
import { transferEvent } from './transfer-service.js';
import type { Counterparty, Transfer } from './transfer-types.js';

export interface Dossier {
  format: 'custodian.transfer-dossier.v1';
  transfer: Transfer;
  counterparty: Counterparty | null;
  answers: Record<string, number>;
  /**
   * Customers with evidence of a notice: a notice of the notices module sent or delivered to them, or a
   * delivery recorded by hand (`transfer notice-sent`); each customer once.
   */
  noticesWithEvidence: number | null;
  timeline: AuditEvent[];
  /** Exported after the dossier's own audit event, so it covers every step above. */
  checkpoint: ExportedCheckpoint;
}

/** The evidence file of a transfer (PIPL-REQUIREMENTS §2.2 step 8: keep ≥ 3 years). */
export function createDossier(deps: TransferDeps, cases: Pick<TransferCaseService, 'get' | 'timeline'>) {
  const { store, audit } = deps;

  async function build(actor: Actor, id: string): Promise<Dossier> {
    assertTransfer(actor, 'read');
    const transfer = await cases.get(actor, id);
    const counterparty = transfer.counterpartyId
      ? await deps.identity.counterparty(transfer.counterpartyId)
      : null;
    const answers: Record<string, number> = {};
    const latest = new Map<string, string>();
    for (const a of await deps.answers.answersFor(id)) latest.set(a.customerId, a.answer);
    for (const a of latest.values()) answers[a] = (answers[a] ?? 0) + 1;
    const noticed = deps.answers.noticedCustomers ? await deps.answers.noticedCustomers(id) : null;
    await store.transaction((trx) => transferEvent(trx, audit, actor, 'dossier', id));
    const timeline = await cases.timeline(actor, id);
    const checkpoint = await audit.exportCheckpoint();
    return {
      format: 'custodian.transfer-dossier.v1',
      transfer,
      counterparty,
      answers,
      noticesWithEvidence: noticed ? noticed.length : null,
      timeline,
      checkpoint,
    };
  }

  return { build };
}
