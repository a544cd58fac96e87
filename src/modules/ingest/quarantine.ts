import { dataScopeOf } from '../../kernel/authz/data-scope.js';
import { type Actor, assertCan, can } from '../../kernel/authz/permissions.js';
import type { Grade } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { ImportBatchesTable, ImportQuarantineTable } from '../../kernel/store/schema.js';
import { resolveChunk } from './chunk-resolver.js';
import { type SealedRow, scopes, writeChunk } from './chunk-writer.js';
import { maskCell } from './column-stats.js';
import { normaliseHeader } from './header-mapping.js';
import { matchStore, type StoredOptions } from './import-pipeline.js';
import type { IngestDeps } from './import-runner.js';
import { createIngestRepo } from './ingest-repo.js';
import {
  columnLetter,
  columnNumber,
  QUARANTINE_STATUSES,
  type QuarantineItem,
  type RowReason,
} from './ingest-types.js';
import { parseRow } from './row-parser.js';
import { planSheet, type SheetPlan } from './sheet-plan.js';
import { createVaultWriter } from './vault-writer.js';

const GRADE_RANK: Record<Grade, number> = { L1: 1, L2: 2, L3: 3, L4: 4 };
const EMPTY = Buffer.alloc(0);

/** The rejected rows of a batch: viewed masked (or revealed for a purpose), fixed and retried, or discarded. */
export function createQuarantine(deps: IngestDeps) {
  const { store, keys, audit, clock, orgId, catalog, consent } = deps;
  const repo = createIngestRepo(orgId);
  const vault = createVaultWriter({ keys, orgId, engine: store.engine, sqlite: store.sqlite, consent });

  async function openBatch(
    batchId: string,
  ): Promise<{ batch: ImportBatchesTable; key: Buffer; opts: StoredOptions }> {
    const batch = await repo.getBatch(store.db, batchId);
    if (!batch) throw new AppError('IMPORT_BATCH_NOT_FOUND', { id: batchId });
    if (!batch.wrapped_key)
      throw new AppError('IMPORT_BATCH_STATE', {
        id: batchId,
        status: batch.status,
        action: 'opened',
        actionZh: '查看隔离区',
      });
    return {
      batch,
      key: keys.unwrapCustomerKey(scopes.batchKey(batchId), batch.wrapped_key),
      opts: JSON.parse(batch.options) as StoredOptions,
    };
  }

  async function planOf(
    sheet: string,
    headers: string[],
    mapping: Record<string, string>,
  ): Promise<SheetPlan> {
    return planSheet(sheet, headers, mapping, await catalog.load());
  }

  function openRow(batchId: string, key: Buffer, q: ImportQuarantineTable): SealedRow | null {
    if (q.sealed.length === 0) return null;
    return keys.openDocument(scopes.row(batchId, q.seq), key, q.sealed) as SealedRow;
  }

  /** Highest grade a row of this sheet can hold: unmapped columns count as personal information (L3). */
  function topGrade(plan: SheetPlan): Grade {
    let top: Grade = 'L1';
    for (const c of plan.columns) {
      const g: Grade = c.def?.grade ?? (c.role === 'kind' ? 'L1' : 'L3');
      if (GRADE_RANK[g] > GRADE_RANK[top]) top = g;
    }
    return top;
  }

  async function list(
    actor: Actor,
    batchId: string,
    opts: {
      reveal?: boolean;
      purpose?: string;
      /** Why: required of people and tokens when the rows hold L4 (sensitive) cells, as on a customer. */
      reason?: string;
      status?: string;
      limit?: number;
      afterSeq?: number;
    } = {},
  ): Promise<{ items: QuarantineItem[]; next: number | null }> {
    assertCan(actor, 'import', 'read');
    if (opts.status !== undefined && !(QUARANTINE_STATUSES as readonly string[]).includes(opts.status))
      throw new AppError('VALIDATION_FAILED', { detail: 'status must be open, fixed or discarded' });
    const { key, opts: stored } = await openBatch(batchId);
    const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
    const rows = await repo.quarantine(store.db, batchId, {
      status: opts.status,
      limit: limit + 1,
      afterSeq: opts.afterSeq,
    });
    const page = rows.slice(0, limit);
    const opened = page.map((q) => ({ q, doc: openRow(batchId, key, q) }));
    const plans = new Map<string, SheetPlan>();
    for (const { q, doc } of opened) {
      const k = `${q.sheet}\u0000${doc?.headers.join('\u0000') ?? ''}`;
      if (doc && !plans.has(k))
        plans.set(k, await planOf(q.sheet, doc.headers, { ...doc.mapping, ...stored.mapping }));
    }
    if (opts.reveal) {
      if (!opts.purpose)
        throw new AppError('VALIDATION_FAILED', { detail: 'revealing quarantined rows needs --purpose' });
      await consent.requirePurposes(store.db, [opts.purpose]);
      let top: Grade = 'L1';
      for (const p of plans.values()) if (GRADE_RANK[topGrade(p)] > GRADE_RANK[top]) top = topGrade(p);
      const allowed = can(actor, 'customer', 'reveal', top);
      // L4 (PIPL Art. 28 sensitive PI) as customers.get: people and tokens state why; the CLI need not.
      if (
        allowed &&
        top === 'L4' &&
        (actor.kind === 'user' || actor.kind === 'token') &&
        !opts.reason?.trim()
      )
        throw new AppError('REASON_REQUIRED');
      // Write-ahead: the record commits before any value is shown.
      await audit.record([
        {
          actor: actor.id,
          action: 'import.quarantine.reveal',
          purpose: opts.purpose,
          outcome: allowed ? 'ok' : 'denied',
          details: {
            batchId,
            rows: page.map((q) => q.seq),
            grade: top,
            ...(opts.reason?.trim() ? { reason: opts.reason.trim() } : {}),
          },
        },
      ]);
      if (!allowed) throw new AppError('FORBIDDEN', { detail: `customer.reveal (${top})` });
    } else {
      await audit.record([
        { actor: actor.id, action: 'import.quarantine.read', details: { batchId, rows: page.length } },
      ]);
    }
    const items = opened.map(({ q, doc }): QuarantineItem => {
      const plan = doc ? plans.get(`${q.sheet}\u0000${doc.headers.join('\u0000')}`) : undefined;
      const width = Math.max(doc?.headers.length ?? 0, doc?.cells.length ?? 0);
      const cells = Array.from({ length: doc ? width : 0 }, (_, i) => {
        const raw = doc?.cells[i] ?? '';
        const column = plan?.columns[i];
        const shown =
          opts.reveal || (column?.def?.grade === 'L1' && column.role === 'field') || column?.role === 'kind';
        return {
          column: columnLetter(i + 1),
          header: doc?.headers[i] ?? '',
          value: shown ? raw : maskCell(raw, column ?? { def: null, detected: null }),
        };
      });
      return {
        seq: q.seq,
        sheet: q.sheet,
        row: q.row_number,
        status: q.status,
        reasons: JSON.parse(q.reasons) as RowReason[],
        customerId: q.customer_id,
        cells,
        revealed: Boolean(opts.reveal),
      };
    });
    return { items, next: rows.length > limit ? (page[page.length - 1]?.seq ?? null) : null };
  }

  /** "12", "客户:12" (sheet and row) or "#37" (sequence number) -> the one open quarantined row. */
  async function findRow(batchId: string, ref: string): Promise<ImportQuarantineTable> {
    const seqMatch = /^#(\d+)$/.exec(ref.trim());
    const m = /^(?:(.*):)?(\d+)$/.exec(ref.trim());
    if (!m && !seqMatch) throw new AppError('USAGE', { detail: 'ROW is a row number, SHEET:ROW or #SEQ' });
    const row = Number(seqMatch ? 0 : m?.[2]);
    let rows = seqMatch
      ? await repo.quarantine(store.db, batchId, { limit: 1, afterSeq: Number(seqMatch[1]) - 1 })
      : await repo.quarantineRows(store.db, batchId, row);
    if (seqMatch) rows = rows.filter((r) => r.seq === Number(seqMatch[1]));
    if (m?.[1] !== undefined) rows = rows.filter((r) => r.sheet === m[1]);
    if (rows.length === 0) throw new AppError('IMPORT_ROW_NOT_FOUND', { id: batchId, row: ref });
    if (rows.length > 1)
      throw new AppError('USAGE', {
        detail: `row ${row} exists in sheets ${rows.map((r) => r.sheet).join(', ')}: give SHEET:ROW`,
      });
    return rows[0] as ImportQuarantineTable;
  }

  async function discard(
    actor: Actor,
    batchId: string,
    ref: string,
  ): Promise<{ seq: number; status: 'discarded' }> {
    assertCan(actor, 'import', 'run');
    await openBatch(batchId);
    const q = await findRow(batchId, ref);
    if (q.status !== 'open')
      throw new AppError('IMPORT_BATCH_STATE', {
        id: `${batchId} #${q.seq}`,
        status: q.status,
        action: 'discarded',
        actionZh: '丢弃',
      });
    await store.transaction(async (trx) => {
      await repo.updateQuarantine(trx, batchId, q.seq, {
        status: 'discarded',
        sealed: EMPTY,
        resolved_at: clock.now().toISOString(),
      });
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'import.quarantine.discard',
          details: { batchId, seq: q.seq, row: q.row_number },
        },
      ]);
    });
    return { seq: q.seq, status: 'discarded' };
  }

  /**
   * Re-validates a quarantined row with corrections (`--field 手机=…`, by header, column letter or field
   * key) and, when it passes, imports it like the batch would have: same purposes, duplicate rule and
   * batch id. The sealed original is then dropped (its data now lives in the customer).
   */
  async function retry(
    actor: Actor,
    batchId: string,
    ref: string,
    corrections: Record<string, string>,
  ): Promise<{ seq: number; customerId: string | null; outcome: 'imported' | 'merged' | 'skipped' }> {
    assertCan(actor, 'import', 'run');
    assertCan(actor, 'customer', 'create');
    const { batch, key, opts } = await openBatch(batchId);
    if (batch.status !== 'completed')
      throw new AppError('IMPORT_BATCH_STATE', {
        id: batchId,
        status: batch.status,
        action: 'retried',
        actionZh: '重试',
      });
    const q = await findRow(batchId, ref);
    const doc = q.status === 'open' ? openRow(batchId, key, q) : null;
    if (!doc)
      throw new AppError('IMPORT_BATCH_STATE', {
        id: `${batchId} #${q.seq}`,
        status: q.status,
        action: 'retried',
        actionZh: '重试',
      });
    const headers = [...doc.headers];
    const cells = [...doc.cells];
    // Read as the import read it (the import's decisions by letter; the user's mapping by header wins).
    const mapping = { ...doc.mapping, ...opts.mapping };
    const defs = await catalog.load();
    let plan = await planOf(q.sheet, headers, mapping);
    for (const [k, v] of Object.entries(corrections)) {
      const norm = normaliseHeader(k);
      let column = plan.columns.find(
        (c) => normaliseHeader(c.header) === norm || c.letter === k.toUpperCase() || c.field === k,
      );
      // A cell right of the last header (EXTRA_CELLS) is named by its letter; usually to clear it.
      const beyond = column || defs.has(k) ? null : columnNumber(k);
      if (beyond !== null && beyond > headers.length) {
        while (cells.length < beyond) cells.push('');
        cells[beyond - 1] = v;
        continue;
      }
      if (!column) {
        if (!defs.has(k)) throw new AppError('FIELD_UNKNOWN', { field: k }, { field: k });
        headers.push(k);
        mapping[k] = k;
        plan = await planOf(q.sheet, headers, mapping);
        column = plan.columns[headers.length - 1];
      }
      if (column) cells[column.index] = v;
    }
    const parsed = parseRow(plan, cells, { lenient: opts.lenient, defaultKind: opts.kind });
    if (parsed.type !== 'valid') {
      const reasons = parsed.type === 'rejected' ? parsed.reasons : [];
      throw new AppError(
        'IMPORT_ROW_STILL_INVALID',
        {
          reasons: reasons.map((r) => `${r.code}${r.column ? `@${r.column}` : ''}`).join(', ') || 'blank row',
        },
        { reasons },
      );
    }
    const purposes = await consent.requirePurposes(store.db, opts.purposes);
    const now = clock.now().toISOString();
    return store.transaction(async (trx) => {
      const matches = await matchStore(repo, trx, keys, [parsed], dataScopeOf(actor));
      const ref2 = { seq: q.seq, sheet: q.sheet, rowNumber: q.row_number };
      const plan2 = resolveChunk(
        [{ row: parsed, ref: ref2 }],
        matches,
        { inFile: new Map() },
        {
          keys,
          mode: opts.onDuplicate,
          batchId,
          dryRun: false,
        },
      );
      if (plan2.blocked.length)
        throw new AppError(
          'IMPORT_ROW_STILL_INVALID',
          { reasons: 'DUPLICATE_OUT_OF_SCOPE' },
          { reasons: [{ code: 'DUPLICATE_OUT_OF_SCOPE', column: null, header: null, field: null }] },
        );
      const written = await writeChunk(trx, { keys, orgId, repo, vault }, plan2, [], {
        batchId,
        batchKey: key,
        mode: opts.onDuplicate,
        catalog: defs,
        purposes,
        source: `import:${opts.fileName}`,
        actorId: actor.id,
        ownerId: actor.userId ?? null,
        now,
        deferIndex: false,
      });
      const customerId = plan2.creates[0]?.id ?? [...plan2.existing.keys()][0] ?? null;
      const outcome = plan2.creates.length ? 'imported' : plan2.counts.merged ? 'merged' : 'skipped';
      await repo.updateQuarantine(trx, batchId, q.seq, {
        status: 'fixed',
        sealed: EMPTY,
        customer_id: customerId,
        resolved_at: now,
      });
      await audit.append(trx, [
        ...written.events,
        {
          actor: actor.id,
          action: 'import.quarantine.retry',
          subjects: customerId ? [customerId] : [],
          fields: Object.keys(corrections).filter((k) => defs.has(k)),
          details: { batchId, seq: q.seq, outcome },
        },
      ]);
      return { seq: q.seq, customerId, outcome };
    });
  }

  /** Decrypted rejected rows, for the --rejects file the user asked for. */
  async function* rejectedRows(
    batchId: string,
  ): AsyncGenerator<{ q: ImportQuarantineTable; doc: SealedRow }> {
    const { key } = await openBatch(batchId);
    let after = 0;
    for (;;) {
      const rows = await repo.quarantine(store.db, batchId, { status: 'open', limit: 500, afterSeq: after });
      for (const q of rows) {
        const doc = openRow(batchId, key, q);
        if (doc) yield { q, doc };
        after = q.seq;
      }
      if (rows.length < 500) return;
    }
  }

  return { list, retry, discard, rejectedRows };
}
