import { unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { customerScopeFilter, dataScopeOf } from '../../kernel/authz/data-scope.js';
import { type Actor, assertCan, can } from '../../kernel/authz/permissions.js';
import type { Grade, KeyRing } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type { CustomersTable } from '../../kernel/store/schema.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { ApprovalService } from '../access/approval-service.js';
import type { ConsentService } from '../consent/consent-service.js';
import type { Purpose } from '../consent/consent-types.js';
import { decodeGrades, publicValuesByCustomer } from '../customers/customer-codec.js';
import type { CustomerKind, FieldDef, FieldValue } from '../customers/customer-types.js';
import type { FieldCatalog } from '../customers/field-catalog.js';
import { normaliseFieldValue } from '../customers/field-values.js';
import { maskField } from '../customers/masking.js';
import type { ExportOptions, ExportResult } from './export-types.js';
import { checkOutputPath, formatOf, openTableWriter } from './table-writer.js';

export interface ExportDeps {
  store: Store;
  keys: KeyRing;
  audit: Pick<AuditTrail, 'record'>;
  clock: Clock;
  orgId: string;
  catalog: Pick<FieldCatalog, 'load'>;
  consent: Pick<ConsentService, 'requirePurposes'>;
  /** Four-eyes rule for people and API tokens (the local command line is the key holder itself). */
  approvals?: Pick<ApprovalService, 'requiresApproval' | 'consumeApproval' | 'list'> | undefined;
}

const PAGE = 500;
const KIND_LABEL: Record<CustomerKind, string> = { individual: '个人', company: '企业', contact: '联系人' };

function cellOf(value: FieldValue | undefined): string | number | null {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.join(';');
  if (typeof value === 'boolean') return value ? '是' : '否';
  return value;
}

export type ExportService = ReturnType<typeof createExportService>;

/**
 * Customer exports: masked by default; L3/L4 fields in clear only when asked, for a purpose each
 * customer has a basis for (others go out masked and are counted), with the export grant for that
 * grade. Each page is audited before it is decrypted; the file's SHA-256 is audited at the end.
 */
export function createExportService(deps: ExportDeps) {
  const { store, keys, audit, orgId, catalog, consent } = deps;

  /** Customers of `ids` with a basis for `purpose` now (same rule as consent.basisFor, for a page). */
  async function withBasis(ids: readonly string[], purpose: Purpose): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const held = await store.db
      .selectFrom('customer_purposes')
      .select('customer_id')
      .where('org_id', '=', orgId)
      .where('purpose_key', '=', purpose.key)
      .where('customer_id', 'in', [...ids])
      .execute();
    const ok = new Set(held.map((h) => h.customer_id));
    if (purpose.basis !== 'consent' || ok.size === 0) return ok;
    const ledger = await store.db
      .selectFrom('consents')
      .select(['customer_id', 'action'])
      .where('org_id', '=', orgId)
      .where('purpose_key', '=', purpose.key)
      .where('customer_id', 'in', [...ok])
      .orderBy('at')
      .orderBy('id')
      .execute();
    const last = new Map<string, string>();
    for (const c of ledger) last.set(c.customer_id, c.action);
    return new Set([...ok].filter((id) => last.get(id) === 'grant'));
  }

  function chooseFields(actor: Actor, defs: Map<string, FieldDef>, opts: ExportOptions): FieldDef[] {
    const l2 = can(actor, 'customer', 'read', 'L2');
    if (!opts.fields?.length) {
      const wanted = [...defs.values()].filter((d) => d.grade !== 'L2' || l2);
      const extra = (opts.reveal ?? []).filter((k) => !wanted.some((d) => d.key === k));
      return [...wanted, ...extra.map((k) => defs.get(k)).filter((d): d is FieldDef => d !== undefined)];
    }
    const keys = [...new Set([...opts.fields, ...(opts.reveal ?? [])])];
    return keys.map((k) => {
      const def = defs.get(k);
      if (!def) throw new AppError('FIELD_UNKNOWN', { field: k }, { field: k });
      if (def.grade === 'L2' && !l2) throw new AppError('FORBIDDEN', { detail: 'customer.read (L2)' });
      return def;
    });
  }

  /**
   * PIPL Art. 51 measures: a person's (or token's) export of many rows, or one revealing L3/L4 fields,
   * needs someone else's approval: the one named, or an approved one of the requester's that covers it.
   */
  async function approve(
    actor: Actor,
    approvalId: string | undefined,
    rowCount: number,
    sensitive: readonly FieldDef[],
  ): Promise<void> {
    const approvals = deps.approvals;
    if (!approvals) return;
    const revealedFields = sensitive.map((d) => d.key);
    const needed = approvals.requiresApproval({ rowCount, revealedGrades: sensitive.map((d) => d.grade) });
    if (!needed && !approvalId) return;
    let id = approvalId;
    if (!id) {
      const covering = (await approvals.list(actor, { status: 'approved' })).find(
        (a) =>
          a.requester === actor.id &&
          a.rowCount >= rowCount &&
          revealedFields.every((f) => a.revealedFields.includes(f)),
      );
      if (!covering)
        throw new AppError(
          'APPROVAL_REQUIRED',
          { rows: rowCount, fields: revealedFields.join(', ') || '-' },
          { rows: rowCount, revealedFields },
        );
      id = covering.id;
    }
    await approvals.consumeApproval(id, actor, { rowCount, revealedFields });
  }

  async function exportCustomers(actor: Actor, opts: ExportOptions): Promise<ExportResult> {
    assertCan(actor, 'customer', 'export');
    const defs = await catalog.load();
    const fields = chooseFields(actor, defs, opts);
    const reveal = [...new Set(opts.reveal ?? [])];
    for (const k of reveal) if (!defs.has(k)) throw new AppError('FIELD_UNKNOWN', { field: k }, { field: k });
    const sensitive = reveal
      .map((k) => defs.get(k) as FieldDef)
      .filter((d) => d.grade === 'L3' || d.grade === 'L4');
    let purpose: Purpose | null = null;
    if (sensitive.length) {
      if (!opts.purpose)
        throw new AppError('VALIDATION_FAILED', {
          detail: 'revealing L3/L4 fields in an export needs --purpose',
        });
      const top: Grade = sensitive.some((d) => d.grade === 'L4') ? 'L4' : 'L3';
      if (!can(actor, 'customer', 'export', top)) {
        await audit.record([
          {
            actor: actor.id,
            action: 'customer.export',
            purpose: opts.purpose,
            fields: reveal,
            outcome: 'denied',
            details: { reason: 'permission' },
          },
        ]);
        throw new AppError('FORBIDDEN', { detail: `customer.export (${top})` });
      }
      [purpose] = (await consent.requirePurposes(store.db, [opts.purpose])) as [Purpose];
    } else if (opts.purpose)
      [purpose] = (await consent.requirePurposes(store.db, [opts.purpose])) as [Purpose];
    const filters: Array<[string, string]> = [];
    for (const [field, raw] of Object.entries(opts.filters ?? {})) {
      const def = defs.get(field);
      if (!def) throw new AppError('FIELD_UNKNOWN', { field });
      if (def.grade !== 'L1')
        throw new AppError('VALIDATION_FAILED', {
          detail: `only L1 fields can be export filters (${field} is ${def.grade})`,
        });
      filters.push([field, JSON.stringify(normaliseFieldValue(def, raw) ?? '')]);
    }
    if (opts.batchId) {
      // A mistyped batch id would otherwise export an empty file and report success.
      const batch = await store.db
        .selectFrom('import_batches')
        .select('id')
        .where('org_id', '=', orgId)
        .where('id', '=', opts.batchId)
        .executeTakeFirst();
      if (!batch) throw new AppError('IMPORT_BATCH_NOT_FOUND', { id: opts.batchId });
    }
    const format = formatOf(opts.out, opts.format);
    checkOutputPath(opts.out);
    const encoding = format === 'csv' ? (opts.encoding ?? 'utf8') : 'utf8';
    const exportId = uuidv7();
    const revealSet = new Set(sensitive.map((d) => d.key));
    const needL2 = fields.some((d) => d.grade === 'L2');
    const needL3 = fields.some((d) => d.grade === 'L3' || d.grade === 'L4');
    const needL4 = sensitive.some((d) => d.grade === 'L4');
    const scope = dataScopeOf(actor);
    const base = (byPrimaryKey = false) => {
      let sel = store.db.selectFrom('customers').where('status', '=', 'active');
      if (!byPrimaryKey) sel = sel.where('org_id', '=', orgId);
      if (opts.kind) sel = sel.where('kind', '=', opts.kind);
      if (opts.batchId) sel = sel.where('batch_id', '=', opts.batchId);
      if (scope.kind !== 'all') sel = sel.where(customerScopeFilter(scope, orgId));
      for (const [field, value] of filters)
        sel = sel.where('id', 'in', (eb) =>
          eb
            .selectFrom('customer_public')
            .select('customer_id')
            .where('org_id', '=', orgId)
            .where('field', '=', field)
            .where('value', '=', value),
        );
      return sel;
    };
    const needsApproval = Boolean(deps.approvals) && (actor.kind === 'user' || actor.kind === 'token');
    let total = 0;
    if (needsApproval || opts.onProgress) {
      const counted = await base()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      total = Number(counted?.n ?? 0);
    }
    if (needsApproval) await approve(actor, opts.approvalId, total, sensitive);
    const writer = openTableWriter(opts.out, { format, encoding });
    let rows = 0;
    let maskedNoBasis = 0;
    try {
      await writer.startSheet('客户', [
        '客户编号',
        '客户类型',
        '所属企业编号',
        ...fields.map((d) => d.labelZh),
      ]);
      // A whole org's export walks the primary key and drops other orgs' rows itself: given the org's
      // condition, SQLite (which keeps no statistics here) walks an org index and sorts all the org's
      // customers for every page. A batch or a user's own customers have an index that serves both.
      const byPrimaryKey = !opts.batchId && scope.kind === 'all';
      let cursor: string | null = null;
      for (let fetched = PAGE; fetched === PAGE; ) {
        let sel = base(byPrimaryKey).selectAll();
        if (cursor) sel = sel.where('id', '>', cursor);
        const rowsOfPage: CustomersTable[] = await sel.orderBy('id').limit(PAGE).execute();
        fetched = rowsOfPage.length;
        if (fetched === 0) break;
        cursor = rowsOfPage[fetched - 1]?.id ?? null;
        const page = rowsOfPage.filter((r) => r.org_id === orgId);
        if (page.length === 0) continue;
        const ids = page.map((r) => r.id);
        const basis = purpose && revealSet.size ? await withBasis(ids, purpose) : new Set<string>();
        const noBasis = revealSet.size ? ids.filter((id) => !basis.has(id)) : [];
        // Write-ahead: nothing of this page is decrypted before its record commits.
        await audit.record([
          {
            actor: actor.id,
            action: 'customer.export',
            purpose: opts.purpose ?? null,
            subjects: ids,
            fields: fields.map((d) => d.key),
            details: {
              exportId,
              revealed: [...revealSet],
              // Customers whose revealed fields go out in clear: none when nothing is revealed.
              revealedFor: basis.size,
              maskedNoBasis: noBasis.length,
            },
          },
        ]);
        maskedNoBasis += noBasis.length;
        // By primary key (the ids are this org's): an org_id predicate makes SQLite scan the org.
        const publicRows = await store.db
          .selectFrom('customer_public')
          .select(['customer_id', 'field', 'value'])
          .where('customer_id', 'in', ids)
          .execute();
        const l1 = publicValuesByCustomer(publicRows);
        for (const row of page) {
          const clear = basis.has(row.id);
          const grades: Grade[] = [];
          if (needL2) grades.push('L2');
          if (needL3) grades.push('L3');
          if (needL4 && clear) grades.push('L4');
          const decoded: { values: Record<string, FieldValue>; maskedL4: Record<string, FieldValue> } =
            row.wrapped_dek ? decodeGrades(keys, row, grades) : { values: {}, maskedL4: {} };
          const values: Record<string, FieldValue> = { ...decoded.values, ...(l1.get(row.id) ?? {}) };
          const cells = fields.map((d) => {
            if (d.grade === 'L4' && !(clear && revealSet.has(d.key))) return cellOf(decoded.maskedL4[d.key]);
            const v = values[d.key];
            if (v === undefined) return null;
            if ((d.grade === 'L3' || d.grade === 'L4') && !(clear && revealSet.has(d.key)))
              return cellOf(maskField(d, v));
            return cellOf(v);
          });
          await writer.row([row.id, KIND_LABEL[row.kind], row.parent_id, ...cells]);
          rows++;
        }
        opts.onProgress?.(rows, Math.max(total, rows));
      }
      const written = await writer.close();
      const result: ExportResult = {
        exportId,
        file: basename(opts.out),
        format,
        encoding,
        rows,
        bytes: written.bytes,
        sha256: written.sha256,
        fields: fields.map((d) => d.key),
        revealed: [...revealSet],
        purpose: purpose?.key ?? null,
        maskedNoBasis,
        unencodable: written.unencodable,
        substituted: written.substituted,
      };
      await audit.record([
        {
          actor: actor.id,
          action: 'export.file',
          purpose: result.purpose,
          fields: result.fields,
          details: {
            exportId,
            sha256: result.sha256,
            bytes: result.bytes,
            rows,
            format,
            encoding,
            revealed: result.revealed,
            maskedNoBasis,
            label: opts.label ?? null,
          },
        },
      ]);
      return result;
    } catch (err) {
      await writer.abort();
      await unlink(opts.out).catch(() => undefined);
      await audit
        .record([
          {
            actor: actor.id,
            action: 'export.file',
            outcome: 'failed',
            details: { exportId, rows, code: err instanceof AppError ? err.code : 'INTERNAL' },
          },
        ])
        .catch(() => undefined);
      throw err;
    }
  }

  return { exportCustomers };
}
