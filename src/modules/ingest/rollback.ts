import { type Actor, assertCan } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { FieldValue } from '../customers/customer-types.js';
import { scopes } from './chunk-writer.js';
import { type IngestDeps, leaseAlive } from './import-runner.js';
import { createIngestRepo } from './ingest-repo.js';
import { deleteBatchIndexInKeyOrder } from './rollback-index.js';
import { createVaultWriter } from './vault-writer.js';

export interface RollbackResult {
  batchId: string;
  status: 'rolled_back' | 'failed';
  /** Customers the batch created, removed. */
  deleted: number;
  /** Existing customers the batch merged into, put back as they were. */
  restored: number;
  /** Merged customers changed by someone since the import: left as they are. */
  keptChanged: number;
  /** Customers of the batch erased since: their erasure record stays. */
  keptErased: number;
}

const PAGE = 500;

/**
 * Undoes a batch: deletes the customers it created (rows, index, purposes, consents), restores the
 * customers it merged into from their sealed before-images, drops its conflicts and quarantine and
 * shreds its data key. Each page is its own audited transaction; running it again continues.
 */
export function createRollback(deps: IngestDeps) {
  const { store, keys, audit, clock, orgId, catalog, consent } = deps;
  const repo = createIngestRepo(orgId);
  const vault = createVaultWriter({ keys, orgId, engine: store.engine, sqlite: store.sqlite, consent });

  return async function rollback(
    actor: Actor,
    batchId: string,
    opts: { failed?: { code: string } } = {},
  ): Promise<RollbackResult> {
    if (!opts.failed) assertCan(actor, 'import', 'run');
    const batch = await repo.getBatch(store.db, batchId);
    if (!batch) throw new AppError('IMPORT_BATCH_NOT_FOUND', { id: batchId });
    if (batch.status === 'rolled_back' || (batch.status === 'failed' && !batch.wrapped_key))
      throw new AppError('IMPORT_BATCH_STATE', {
        id: batchId,
        status: batch.status,
        action: 'rolled back',
        actionZh: '回滚',
      });
    if (
      !opts.failed &&
      batch.status === 'running' &&
      batch.lease_owner &&
      batch.lease_until &&
      Date.parse(batch.lease_until) > clock.now().getTime() &&
      leaseAlive(batch.lease_owner, batchId)
    )
      throw new AppError('IMPORT_BATCH_BUSY', {
        id: batchId,
        owner: batch.lease_owner.split(':').slice(0, 2).join(':'),
      });
    const dependents = await repo.dependents(store.db, batchId);
    if (dependents > 0) throw new AppError('IMPORT_ROLLBACK_BLOCKED', { id: batchId, count: dependents });
    const result: RollbackResult = {
      batchId,
      status: opts.failed ? 'failed' : 'rolled_back',
      deleted: 0,
      restored: 0,
      keptChanged: 0,
      keptErased: 0,
    };
    const at = () => clock.now().toISOString();
    await store.transaction(async (trx) => {
      await repo.updateBatch(trx, batchId, { status: 'rolling_back', updated_at: at() });
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'import.rollback.start',
          details: {
            batchId,
            reason: opts.failed ? 'failed' : 'requested',
            errorCode: opts.failed?.code ?? null,
          },
        },
      ]);
    });

    if (batch.status === 'completed' || batch.status === 'rolling_back') {
      // Published entries: deleted in key order first (SQLite), so the pages below find none left.
      await deleteBatchIndexInKeyOrder(store, orgId, batchId, (trx, entries) =>
        audit.append(trx, [
          { actor: actor.id, action: 'import.rollback.index', details: { batchId, entries } },
        ]),
      );
    }

    // Keyset paging: customers erased since the import stay in the batch and are passed over once.
    let after = '';
    for (;;) {
      const ids = (await repo.batchCustomers(store.db, batchId, PAGE, after)).map((c) => c.id);
      if (ids.length === 0) break;
      after = ids[ids.length - 1] as string;
      await store.transaction(async (trx) => {
        await repo.deleteCustomers(trx, ids);
        await audit.append(trx, [
          {
            actor: actor.id,
            action: 'import.rollback.delete',
            subjects: ids,
            details: { batchId, count: ids.length },
          },
        ]);
      });
      result.deleted += ids.length;
    }

    const defs = await catalog.load();
    for (;;) {
      const merges = await repo.merges(store.db, batchId, 100);
      if (merges.length === 0) break;
      await store.transaction(async (trx) => {
        const loaded = await vault.loadExisting(
          trx,
          merges.map((m) => m.customer_id),
        );
        const restored: string[] = [];
        for (const m of merges) {
          const customer = loaded.get(m.customer_id);
          if (!customer) {
            result.keptErased++;
            continue;
          }
          if (customer.row.updated_at !== m.after_updated_at) {
            result.keptChanged++;
            continue;
          }
          const before = keys.openDocument(
            scopes.before(batchId, m.customer_id),
            customer.dek,
            m.before_sealed,
          ) as {
            values: Record<string, FieldValue>;
            flags: string[];
          };
          await vault.saveExisting(trx, customer, before.values, before.flags, defs, at());
          await vault.removePurposes(trx, m.customer_id, JSON.parse(m.added_purposes));
          restored.push(m.customer_id);
        }
        await repo.deleteMerges(
          trx,
          batchId,
          merges.map((m) => m.customer_id),
        );
        if (restored.length)
          await audit.append(trx, [
            {
              actor: actor.id,
              action: 'customer.update',
              subjects: restored,
              details: { batchId, via: 'import-rollback', count: restored.length },
            },
          ]);
        result.restored += restored.length;
      });
    }

    const erased = await store.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .where('batch_id', '=', batchId)
      .executeTakeFirst();
    result.keptErased += Number(erased?.n ?? 0);
    await store.transaction(async (trx) => {
      await repo.deleteBatchContent(trx, batchId);
      const now = at();
      await repo.updateBatch(trx, batchId, {
        status: result.status,
        // The quarantine's key goes with it: crypto-shredding of anything left behind.
        wrapped_key: null,
        error_code: opts.failed?.code ?? batch.error_code,
        lease_owner: null,
        lease_until: null,
        finished_at: now,
        updated_at: now,
      });
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'import.rollback',
          outcome: 'ok',
          details: { ...result },
        },
      ]);
    });
    await store.purgeSuperseded();
    return result;
  };
}
