import { sql } from 'kysely';
import { customerScopeFilter, type DataScope } from '../../kernel/authz/data-scope.js';
import { inParts } from '../../kernel/store/in-parts.js';
import { orgIndexNumber } from '../../kernel/store/org-index-number.js';
import type {
  CustomersTable,
  ImportBatchesTable,
  ImportConflictsTable,
  ImportMergesTable,
  ImportQuarantineTable,
} from '../../kernel/store/schema.js';
import type { Db, Trx } from '../../kernel/store/store.js';
import { deleteIndexOf, indexKeysOf } from '../customers/customer-index.js';
import type { IndexKey } from './dedupe-keys.js';

type Handle = Db | Trx;

export type CandidateRow = Pick<CustomersTable, 'id' | 'kind' | 'status' | 'parent_id' | 'batch_id'>;

const IN_LIST = 900;

/** Kysely queries of the ingest module; writes take the transaction handle. */
export function createIngestRepo(orgId: string) {
  const orgNo = orgIndexNumber(orgId);
  return {
    async insertBatch(trx: Trx, row: ImportBatchesTable): Promise<void> {
      await trx.insertInto('import_batches').values(row).execute();
    },

    async getBatch(db: Handle, id: string): Promise<ImportBatchesTable | undefined> {
      return db
        .selectFrom('import_batches')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async unfinishedFor(db: Handle, sha256: string): Promise<ImportBatchesTable | undefined> {
      return db
        .selectFrom('import_batches')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('file_sha256', '=', sha256)
        .where('status', '=', 'running')
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
    },

    async updateBatch(trx: Trx, id: string, patch: Partial<ImportBatchesTable>): Promise<void> {
      await trx
        .updateTable('import_batches')
        .set(patch)
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
    },

    async listBatches(db: Handle, limit: number): Promise<ImportBatchesTable[]> {
      return db
        .selectFrom('import_batches')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
    },

    /** Blind-index entries matching any of `keys` (field and hash both equal). */
    async lookupIndex(
      db: Handle,
      keys: readonly IndexKey[],
    ): Promise<Array<IndexKey & { customerId: string }>> {
      const out: Array<IndexKey & { customerId: string }> = [];
      // One field per query: with IN lists on both field and hash, SQLite probes every combination.
      const byField = new Map<string, Map<string, Buffer>>();
      for (const k of keys) {
        let hashes = byField.get(k.field);
        if (!hashes) {
          hashes = new Map();
          byField.set(k.field, hashes);
        }
        hashes.set(k.hash.toString('latin1'), k.hash);
      }
      for (const [field, hashes] of byField) {
        for (const part of inParts([...hashes.values()], IN_LIST)) {
          const rows = await db
            .selectFrom('blind_index')
            .select(['hash', 'customer_id'])
            .where('org_no', '=', orgNo)
            .where('field', '=', field)
            .where('hash', 'in', part)
            .execute();
          for (const r of rows) out.push({ field, hash: Buffer.from(r.hash), customerId: r.customer_id });
        }
      }
      return out;
    },

    /**
     * The index rows, live or still pending, of the given customers that equal one of `wanted`: confirms
     * pending-key candidates, and checks the name half of mobile+name identities.
     */
    async indexRowsOf(
      db: Handle,
      ids: readonly string[],
      wanted: readonly IndexKey[],
    ): Promise<Array<IndexKey & { customerId: string }>> {
      const want = new Set(wanted.map((k) => `${k.field}|${k.hash.toString('latin1')}`));
      const out: Array<IndexKey & { customerId: string }> = [];
      // From the keys each customer's row records: one primary-key probe a customer, pending or not.
      for (const [customerId, held] of await indexKeysOf(db, ids)) {
        if (held.orgId !== orgId) continue;
        for (const k of held.keys)
          if (want.has(`${k.field}|${k.hash.toString('latin1')}`))
            out.push({ field: k.field, hash: k.hash, customerId });
      }
      return out;
    },

    async candidates(db: Handle, ids: readonly string[]): Promise<CandidateRow[]> {
      const out: CandidateRow[] = [];
      for (const part of inParts([...new Set(ids)], IN_LIST)) {
        // By id alone, org checked here: with the org condition in SQL, SQLite picks an index led by
        // org_id and scans the whole org instead of probing the primary key.
        const rows = await db
          .selectFrom('customers')
          .select(['id', 'org_id', 'kind', 'status', 'parent_id', 'batch_id'])
          .where('id', 'in', part)
          .execute();
        for (const { org_id, ...row } of rows) if (org_id === orgId) out.push(row);
      }
      return out;
    },

    /** Which of `ids` the scope reaches (own/team actors may not merge into others' customers). */
    async inScope(db: Handle, ids: readonly string[], scope: DataScope): Promise<Set<string> | null> {
      if (scope.kind === 'all') return null;
      const out = new Set<string>();
      for (const part of inParts([...new Set(ids)], IN_LIST)) {
        const rows = await db
          .selectFrom('customers')
          .select('customers.id')
          .where('customers.org_id', '=', orgId)
          .where('customers.id', 'in', part)
          .where(customerScopeFilter(scope, orgId))
          .execute();
        for (const r of rows) out.add(r.id);
      }
      return out;
    },

    async insertQuarantine(trx: Trx, rows: ImportQuarantineTable[]): Promise<void> {
      for (const part of inParts(rows, 500)) await trx.insertInto('import_quarantine').values(part).execute();
    },

    async insertConflicts(trx: Trx, rows: ImportConflictsTable[]): Promise<void> {
      for (const part of inParts(rows, 500)) await trx.insertInto('import_conflicts').values(part).execute();
    },

    async mergedAlready(trx: Trx, batchId: string, ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await trx
        .selectFrom('import_merges')
        .select('customer_id')
        .where('batch_id', '=', batchId)
        .where('customer_id', 'in', [...ids])
        .execute();
      return new Set(rows.map((r) => r.customer_id));
    },

    async insertMerge(trx: Trx, row: ImportMergesTable): Promise<void> {
      await trx.insertInto('import_merges').values(row).execute();
    },

    async touchMerge(
      trx: Trx,
      batchId: string,
      customerId: string,
      at: string,
      addedPurposes?: string,
    ): Promise<void> {
      await trx
        .updateTable('import_merges')
        .set(
          addedPurposes ? { after_updated_at: at, added_purposes: addedPurposes } : { after_updated_at: at },
        )
        .where('batch_id', '=', batchId)
        .where('customer_id', '=', customerId)
        .execute();
    },

    async merges(db: Handle, batchId: string, limit: number): Promise<ImportMergesTable[]> {
      return db
        .selectFrom('import_merges')
        .selectAll()
        .where('batch_id', '=', batchId)
        .orderBy('customer_id')
        .limit(limit)
        .execute();
    },

    async deleteMerges(trx: Trx, batchId: string, ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      await trx
        .deleteFrom('import_merges')
        .where('batch_id', '=', batchId)
        .where('customer_id', 'in', [...ids])
        .execute();
    },

    async merge(db: Handle, batchId: string, customerId: string): Promise<ImportMergesTable | undefined> {
      return db
        .selectFrom('import_merges')
        .selectAll()
        .where('batch_id', '=', batchId)
        .where('customer_id', '=', customerId)
        .executeTakeFirst();
    },

    async quarantine(
      db: Handle,
      batchId: string,
      opts: { status?: string | undefined; limit: number; afterSeq?: number | undefined },
    ): Promise<ImportQuarantineTable[]> {
      let q = db
        .selectFrom('import_quarantine')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('batch_id', '=', batchId);
      if (opts.status) q = q.where('status', '=', opts.status as ImportQuarantineTable['status']);
      if (opts.afterSeq !== undefined) q = q.where('seq', '>', opts.afterSeq);
      return q.orderBy('seq').limit(opts.limit).execute();
    },

    async quarantineRows(db: Handle, batchId: string, row: number): Promise<ImportQuarantineTable[]> {
      return db
        .selectFrom('import_quarantine')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('batch_id', '=', batchId)
        .where('row_number', '=', row)
        .execute();
    },

    async quarantineStatusCounts(db: Handle, batchId: string): Promise<Record<string, number>> {
      const rows = await db
        .selectFrom('import_quarantine')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('batch_id', '=', batchId)
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },

    async updateQuarantine(
      trx: Trx,
      batchId: string,
      seq: number,
      patch: Partial<ImportQuarantineTable>,
    ): Promise<void> {
      await trx
        .updateTable('import_quarantine')
        .set(patch)
        .where('batch_id', '=', batchId)
        .where('seq', '=', seq)
        .execute();
    },

    async conflictsOf(db: Handle, batchId: string): Promise<ImportConflictsTable[]> {
      return db.selectFrom('import_conflicts').selectAll().where('batch_id', '=', batchId).execute();
    },

    /**
     * Live customers the batch created after `after`, a page in id order (an index range: migration
     * 009), with the search-index keys each one's row records.
     */
    batchCustomers(
      db: Handle,
      batchId: string,
      limit: number,
      after = '',
    ): Promise<Array<Pick<CustomersTable, 'id' | 'index_keys'>>> {
      return db
        .selectFrom('customers')
        .select(['id', 'index_keys'])
        .where('org_id', '=', orgId)
        .where('batch_id', '=', batchId)
        .where('id', '>', after)
        .where('status', '!=', 'erased')
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    /** Customers outside the batch whose company the batch created. */
    async dependents(db: Handle, batchId: string): Promise<number> {
      const row = await db
        .selectFrom('customers as c')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('c.org_id', '=', orgId)
        .where('c.status', '!=', 'erased')
        .where((eb) => eb.or([eb('c.batch_id', 'is', null), eb('c.batch_id', '!=', batchId)]))
        .where('c.parent_id', 'in', (eb) =>
          eb.selectFrom('customers').select('id').where('org_id', '=', orgId).where('batch_id', '=', batchId),
        )
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /** Removes customers outright (rollback of their creation): rows, index, purposes, consents. */
    async deleteCustomers(trx: Trx, ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      const list = [...ids];
      await trx.deleteFrom('import_conflicts').where('customer_id', 'in', list).execute();
      await trx.deleteFrom('customer_public').where('customer_id', 'in', list).execute();
      await deleteIndexOf(trx, list);
      await trx.deleteFrom('customer_purposes').where('customer_id', 'in', list).execute();
      await trx.deleteFrom('consents').where('customer_id', 'in', list).execute();
      // The org check as an expression: a plain org_id term made SQLite's DELETE walk the org's
      // entries in an org-led index instead of probing the primary key (20 ms a page at 200k).
      await trx
        .deleteFrom('customers')
        .where(sql`(org_id || '')`, '=', orgId)
        .where('id', 'in', list)
        .execute();
    },

    async deleteBatchContent(trx: Trx, batchId: string): Promise<void> {
      await trx.deleteFrom('import_conflicts').where('batch_id', '=', batchId).execute();
      await trx.deleteFrom('import_merges').where('batch_id', '=', batchId).execute();
      await trx.deleteFrom('import_quarantine').where('batch_id', '=', batchId).execute();
    },
  };
}

export type IngestRepo = ReturnType<typeof createIngestRepo>;
