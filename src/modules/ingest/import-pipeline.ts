import type { DataScope } from '../../kernel/authz/data-scope.js';
import type { Db, Trx } from '../../kernel/store/store.js';
import type { CustomerKind, FieldDef } from '../customers/customer-types.js';
import type { RowRef } from './chunk-resolver.js';
import { chunkLookupKeys, StoreMatches } from './chunk-resolver.js';
import type { RejectedRow } from './chunk-writer.js';
import type { ColumnStats } from './column-stats.js';
import type { BlindIndexer } from './dedupe-keys.js';
import type { SheetSample } from './file-scan.js';
import type { IngestRepo } from './ingest-repo.js';
import { emptyCounts, type ImportCounts } from './ingest-types.js';
import type { PendingKeys } from './pending-keys.js';
import type { TableRow } from './readers/index.js';
import { parseRow, type ValidRow } from './row-parser.js';
import { customFieldFor, mapToCustomField, nextCustomKey, planSheet, type SheetPlan } from './sheet-plan.js';
import type { StoreKeyFilter } from './store-key-filter.js';
import type { PreSealed } from './vault-writer.js';

/** The options a batch keeps (import_batches.options): enough to resume it exactly. */
export interface StoredOptions {
  purposes: string[];
  sheet: string | null;
  encoding: string | null;
  /** Absent in batches stored before --delimiter existed: those were sniffed (.txt) or commas (.csv). */
  delimiter?: string | null;
  mapping: Record<string, string>;
  lenient: boolean;
  onDuplicate: 'skip' | 'merge' | 'overwrite';
  kind: CustomerKind | null;
  createFields: boolean;
  fileName: string;
}

export interface ChunkItem {
  seq: number;
  row: TableRow;
  plan: SheetPlan;
}

/** How many of a batch's lookup keys went to the store (the rest the store key filter turned away). */
export interface LookupTally {
  keys: number;
  lookedUp: number;
}

/**
 * The store's customers sharing an identity key with the chunk's rows, and which the actor may see.
 * `pending` holds the keys of customers this batch created in earlier chunks whose index rows are not
 * searchable yet; its candidates are confirmed against those rows. `filter`, when given, spares the
 * lookups of keys the store certainly does not hold (store-key-filter.ts).
 */
export async function matchStore(
  repo: IngestRepo,
  db: Db | Trx,
  keys: BlindIndexer,
  rows: readonly ValidRow[],
  scope: DataScope,
  pending?: PendingKeys,
  filter?: StoreKeyFilter | null,
  tally?: LookupTally,
): Promise<StoreMatches> {
  const { lookup, pairNames } = chunkLookupKeys(keys, rows);
  const probe = filter ? lookup.filter((k) => filter.mayHold(k)) : lookup;
  if (tally) {
    tally.keys += lookup.length;
    tally.lookedUp += probe.length;
  }
  const hits = await repo.lookupIndex(db, probe);
  if (pending && pending.size > 0) {
    const maybe = pending.candidates(lookup);
    if (maybe.length) hits.push(...(await repo.indexRowsOf(db, maybe, lookup)));
  }
  const byMobile = [...new Set(hits.filter((h) => h.field === 'mobile').map((h) => h.customerId))];
  if (byMobile.length && pairNames.length) hits.push(...(await repo.indexRowsOf(db, byMobile, pairNames)));
  const candidates = await repo.candidates(
    db,
    hits.map((h) => h.customerId),
  );
  const visible = await repo.inScope(
    db,
    candidates.map((c) => c.id),
    scope,
  );
  return new StoreMatches(hits, candidates, visible);
}

/** Rows a chunk's resolution turned away (duplicates outside the actor's scope), as quarantine rows. */
export function blockedRows(parsed: ParsedChunk, blocked: readonly RowRef[]): RejectedRow[] {
  const seqs = new Set(blocked.map((b) => b.seq));
  return parsed.valid
    .filter((v) => seqs.has(v.ref.seq))
    .map((v) => ({
      ref: v.ref,
      headers: v.headers,
      cells: v.cells,
      ...(v.mapping ? { mapping: v.mapping } : {}),
      reasons: [{ code: 'DUPLICATE_OUT_OF_SCOPE', column: null, header: null, field: null }],
    }));
}

/**
 * Groups the file's rows into chunks of `size` data rows. Every row gets a sequence number (headers and
 * blank rows too); rows up to `skip` were committed by an earlier run and are passed over, but headers
 * are always read so each sheet's plan is rebuilt. The last chunk may be empty: it carries the end.
 */
/** A sheet's plan from its header: the cells, the header's row and, when it spans two, that count. */
export type PlanFor = (sheet: string, headers: string[], headerRow: number, headerRows?: number) => SheetPlan;

export async function* chunked(
  rows: AsyncIterable<TableRow>,
  skip: number,
  size: number,
  planFor: PlanFor,
): AsyncGenerator<{ items: ChunkItem[]; lastSeq: number }> {
  let seq = 0;
  let items: ChunkItem[] = [];
  const plans = new Map<string, SheetPlan>();
  for await (const row of rows) {
    seq++;
    if (row.isHeader) {
      plans.set(row.sheet, planFor(row.sheet, row.cells, row.rowNumber, row.headerRows));
      continue;
    }
    if (seq <= skip) continue;
    const plan = plans.get(row.sheet);
    if (!plan) continue;
    items.push({ seq, row, plan });
    if (items.length >= size) {
      yield { items, lastSeq: seq };
      items = [];
    }
  }
  yield { items, lastSeq: Math.max(seq, skip) };
}

export interface ParsedChunk {
  /**
   * `sealed`: the new customer the row would become, sealed ahead by the chunk producer. `mapping`: the
   * sheet's column decisions (resolvedMapping), kept with the row should it be quarantined.
   */
  valid: Array<{
    row: ValidRow;
    ref: RowRef;
    headers: string[];
    cells: string[];
    mapping?: Record<string, string>;
    sealed?: PreSealed;
  }>;
  rejected: RejectedRow[];
  counts: ImportCounts;
}

/** Parses a chunk's rows: blanks counted, rejections collected with their reasons, the rest valid. */
export function parseChunk(
  items: readonly ChunkItem[],
  opts: { lenient: boolean; kind: CustomerKind | null },
  stats: ColumnStats,
): ParsedChunk {
  const out: ParsedChunk = { valid: [], rejected: [], counts: emptyCounts() };
  const { counts } = out;
  for (const { seq, row, plan } of items) {
    const parsed = parseRow(
      plan,
      row.cells,
      { lenient: opts.lenient, defaultKind: opts.kind, spansRows: row.spansRows },
      stats,
    );
    const ref = { seq, sheet: row.sheet, rowNumber: row.rowNumber };
    if (parsed.type === 'blank') {
      counts.blank++;
      continue;
    }
    counts.read++;
    if (parsed.type === 'rejected') {
      counts.rejected++;
      for (const code of new Set(parsed.reasons.map((r) => r.code)))
        counts.byReason[code] = (counts.byReason[code] ?? 0) + 1;
      out.rejected.push({
        ref,
        headers: plan.headers,
        cells: row.cells,
        mapping: resolvedMapping(plan),
        reasons: parsed.reasons,
      });
    } else
      out.valid.push({
        row: parsed,
        ref,
        headers: plan.headers,
        cells: row.cells,
        mapping: resolvedMapping(plan),
      });
  }
  return out;
}

const resolvedMappings = new WeakMap<SheetPlan, Record<string, string>>();

/**
 * How the import read each column of a sheet, by column letter: its field (`company.address`, a custom
 * field), `kind`, or `-`. A quarantined row keeps it, so its retry reads the row as the import did: the
 * retry has no sample, and a 电话 column's landline, or a column given a custom field by
 * --create-fields, was decided from the sample and the catalog of the moment. The columns composing the
 * region are left to their headers, which decide them alone.
 */
export function resolvedMapping(plan: SheetPlan): Record<string, string> {
  let mapping = resolvedMappings.get(plan);
  if (!mapping) {
    mapping = {};
    for (const c of plan.columns) {
      if (c.role === 'kind') mapping[c.letter] = 'kind';
      else if (c.role === 'ignored') mapping[c.letter] = '-';
      else if (c.role === 'field' && c.field && !c.regionPart) mapping[c.letter] = c.field;
    }
    resolvedMappings.set(plan, mapping);
  }
  return mapping;
}

/**
 * Builds sheet plans for an import: mapping, 客户类型 column, detections from the sample, and for
 * unmapped columns the custom field they become (reused by label, or the key it would be created
 * under).
 */
export function planner(
  opts: Pick<StoredOptions, 'mapping' | 'createFields'>,
  catalog: () => ReadonlyMap<string, FieldDef>,
  samples: ReadonlyMap<string, SheetSample>,
): (sheet: string, headers: string[], headerRow?: number, headerRows?: number) => SheetPlan {
  const previewed = new Set<string>();
  return (sheet, headers, headerRow, headerRows) => {
    const defs = catalog();
    const plan = planSheet(sheet, headers, opts.mapping, defs, samples.get(sheet)?.columns);
    if (headerRow !== undefined && (headerRow > 1 || headerRows === 2)) plan.headerRow = headerRow;
    if (headerRows === 2) plan.headerRows = 2;
    for (const c of plan.columns) {
      if (c.role !== 'unmapped' || !c.proposal) continue;
      // A custom field labelled like the header (made by an earlier import) is used like a synonym.
      const existing = customFieldFor(defs, c.header);
      if (existing) mapToCustomField(c, existing);
      else {
        const key = nextCustomKey(defs, previewed);
        previewed.add(key);
        c.proposal.customKey = key;
      }
    }
    return plan;
  };
}
