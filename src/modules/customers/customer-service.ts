import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import type { AuditEvent } from '../../kernel/audit/audit-types.js';
import { customerInScope, customerScopeFilter, dataScopeOf } from '../../kernel/authz/data-scope.js';
import { type Actor, assertCan, can, gradeAtMost } from '../../kernel/authz/permissions.js';
import type { Grade, KeyRing } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { CustomersTable } from '../../kernel/store/schema.js';
import type { Db, Store, Trx } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { ConsentService } from '../consent/consent-service.js';
import { decodeGrades, encodeCustomer, type FieldValues } from './customer-codec.js';
import { createCustomerRepo, type NewCustomerRow } from './customer-repo.js';
import {
  CUSTOMER_KINDS,
  CUSTOMER_STATUSES,
  type CustomerInput,
  type CustomerKind,
  type CustomerSummary,
  type CustomerView,
  type FieldDef,
  type FieldValue,
  type FindQuery,
  type ListQuery,
} from './customer-types.js';
import type { FieldCatalog } from './field-catalog.js';
import { legacySearchForm, normaliseFieldValue, searchForm } from './field-values.js';
import { maskField } from './masking.js';

export interface CustomerDeps {
  store: Store;
  keys: KeyRing;
  audit: Pick<AuditTrail, 'append' | 'record' | 'query'>;
  clock: Clock;
  orgId: string;
  catalog: FieldCatalog;
  consent: Pick<ConsentService, 'requirePurposes' | 'consentRowsAtCreation' | 'basisFor'>;
  journalErasure: Kernel['journalErasure'];
}

export interface RevealOptions {
  reveal?: readonly string[] | undefined;
  purpose?: string | undefined;
  reason?: string | undefined;
}

const IDENTIFYING: Record<CustomerKind, readonly string[]> = {
  individual: ['name', 'mobile', 'idNumber', 'email'],
  company: ['companyName', 'uscc'],
  contact: ['name', 'mobile', 'email'],
};
const SUMMARY_FIELDS = ['companyName', 'name', 'mobile', 'email', 'uscc'] as const;
const GRADES: readonly Grade[] = ['L1', 'L2', 'L3', 'L4'];

export type CustomerService = ReturnType<typeof createCustomerService>;

/** The vault's customer use cases: authorize -> validate -> transaction (repo + audit) -> result. */
export function createCustomerService(deps: CustomerDeps) {
  const { store, keys, audit, clock, orgId, catalog, consent } = deps;
  const repo = createCustomerRepo(orgId, store.engine);

  /** Validates and normalises input fields against the catalog; errors name the field only. */
  function normaliseFields(
    catalogMap: Map<string, FieldDef>,
    kind: CustomerKind,
    fields: Record<string, unknown>,
  ): FieldValues {
    const out: FieldValues = new Map();
    for (const [key, raw] of Object.entries(fields)) {
      const def = catalogMap.get(key);
      if (!def) throw new AppError('FIELD_UNKNOWN', { field: key }, { field: key });
      if (!def.kinds.includes(kind))
        throw new AppError('FIELD_NOT_FOR_KIND', { field: key, kind }, { field: key });
      const value = normaliseFieldValue(def, raw);
      if (value !== undefined) out.set(key, { def, value });
    }
    return out;
  }

  function assertIdentifying(kind: CustomerKind, values: FieldValues): void {
    if (!IDENTIFYING[kind].some((k) => values.has(k))) throw new AppError('NOT_IDENTIFYING');
  }

  /** Creates many customers in one transaction with one audit event; the import path and `create`. */
  async function createMany(actor: Actor, inputs: readonly CustomerInput[]): Promise<string[]> {
    assertCan(actor, 'customer', 'create');
    if (inputs.length === 0) return [];
    const catalogMap = await catalog.load();
    const now = clock.now().toISOString();
    const purposeKeys = [...new Set(inputs.flatMap((i) => i.purposes))];
    const purposes = await consent.requirePurposes(store.db, purposeKeys);
    const companyIds = [...new Set(inputs.map((i) => i.companyId).filter((x): x is string => !!x))];
    const customers: NewCustomerRow[] = [];
    const publicRows: Parameters<ReturnType<typeof createCustomerRepo>['insertMany']>[2] = [];
    const indexRows: Parameters<ReturnType<typeof createCustomerRepo>['insertMany']>[3] = [];
    const purposeRows: Parameters<ReturnType<typeof createCustomerRepo>['insertMany']>[4] = [];
    const consentRows: ReturnType<ConsentService['consentRowsAtCreation']> = [];
    const ids: string[] = [];
    const fieldKeys = new Set<string>();
    for (const [index, input] of inputs.entries()) {
      if (!CUSTOMER_KINDS.includes(input.kind))
        throw new AppError('VALIDATION_FAILED', { detail: `unknown kind ${input.kind}` });
      if (input.purposes.length === 0) throw new AppError('PURPOSE_REQUIRED');
      if (input.kind === 'contact' && !input.companyId) throw new AppError('PARENT_REQUIRED');
      let values: FieldValues;
      try {
        values = normaliseFields(catalogMap, input.kind, input.fields);
        assertIdentifying(input.kind, values);
      } catch (err) {
        if (err instanceof AppError && inputs.length > 1) {
          throw new AppError(err.code, err.params, { ...(err.details ?? {}), index });
        }
        throw err;
      }
      const id = uuidv7();
      ids.push(id);
      for (const k of values.keys()) fieldKeys.add(k);
      const enc = encodeCustomer(keys, id, values);
      customers.push({
        id,
        org_id: orgId,
        kind: input.kind,
        status: 'active',
        parent_id: input.kind === 'contact' ? (input.companyId ?? null) : null,
        wrapped_dek: enc.wrappedDek,
        key_version: enc.keyVersion,
        blob_l2: enc.blobs.L2,
        blob_l3: enc.blobs.L3,
        blob_l4: enc.blobs.L4,
        // The creating user is the customer's 负责人 unless another owner is named.
        owner_id: input.ownerId ?? actor.userId ?? null,
        source: input.source ?? null,
        batch_id: input.batchId ?? null,
        flags: JSON.stringify(input.flags ?? []),
        created_at: now,
        updated_at: now,
        erased_at: null,
      });
      publicRows.push(...enc.publicRows);
      indexRows.push(...enc.indexRows);
      const own = purposes.filter((p) => input.purposes.includes(p.key));
      for (const p of own)
        purposeRows.push({ org_id: orgId, customer_id: id, purpose_key: p.key, added_at: now });
      consentRows.push(
        ...consent.consentRowsAtCreation(id, own, actor.id, input.consentChannel ?? 'at-creation'),
      );
    }
    await store.transaction(async (trx) => {
      if (companyIds.length) {
        const parents = await repo.getRows(trx, companyIds);
        for (const cid of companyIds) {
          const p = parents.find((r) => r.id === cid);
          if (p?.kind !== 'company') throw new AppError('CUSTOMER_NOT_FOUND', { id: cid });
          if (p.status === 'erased')
            throw new AppError('CUSTOMER_ERASED', { id: cid, erasedAt: p.erased_at ?? '', erasureId: '' });
        }
      }
      await repo.insertMany(trx, customers, publicRows, indexRows, purposeRows);
      for (let i = 0; i < consentRows.length; i += 1000)
        await trx
          .insertInto('consents')
          .values(consentRows.slice(i, i + 1000))
          .execute();
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'customer.create',
          subjects: ids,
          fields: [...fieldKeys].sort(),
          details: { count: ids.length, purposes: purposeKeys, batchId: inputs[0]?.batchId ?? null },
        },
      ]);
    });
    return ids;
  }

  async function create(actor: Actor, input: CustomerInput): Promise<string> {
    const [id] = await createMany(actor, [input]);
    return id as string;
  }

  /** Another scope's customer does not exist for the actor (NOT_FOUND, never FORBIDDEN). */
  async function assertInScope(db: Db | Trx, actor: Actor, id: string): Promise<void> {
    if (!(await customerInScope(db, orgId, actor, id))) throw new AppError('CUSTOMER_NOT_FOUND', { id });
  }

  async function loadLive(actor: Actor, id: string): Promise<CustomersTable> {
    const row = await repo.getRow(store.db, id);
    if (!row) throw new AppError('CUSTOMER_NOT_FOUND', { id });
    await assertInScope(store.db, actor, id);
    if (row.status === 'erased') {
      const erasure = await repo.erasureOf(store.db, id);
      throw new AppError(
        'CUSTOMER_ERASED',
        { id, erasedAt: row.erased_at ?? '', erasureId: erasure?.id ?? '' },
        { erasedAt: row.erased_at, erasureId: erasure?.id ?? null },
      );
    }
    return row;
  }

  /**
   * One customer, masked by grade unless fields are revealed for a purpose. The audit record is
   * committed before anything is decrypted for return (write-ahead reveal).
   */
  async function get(actor: Actor, id: string, opts: RevealOptions = {}): Promise<CustomerView> {
    assertCan(actor, 'customer', 'read');
    const catalogMap = await catalog.load();
    const row = await loadLive(actor, id);
    const reveal = [...new Set(opts.reveal ?? [])];
    const revealDefs = reveal.map((k) => {
      const def = catalogMap.get(k);
      if (!def) throw new AppError('FIELD_UNKNOWN', { field: k }, { field: k });
      return def;
    });
    const sensitiveReveal = revealDefs.filter((d) => d.grade === 'L3' || d.grade === 'L4');
    if (sensitiveReveal.length > 0 && row.status === 'restricted') {
      await audit.record([
        {
          actor: actor.id,
          action: 'customer.reveal',
          purpose: opts.purpose ?? null,
          subjects: [id],
          fields: reveal,
          outcome: 'denied',
          details: { reason: 'restricted' },
        },
      ]);
      throw new AppError('CUSTOMER_RESTRICTED', { id });
    }
    if (sensitiveReveal.length > 0) {
      const top: Grade = sensitiveReveal.some((d) => d.grade === 'L4') ? 'L4' : 'L3';
      if (!opts.purpose)
        throw new AppError('VALIDATION_FAILED', { detail: 'revealing L3/L4 fields needs --purpose' });
      if (!can(actor, 'customer', 'reveal', top)) {
        await audit.record([
          {
            actor: actor.id,
            action: 'customer.reveal',
            purpose: opts.purpose,
            subjects: [id],
            fields: reveal,
            outcome: 'denied',
            details: { reason: 'permission' },
          },
        ]);
        throw new AppError('FORBIDDEN', { detail: `customer.reveal (${top})` });
      }
      const basis = await consent.basisFor(id, opts.purpose);
      if (!basis.ok) {
        await audit.record([
          {
            actor: actor.id,
            action: 'customer.reveal',
            purpose: opts.purpose,
            subjects: [id],
            fields: reveal,
            outcome: 'denied',
            details: { reason: 'basis' },
          },
        ]);
        throw new AppError('PURPOSE_NOT_ALLOWED', {
          customerId: id,
          purpose: opts.purpose,
          reason: basis.reason,
        });
      }
      // L4 (PIPL Art. 28 sensitive PI): people and tokens state why; the local operator's CLI may not.
      if (top === 'L4' && (actor.kind === 'user' || actor.kind === 'token') && !opts.reason?.trim())
        throw new AppError('REASON_REQUIRED');
    }
    const revealedKeys = sensitiveReveal.map((d) => d.key);
    await audit.record([
      revealedKeys.length > 0
        ? {
            actor: actor.id,
            action: 'customer.reveal',
            purpose: opts.purpose ?? null,
            subjects: [id],
            fields: revealedKeys,
            details: opts.reason ? { reason: opts.reason } : {},
          }
        : { actor: actor.id, action: 'customer.read', purpose: opts.purpose ?? null, subjects: [id] },
    ]);
    const grades: Grade[] = ['L2', 'L3'];
    if (revealDefs.some((d) => d.grade === 'L4')) grades.push('L4');
    const decoded = decodeGrades(keys, row, grades);
    const [publicRows, purposeRows] = await Promise.all([
      repo.publicValues(store.db, [id]),
      repo.purposesOf(store.db, [id]),
    ]);
    for (const p of publicRows) decoded.values[p.field] = JSON.parse(p.value) as FieldValue;
    const fields: Record<string, FieldValue> = {};
    const masked: string[] = [];
    const l2Visible = can(actor, 'customer', 'read', 'L2');
    for (const [key, value] of Object.entries(decoded.values)) {
      const def = catalogMap.get(key);
      if (!def) continue;
      if (def.grade === 'L2' && !l2Visible) continue;
      if ((def.grade === 'L3' || def.grade === 'L4') && !revealedKeys.includes(key)) {
        fields[key] = maskField(def, value);
        masked.push(key);
      } else fields[key] = value;
    }
    for (const [key, value] of Object.entries(decoded.maskedL4)) {
      if (!(key in fields)) {
        fields[key] = value;
        masked.push(key);
      }
    }
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      companyId: row.parent_id,
      ownerId: row.owner_id,
      source: row.source,
      batchId: row.batch_id,
      flags: JSON.parse(row.flags) as string[],
      purposes: purposeRows.map((p) => p.purpose_key).sort(),
      fields,
      masked: masked.sort(),
      revealed: revealedKeys,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /** Masked one-line summaries (name, mobile…) of live customers; used by find and list. */
  async function summarise(
    rows: CustomersTable[],
    catalogMap: Map<string, FieldDef>,
  ): Promise<CustomerSummary[]> {
    const publicRows = await repo.publicValues(
      store.db,
      rows.map((r) => r.id),
    );
    return rows.map((row) => {
      const display: Record<string, FieldValue> = {};
      if (row.status !== 'erased' && row.wrapped_dek) {
        const { values } = decodeGrades(keys, row, ['L3']);
        for (const key of SUMMARY_FIELDS) {
          const def = catalogMap.get(key);
          const v = values[key];
          if (def && v !== undefined) display[key] = maskField(def, v);
        }
      }
      for (const p of publicRows)
        if (p.customer_id === row.id) display[p.field] = JSON.parse(p.value) as FieldValue;
      return {
        id: row.id,
        kind: row.kind,
        status: row.status,
        companyId: row.parent_id,
        display,
        createdAt: row.created_at,
      };
    });
  }

  /** Exact find by blind index (mobile, ID number, email, name, company name, USCC) or mobile last 4. */
  async function find(actor: Actor, q: FindQuery): Promise<CustomerSummary[]> {
    assertCan(actor, 'customer', 'read');
    const catalogMap = await catalog.load();
    const criteria = Object.entries(q).filter(([, v]) => v !== undefined && String(v).trim() !== '') as Array<
      [keyof FindQuery, string]
    >;
    if (criteria.length === 0)
      throw new AppError('VALIDATION_FAILED', {
        detail: 'give one of --mobile, --mobile-last4, --id-number, --email, --name, --company-name, --uscc',
      });
    let ids: string[] | null = null;
    for (const [key, raw] of criteria) {
      const hashes: Buffer[] = [];
      if (key === 'mobileLast4') {
        const digits = raw.normalize('NFKC').replace(/\D/g, '');
        if (digits.length !== 4)
          throw new AppError('FIELD_INVALID', { field: 'mobileLast4', reason: 'expected 4 digits' });
        hashes.push(keys.blindIndex('mobileLast4', digits));
      } else {
        const def = catalogMap.get(key);
        if (!def) throw new AppError('FIELD_UNKNOWN', { field: key });
        const value = normaliseFieldValue(def, raw);
        if (typeof value !== 'string') throw new AppError('FIELD_INVALID', { field: key, reason: 'empty' });
        hashes.push(keys.blindIndex(key, searchForm(key, value)));
        // A name indexed before names were folded to simplified characters is found in its own form.
        const legacy = legacySearchForm(key, value);
        if (legacy !== null) hashes.push(keys.blindIndex(key, legacy));
      }
      const found = new Set<string>();
      for (const hash of hashes) for (const id of await repo.findByIndex(store.db, key, hash)) found.add(id);
      ids = ids === null ? [...found] : ids.filter((x) => found.has(x));
    }
    const scope = dataScopeOf(actor);
    const matched =
      scope.kind === 'all' || !ids?.length
        ? (ids ?? [])
        : (
            await store.db
              .selectFrom('customers')
              .select('customers.id')
              .where('customers.org_id', '=', orgId)
              .where('customers.id', 'in', ids)
              .where(customerScopeFilter(scope, orgId))
              .execute()
          ).map((r) => r.id);
    await audit.record([
      {
        actor: actor.id,
        action: 'customer.find',
        subjects: matched,
        fields: criteria.map(([k]) => k),
        details: { matches: matched.length },
      },
    ]);
    const rows = await repo.getRows(store.db, matched);
    return summarise(rows, catalogMap);
  }

  async function list(
    actor: Actor,
    q: ListQuery = {},
  ): Promise<{ items: CustomerSummary[]; nextCursor: string | null }> {
    assertCan(actor, 'customer', 'read');
    if (q.status !== undefined && !(CUSTOMER_STATUSES as readonly string[]).includes(q.status))
      throw new AppError('VALIDATION_FAILED', { detail: 'status must be active, erased or restricted' });
    const catalogMap = await catalog.load();
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
    const scope = dataScopeOf(actor);
    // A page of the whole org walks the primary key and drops other orgs' rows itself: given the org's
    // condition, SQLite (which keeps no statistics here) walks an org index and sorts all the org's
    // customers for every page. A batch's or an owner's customers have an index that serves both.
    const byPrimaryKey = scope.kind === 'all' && !q.batchId && !q.ownerId;
    let sel = store.db.selectFrom('customers').selectAll();
    if (!byPrimaryKey) sel = sel.where('org_id', '=', orgId);
    if (scope.kind !== 'all') sel = sel.where(customerScopeFilter(scope, orgId));
    if (q.kind) sel = sel.where('kind', '=', q.kind);
    sel = sel.where('status', '=', q.status ?? 'active');
    if (q.batchId) sel = sel.where('batch_id', '=', q.batchId);
    if (q.ownerId) sel = sel.where('owner_id', '=', q.ownerId);
    for (const [field, raw] of Object.entries(q.filters ?? {})) {
      const def = catalogMap.get(field);
      if (!def) throw new AppError('FIELD_UNKNOWN', { field });
      if (def.grade !== 'L1')
        throw new AppError('VALIDATION_FAILED', {
          detail: `only L1 fields can be list filters (${field} is ${def.grade})`,
        });
      const value = JSON.stringify(normaliseFieldValue(def, raw) ?? '');
      sel = sel.where('id', 'in', (eb) =>
        eb
          .selectFrom('customer_public')
          .select('customer_id')
          .where('org_id', '=', orgId)
          .where('field', '=', field)
          .where('value', '=', value),
      );
    }
    const rows: CustomersTable[] = [];
    for (let cursor = q.cursor; ; ) {
      const fetched = await (cursor ? sel.where('id', '>', cursor) : sel)
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      rows.push(...(byPrimaryKey ? fetched.filter((r) => r.org_id === orgId) : fetched));
      if (rows.length > limit || fetched.length <= limit) break;
      cursor = (fetched[fetched.length - 1] as CustomersTable).id;
    }
    const page = rows.slice(0, limit);
    await audit.record([
      {
        actor: actor.id,
        action: 'customer.list',
        subjects: page.map((r) => r.id),
        details: { count: page.length },
      },
    ]);
    return {
      items: await summarise(page, catalogMap),
      nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }

  /** Sets or clears fields (null or "" clears). Re-seals every grade with the same customer key. */
  async function update(
    actor: Actor,
    id: string,
    changes: Record<string, unknown>,
    opts: { purposes?: string[] } = {},
  ): Promise<void> {
    assertCan(actor, 'customer', 'update');
    const catalogMap = await catalog.load();
    await store.transaction(async (trx) => {
      const row = await repo.getRow(trx, id);
      if (!row) throw new AppError('CUSTOMER_NOT_FOUND', { id });
      await assertInScope(trx, actor, id);
      if (row.status === 'erased')
        throw new AppError('CUSTOMER_ERASED', { id, erasedAt: row.erased_at ?? '', erasureId: '' });
      const decoded = decodeGrades(keys, row, GRADES);
      for (const p of await repo.publicValues(trx, [id]))
        decoded.values[p.field] = JSON.parse(p.value) as FieldValue;
      const next: Record<string, unknown> = { ...decoded.values };
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === '') delete next[k];
        else next[k] = v;
        if (!catalogMap.has(k)) throw new AppError('FIELD_UNKNOWN', { field: k }, { field: k });
      }
      const values = normaliseFields(catalogMap, row.kind, next);
      assertIdentifying(row.kind, values);
      const enc = encodeCustomer(keys, id, values, decoded.dek);
      await repo.replaceValues(
        trx,
        id,
        {
          wrapped_dek: enc.wrappedDek,
          key_version: enc.keyVersion,
          blob_l2: enc.blobs.L2,
          blob_l3: enc.blobs.L3,
          blob_l4: enc.blobs.L4,
          updated_at: clock.now().toISOString(),
          flags: row.flags,
        },
        enc.publicRows,
        enc.indexRows,
      );
      if (opts.purposes?.length) {
        await consent.requirePurposes(trx, opts.purposes);
        const held = (await repo.purposesOf(trx, [id])).map((p) => p.purpose_key);
        const add = opts.purposes.filter((p) => !held.includes(p));
        if (add.length) {
          const at = clock.now().toISOString();
          await trx
            .insertInto('customer_purposes')
            .values(add.map((p) => ({ org_id: orgId, customer_id: id, purpose_key: p, added_at: at })))
            .execute();
        }
      }
      await audit.append(trx, [
        { actor: actor.id, action: 'customer.update', subjects: [id], fields: Object.keys(changes).sort() },
      ]);
    });
  }

  /**
   * Erasure by crypto-shredding: the customer's wrapped key and ciphertexts are destroyed, its index
   * rows removed, and the erasure journal (database and the file beside it) keeps the fact.
   */
  async function erase(
    actor: Actor,
    id: string,
    opts: { reason: string; requestId?: string },
  ): Promise<{ id: string; erasureId: string; erasedAt: string }> {
    assertCan(actor, 'customer', 'erase');
    const reason = opts.reason?.trim();
    if (!reason) throw new AppError('VALIDATION_FAILED', { detail: 'erasure needs a reason (--reason)' });
    const erasureId = uuidv7();
    const at = clock.now().toISOString();
    await store.transaction(async (trx) => {
      const row = await repo.getRow(trx, id);
      if (!row) throw new AppError('CUSTOMER_NOT_FOUND', { id });
      await assertInScope(trx, actor, id);
      if (row.status === 'erased')
        throw new AppError('CUSTOMER_ERASED', { id, erasedAt: row.erased_at ?? '', erasureId: '' });
      await repo.shred(trx, id, at);
      await trx
        .insertInto('erasures')
        .values({
          id: erasureId,
          org_id: orgId,
          customer_id: id,
          at,
          reason,
          actor: actor.id,
          request_id: opts.requestId ?? null,
        })
        .execute();
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'customer.erase',
          subjects: [id],
          details: { erasureId, method: 'crypto-shred' },
        },
      ]);
    });
    deps.journalErasure({ id: erasureId, customerId: id, at, reason, actor: actor.id });
    await store.purgeSuperseded();
    return { id, erasureId, erasedAt: at };
  }

  /** Who touched this customer's data: the audit events naming it, newest first. */
  async function history(actor: Actor, id: string, limit = 200): Promise<AuditEvent[]> {
    if (!can(actor, 'audit', 'read')) assertCan(actor, 'customer', 'read');
    const exists = await repo.getRow(store.db, id);
    if (!exists) throw new AppError('CUSTOMER_NOT_FOUND', { id });
    // Readers of the whole trail (auditor, DPO) see any customer's history; others only their scope's.
    if (!can(actor, 'audit', 'read')) await assertInScope(store.db, actor, id);
    return audit.query({ customerId: id, limit });
  }

  return { create, createMany, get, find, list, update, erase, history, gradeAtMost };
}
