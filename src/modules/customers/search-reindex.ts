import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { type Actor, assertCan } from '../../kernel/authz/permissions.js';
import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { Store, Trx } from '../../kernel/store/store.js';
import { catalogValues, decodeGrades, indexRowsOf, publicValuesByCustomer } from './customer-codec.js';
import { createCustomerRepo } from './customer-repo.js';
import type { FieldDef } from './customer-types.js';
import type { FieldCatalog } from './field-catalog.js';
import { unpackIndexKeys } from './index-keys.js';

export interface SearchReindexDeps {
  store: Store;
  keys: KeyRing;
  audit: Pick<AuditTrail, 'append'>;
  orgId: string;
  catalog: FieldCatalog;
}

export interface ReindexResult {
  /** Customers whose values were opened and their entries recomputed. */
  customers: number;
  /** Of those, the ones whose entries differed and were replaced. */
  changed: number;
}

/**
 * Rebuilds the search index (blind indexes) from the customers' values. An entry is a keyed hash of a
 * value's search form, so when the search form changes (names folded to simplified characters, ADR
 * 0017) the entries written before no longer match what a lookup computes. Lookups still try the old
 * form of a name; this command brings the entries themselves up to date, so a customer written in
 * traditional characters is found in simplified ones too.
 *
 * It opens every active customer's values, so it needs the same permission as rotating the keys, and
 * each batch's customers are audited as read. Batches commit one at a time: an interrupted rebuild is
 * run again and finds less to change. A customer whose entries already match is left alone.
 */
/** Whether two lists of a customer's index keys hold the same entries, in whatever order they were written. */
function sameEntries(
  a: ReadonlyArray<{ field: string; hash: Uint8Array }>,
  b: ReadonlyArray<{ field: string; hash: Uint8Array }>,
): boolean {
  if (a.length !== b.length) return false;
  const entry = (k: { field: string; hash: Uint8Array }) =>
    `${k.field}:${Buffer.from(k.hash).toString('hex')}`;
  const held = new Set(b.map(entry));
  return a.every((k) => held.has(entry(k)));
}

export function createSearchReindex(deps: SearchReindexDeps) {
  const { store, keys, audit, orgId, catalog } = deps;
  const repo = createCustomerRepo(orgId, store.engine);

  /** A bulk load still publishing its entries would publish them over the rebuilt ones. */
  async function refuseUnfinishedLoads(): Promise<void> {
    const running = await store.db
      .selectFrom('import_batches')
      .select(['id', 'status'])
      .where('org_id', '=', orgId)
      .where('status', 'in', ['running', 'rolling_back'])
      .executeTakeFirst();
    if (running) throw new AppError('SEARCH_INDEX_BUSY', { id: running.id, status: running.status });
    const pending = await store.db
      .selectFrom('blind_index_pending')
      .select('batch_id')
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (pending) throw new AppError('SEARCH_INDEX_BUSY', { id: pending.batch_id, status: 'pending' });
  }

  /** One batch: the next `size` ids after `after`, of which this org's active customers are opened. */
  async function reindexBatch(
    trx: Trx,
    actor: Actor,
    after: string,
    size: number,
    defs: ReadonlyMap<string, FieldDef>,
  ): Promise<{ last: string | null; opened: number; changed: number }> {
    // The page by the primary key alone, its rows filtered here: given any condition on the org as well,
    // SQLite (which keeps no statistics here) walks an org index over all the org's customers instead,
    // batch after batch.
    const page = (
      await trx
        .selectFrom('customers')
        .select('id')
        .where('id', '>', after)
        .orderBy('id')
        .limit(size)
        .execute()
    ).map((r) => r.id);
    const last = page[page.length - 1];
    if (last === undefined) return { last: null, opened: 0, changed: 0 };
    // A load that started since the check before the batches keeps its entries until it publishes them.
    const loading = new Set(
      (
        await trx
          .selectFrom('import_batches')
          .select('id')
          .where('org_id', '=', orgId)
          .where('status', 'in', ['running', 'rolling_back'])
          .execute()
      ).map((b) => b.id),
    );
    const rows = (await trx.selectFrom('customers').selectAll().where('id', 'in', page).execute()).filter(
      (r) =>
        r.org_id === orgId &&
        r.status === 'active' &&
        r.wrapped_dek !== null &&
        (r.batch_id === null || !loading.has(r.batch_id)),
    );
    if (rows.length === 0) return { last, opened: 0, changed: 0 };
    const ids = rows.map((r) => r.id);
    const publicValues = publicValuesByCustomer(await repo.publicValues(trx, ids));
    const replaced = new Map<string, ReturnType<typeof indexRowsOf>>();
    for (const row of rows) {
      const { values } = decodeGrades(keys, row, ['L2', 'L3', 'L4']);
      Object.assign(values, publicValues.get(row.id));
      const entries = indexRowsOf(keys, row.id, catalogValues(defs, values));
      if (!sameEntries(entries, unpackIndexKeys(row.index_keys))) replaced.set(row.id, entries);
    }
    await repo.replaceIndex(trx, replaced);
    await audit.append(trx, [
      {
        actor: actor.id,
        action: 'customer.reindex',
        subjects: ids,
        fields: [...defs.values()].filter((d) => d.searchable).map((d) => d.key),
        details: { count: ids.length, changed: replaced.size },
      },
    ]);
    return { last, opened: ids.length, changed: replaced.size };
  }

  return {
    async rebuild(
      actor: Actor,
      opts: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
    ): Promise<ReindexResult> {
      assertCan(actor, 'keys', 'rotate');
      const size = opts.batchSize ?? 1000;
      if (!Number.isInteger(size) || size < 1 || size > 10_000)
        throw new AppError('VALIDATION_FAILED', { detail: '--batch-size must be 1–10000' });
      await refuseUnfinishedLoads();
      const counted = await store.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .where('status', '=', 'active')
        .executeTakeFirstOrThrow();
      const total = Number(counted.n);
      // Loaded before the batches: inside one, a query outside its transaction would wait for the
      // connection the transaction holds (SQLite has one).
      const defs = await catalog.load();
      let after = '';
      const result: ReindexResult = { customers: 0, changed: 0 };
      for (;;) {
        const batch = await store.transaction((trx) => reindexBatch(trx, actor, after, size, defs));
        if (batch.last === null) break;
        after = batch.last;
        result.customers += batch.opened;
        result.changed += batch.changed;
        opts.onProgress?.(result.customers, total);
      }
      return result;
    },
  };
}

export type SearchReindex = ReturnType<typeof createSearchReindex>;
