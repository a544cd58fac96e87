import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import { insertRows } from '../../kernel/store/bulk-insert.js';
import { CONSENT_COLUMNS } from '../../kernel/store/columns.js';
import type { CustomersTable } from '../../kernel/store/schema.js';
import type { Engine, Store, Trx } from '../../kernel/store/store.js';
import type { ConsentService } from '../consent/consent-service.js';
import type { Purpose } from '../consent/consent-types.js';
import {
  type BlindIndexFn,
  catalogValues,
  decodeGrades,
  type EncodedCustomer,
  encodeCustomer,
} from '../customers/customer-codec.js';
import { createCustomerRepo, type NewCustomerRow } from '../customers/customer-repo.js';
import type { CustomerKind, FieldDef, FieldValue } from '../customers/customer-types.js';
import { publishBatchIndex } from '../customers/pending-index.js';

/**
 * Writes customers inside the caller's transaction, so an import chunk commits its customers together
 * with its progress. It follows the customer service's createMany/update rules (catalog-normalised
 * values, per-customer key, grade blobs, blind indexes, purposes, consent at creation) using the
 * customers module's codec and repository; see docs/adr/0007-import-batches.md for why it is not
 * `customers.createMany`.
 */

export interface NewCustomer {
  id: string;
  dek: Buffer;
  kind: CustomerKind;
  values: Record<string, FieldValue>;
  flags: Set<string>;
  companyId: string | null;
  /** Its values sealed ahead (by the chunk producer) while they are still the row's own. */
  sealed?: EncodedCustomer | undefined;
}

/** A valid row sealed ahead as the new customer it would become: its id, key and sealed values. */
export interface PreSealed {
  id: string;
  dek: Buffer;
  enc: EncodedCustomer;
}

export interface ExistingCustomer {
  row: CustomersTable;
  dek: Buffer;
  /** All grades, L1 included. */
  values: Record<string, FieldValue>;
  purposes: string[];
}

export interface VaultWriterDeps {
  keys: KeyRing;
  orgId: string;
  engine: Engine;
  /** The raw SQLite connection (SQLite only): publishing reads the rows' keys through a function on it. */
  sqlite: Store['sqlite'];
  consent: Pick<ConsentService, 'consentRowsAtCreation'>;
}

export type VaultWriter = ReturnType<typeof createVaultWriter>;

export function createVaultWriter(deps: VaultWriterDeps) {
  const { keys, orgId, consent } = deps;
  const repo = createCustomerRepo(orgId, deps.engine);

  /**
   * Inserts new customers with their purposes and, for consent-based purposes, a consent record. With
   * `deferIndex` their index keys stay in their rows until the batch completes (publishPending). The
   * keys are returned so the batch can match later rows against them.
   */
  async function insertNew(
    trx: Trx,
    customers: readonly NewCustomer[],
    ctx: {
      catalog: ReadonlyMap<string, FieldDef>;
      purposes: readonly Purpose[];
      source: string;
      batchId: string;
      actorId: string;
      ownerId: string | null;
      now: string;
      blindIndex?: BlindIndexFn;
      /** Search entries left to publishPending (a running batch) instead of written now. */
      deferIndex: boolean;
    },
  ): Promise<Array<{ field: string; hash: Buffer; customer_id: string }>> {
    if (customers.length === 0) return [];
    const rows: NewCustomerRow[] = [];
    const publicRows: Parameters<typeof repo.insertMany>[2] = [];
    const indexRows: Parameters<typeof repo.insertMany>[3] = [];
    const purposeRows: Parameters<typeof repo.insertMany>[4] = [];
    const consentRows: ReturnType<ConsentService['consentRowsAtCreation']> = [];
    for (const c of customers) {
      const enc =
        c.sealed ?? encodeCustomer(keys, c.id, catalogValues(ctx.catalog, c.values), c.dek, ctx.blindIndex);
      rows.push({
        id: c.id,
        org_id: orgId,
        kind: c.kind,
        status: 'active',
        parent_id: c.kind === 'contact' ? c.companyId : null,
        wrapped_dek: enc.wrappedDek,
        key_version: enc.keyVersion,
        blob_l2: enc.blobs.L2,
        blob_l3: enc.blobs.L3,
        blob_l4: enc.blobs.L4,
        owner_id: ctx.ownerId,
        source: ctx.source,
        batch_id: ctx.batchId,
        flags: JSON.stringify([...c.flags].sort()),
        created_at: ctx.now,
        updated_at: ctx.now,
        erased_at: null,
      });
      publicRows.push(...enc.publicRows);
      indexRows.push(...enc.indexRows);
      for (const p of ctx.purposes)
        purposeRows.push({ org_id: orgId, customer_id: c.id, purpose_key: p.key, added_at: ctx.now });
      consentRows.push(...consent.consentRowsAtCreation(c.id, ctx.purposes, ctx.actorId, 'import'));
    }
    await repo.insertMany(trx, rows, publicRows, indexRows, purposeRows, { deferIndex: ctx.deferIndex });
    await insertRows(deps.engine, trx, 'consents', CONSENT_COLUMNS, consentRows);
    return indexRows;
  }

  /** Loads and opens existing customers (every grade) inside the transaction. */
  async function loadExisting(trx: Trx, ids: readonly string[]): Promise<Map<string, ExistingCustomer>> {
    const out = new Map<string, ExistingCustomer>();
    if (ids.length === 0) return out;
    const [rows, publicRows, purposeRows] = await Promise.all([
      repo.getRows(trx, ids),
      repo.publicValues(trx, ids),
      repo.purposesOf(trx, ids),
    ]);
    for (const row of rows) {
      if (row.status !== 'active' || !row.wrapped_dek) continue;
      const decoded = decodeGrades(keys, row, ['L2', 'L3', 'L4']);
      out.set(row.id, { row, dek: decoded.dek, values: decoded.values, purposes: [] });
    }
    for (const p of publicRows) {
      const c = out.get(p.customer_id);
      if (c) c.values[p.field] = JSON.parse(p.value) as FieldValue;
    }
    for (const p of purposeRows) out.get(p.customer_id)?.purposes.push(p.purpose_key);
    return out;
  }

  /** Re-seals an existing customer's values with its own key and sets its flags; returns its index keys, written live. */
  async function saveExisting(
    trx: Trx,
    customer: ExistingCustomer,
    values: Record<string, FieldValue>,
    flags: readonly string[],
    catalog: ReadonlyMap<string, FieldDef>,
    now: string,
  ): Promise<ReadonlyArray<{ field: string; hash: Buffer }>> {
    const id = customer.row.id;
    const enc = encodeCustomer(keys, id, catalogValues(catalog, values), customer.dek);
    await repo.replaceValues(
      trx,
      id,
      {
        wrapped_dek: enc.wrappedDek,
        key_version: enc.keyVersion,
        blob_l2: enc.blobs.L2,
        blob_l3: enc.blobs.L3,
        blob_l4: enc.blobs.L4,
        updated_at: now,
        flags: JSON.stringify([...new Set(flags)].sort()),
      },
      enc.publicRows,
      enc.indexRows,
    );
    return enc.indexRows;
  }

  /** Adds purposes the customer is not yet held under; returns them and the consent rows written. */
  async function addPurposes(
    trx: Trx,
    customer: ExistingCustomer,
    purposes: readonly Purpose[],
    actorId: string,
    now: string,
  ): Promise<{ purposes: string[]; consentIds: string[] }> {
    const add = purposes.filter((p) => !customer.purposes.includes(p.key));
    if (add.length === 0) return { purposes: [], consentIds: [] };
    const id = customer.row.id;
    await trx
      .insertInto('customer_purposes')
      .values(add.map((p) => ({ org_id: orgId, customer_id: id, purpose_key: p.key, added_at: now })))
      .execute();
    const consents = consent.consentRowsAtCreation(id, add, actorId, 'import');
    if (consents.length) await trx.insertInto('consents').values(consents).execute();
    customer.purposes.push(...add.map((p) => p.key));
    return { purposes: add.map((p) => p.key), consentIds: consents.map((c) => c.id) };
  }

  /** Undoes addPurposes (import rollback). */
  async function removePurposes(
    trx: Trx,
    customerId: string,
    added: { purposes: string[]; consentIds: string[] },
  ): Promise<void> {
    if (added.purposes.length)
      await trx
        .deleteFrom('customer_purposes')
        .where('customer_id', '=', customerId)
        .where('purpose_key', 'in', added.purposes)
        .execute();
    if (added.consentIds.length)
      await trx.deleteFrom('consents').where('id', 'in', added.consentIds).execute();
  }

  /**
   * Makes a completed batch's customers searchable: from their rows' keys, after any pending rows left
   * by an earlier version that wrote them (see pending-index.ts). Returns the entries added.
   */
  async function publishPending(trx: Trx, batchId: string): Promise<number> {
    const moved = await repo.publishPendingIndex(trx, batchId);
    return moved + (await publishBatchIndex(deps.engine, deps.sqlite, trx, orgId, batchId));
  }

  return { insertNew, loadExisting, saveExisting, addPurposes, removePurposes, publishPending };
}
