import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import type { Trx } from '../../kernel/store/store.js';
import type { AnswerKind, TransferAnswer } from './answers-port.js';
import { classify } from './readiness.js';
import { hasTag, loadPage, loadPurposes } from './scope-reader.js';
import type { TransferRepo } from './transfer-repo.js';
import type { Transfer } from './transfer-types.js';

export interface MembershipCounts {
  transfer: number;
  delete: number;
  retain: number;
  byReason: Record<string, number>;
}

/**
 * Freezes who is handed over, deleted or left alone (PIPL-REQUIREMENTS §2.2 step 5 "scope split"),
 * replacing any earlier split of the same transfer, so a rebuilt package never holds a customer twice.
 * - past retention: delete, never transfer;
 * - an answer `delete` (any path) or `object`/`withdraw`/`refuse` (path B, D): delete;
 * - path C: only customers who gave separate consent (answer `consent`) move; the rest stay with the
 *   seller, untouched (PIPL Art. 23);
 * - path D: everyone is deleted (or restricted at completion under a legal-obligation rule);
 * - a contact moves only with its company.
 */
export async function freezeMembers(
  trx: Trx,
  deps: { keys: KeyRing; orgId: string; repo: TransferRepo },
  t: Transfer,
  answers: readonly TransferAnswer[],
  now: Date,
): Promise<MembershipCounts> {
  const latest = new Map<string, AnswerKind>();
  for (const a of answers) latest.set(a.customerId, a.answer);
  const purposes = await loadPurposes(trx, deps.orgId);
  await trx.deleteFrom('transfer_members').where('transfer_id', '=', t.id).execute();
  const counts: MembershipCounts = { transfer: 0, delete: 0, retain: 0, byReason: {} };
  const bump = (reason: string) => {
    counts.byReason[reason] = (counts.byReason[reason] ?? 0) + 1;
  };
  const movedCompanies = new Set<string>();
  let seq = 0;
  for await (const rows of deps.repo.scopePages(trx, t.scope)) {
    const page = await loadPage(trx, deps.keys, deps.orgId, rows, t.scope.tag ? ['L2'] : []);
    const members: Array<{
      transfer_id: string;
      customer_id: string;
      org_id: string;
      seq: number;
      disposition: 'transfer' | 'delete' | 'retain';
      done_at: null;
    }> = [];
    for (const c of page) {
      if (!hasTag(c.values, t.scope.tag)) continue;
      const answer = latest.get(c.row.id);
      let disposition: 'transfer' | 'delete' | 'retain' = 'transfer';
      const expired = classify(c, { now, purposes, sensitiveFields: [] }).includes('past-retention');
      if (t.path === 'D') disposition = 'delete';
      else if (expired) {
        disposition = 'delete';
        bump('past-retention');
      } else if (answer === 'delete') {
        disposition = 'delete';
        bump('answer-delete');
      } else if (t.path === 'C' && answer !== 'consent') {
        disposition = 'retain';
        bump(answer ? `answer-${answer}` : 'no-separate-consent');
      } else if (answer === 'object' || answer === 'withdraw' || answer === 'refuse') {
        disposition = 'delete';
        bump(`answer-${answer}`);
      } else if (c.row.kind === 'contact' && c.row.parent_id && !movedCompanies.has(c.row.parent_id)) {
        disposition = 'retain';
        bump('company-not-transferred');
      }
      if (disposition === 'transfer' && c.row.kind === 'company') movedCompanies.add(c.row.id);
      counts[disposition] += 1;
      seq += 1;
      members.push({
        transfer_id: t.id,
        customer_id: c.row.id,
        org_id: deps.orgId,
        seq,
        disposition,
        done_at: null,
      });
    }
    for (let i = 0; i < members.length; i += 500)
      await trx
        .insertInto('transfer_members')
        .values(members.slice(i, i + 500))
        .execute();
  }
  return counts;
}
