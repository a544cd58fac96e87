import type { Actor } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { Store } from '../../kernel/store/store.js';
import { assertTransfer } from './transfer-policy.js';
import type { SignedReceipt } from './transfer-types.js';

/** One package this org received (the acquirer's side): who sent it, what it held, when. */
export interface InboundPackage {
  id: string;
  transferId: string;
  seller: { name: string | null; fingerprint: string; counterpartyId: string };
  merkleRoot: string;
  count: number;
  receivedAt: string;
}

/** The received packages and their signed receipts, read back after the upload (transfer.read, as the manifest is). */
export function createInboundService(deps: { store: Store; orgId: string }) {
  const { store, orgId } = deps;

  /** Newest first. */
  async function list(actor: Actor): Promise<InboundPackage[]> {
    assertTransfer(actor, 'read');
    const rows = await store.db
      .selectFrom('transfer_inbound as i')
      .leftJoin('counterparties as c', (j) =>
        j.onRef('c.id', '=', 'i.counterparty_id').on('c.org_id', '=', orgId),
      )
      .select([
        'i.id',
        'i.transfer_id',
        'i.seller_fingerprint',
        'i.counterparty_id',
        'i.merkle_root',
        'i.count',
        'i.received_at',
        'c.name',
      ])
      .where('i.org_id', '=', orgId)
      .orderBy('i.received_at', 'desc')
      .orderBy('i.id', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      transferId: r.transfer_id,
      seller: { name: r.name ?? null, fingerprint: r.seller_fingerprint, counterpartyId: r.counterparty_id },
      merkleRoot: r.merkle_root,
      count: r.count,
      receivedAt: r.received_at,
    }));
  }

  /** The signed receipt (`custodian.transfer-receipt.v1`) as it was given at receipt, unchanged. */
  async function receipt(actor: Actor, id: string): Promise<SignedReceipt> {
    assertTransfer(actor, 'read');
    const row = await store.db
      .selectFrom('transfer_inbound')
      .select('receipt')
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('TRANSFER_INBOUND_NOT_FOUND', { id });
    return JSON.parse(row.receipt) as SignedReceipt;
  }

  return { list, receipt };
}

export type InboundService = ReturnType<typeof createInboundService>;
