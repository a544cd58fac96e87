import { AppError } from '../../kernel/errors/app-error.js';
import type { CustomersTable, TransfersTable } from '../../kernel/store/schema.js';
import type { Db, Trx } from '../../kernel/store/store.js';
import type { Transfer, TransferScope } from './transfer-types.js';

type Handle = Db | Trx;

export function rowToTransfer(r: TransfersTable): Transfer {
  return {
    id: r.id,
    name: r.name,
    path: r.path,
    status: r.status as Transfer['status'],
    counterpartyId: r.counterparty_id,
    scope: JSON.parse(r.scope) as TransferScope,
    fields: JSON.parse(r.fields) as string[],
    l4Reason: r.l4_reason,
    noticeDays: r.notice_days,
    plannedDate: r.planned_date,
    noticeStartedAt: r.notice_started_at,
    accepted: JSON.parse(r.accepted) as Transfer['accepted'],
    readiness: r.readiness ? (JSON.parse(r.readiness) as Transfer['readiness']) : null,
    manifest: r.manifest ? (JSON.parse(r.manifest) as Transfer['manifest']) : null,
    receipt: r.receipt ? (JSON.parse(r.receipt) as Transfer['receipt']) : null,
    certificate: r.certificate ? (JSON.parse(r.certificate) as Transfer['certificate']) : null,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const KIND_ORDER: Record<string, number> = { company: 0, individual: 1, contact: 2 };

/** Kysely queries of the transfer module; writes take the transaction handle. */
export function createTransferRepo(orgId: string) {
  async function get(db: Handle, id: string): Promise<Transfer> {
    const row = await db
      .selectFrom('transfers')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('TRANSFER_NOT_FOUND', { id });
    return rowToTransfer(row);
  }

  async function update(trx: Trx, id: string, set: Partial<TransfersTable>): Promise<void> {
    await trx.updateTable('transfers').set(set).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  /**
   * Live customers in a transfer's scope, a page at a time in id order (companies first so that a
   * contact always follows its company). Tag filtering needs the L2 blob: the caller does it.
   */
  async function* scopePages(
    db: Handle,
    scope: TransferScope,
    pageSize = 1000,
  ): AsyncGenerator<CustomersTable[]> {
    const kinds = scope.kind ? [scope.kind] : ['company', 'individual', 'contact'];
    kinds.sort((a, b) => (KIND_ORDER[a] ?? 9) - (KIND_ORDER[b] ?? 9));
    for (const kind of kinds) {
      let cursor = '';
      for (;;) {
        // Walk the primary key (id > cursor): an org_id predicate would make SQLite scan the org's
        // index and sort it for every page (quadratic). Other orgs' rows are dropped below.
        let sel = db
          .selectFrom('customers')
          .selectAll()
          .where('status', '=', 'active')
          .where('kind', '=', kind as CustomersTable['kind'])
          .where('id', '>', cursor);
        if (scope.owner) sel = sel.where('owner_id', '=', scope.owner);
        const purpose = scope.purpose;
        if (purpose)
          sel = sel.where(({ exists, selectFrom }) =>
            exists(
              selectFrom('customer_purposes as cp')
                .select('cp.customer_id')
                .whereRef('cp.customer_id', '=', 'customers.id')
                .where('cp.purpose_key', '=', purpose),
            ),
          );
        const rows = await sel.orderBy('id').limit(pageSize).execute();
        if (rows.length === 0) break;
        const own = rows.filter((r) => r.org_id === orgId);
        if (own.length) yield own;
        cursor = (rows[rows.length - 1] as CustomersTable).id;
        if (rows.length < pageSize) break;
      }
    }
  }

  /** Members of a frozen transfer in package order, a page at a time. */
  async function* memberPages(
    db: Handle,
    transferId: string,
    dispositions: ReadonlyArray<'transfer' | 'delete' | 'retain'>,
    pageSize = 500,
  ): AsyncGenerator<
    Array<{ customer_id: string; seq: number; disposition: string; done_at: string | null }>
  > {
    let after = -1;
    for (;;) {
      const rows = await db
        .selectFrom('transfer_members')
        .select(['customer_id', 'seq', 'disposition', 'done_at'])
        .where('transfer_id', '=', transferId)
        .where('disposition', 'in', [...dispositions])
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(pageSize)
        .execute();
      if (rows.length === 0) return;
      yield rows;
      after = (rows[rows.length - 1] as { seq: number }).seq;
      if (rows.length < pageSize) return;
    }
  }

  return { get, update, scopePages, memberPages };
}

export type TransferRepo = ReturnType<typeof createTransferRepo>;
