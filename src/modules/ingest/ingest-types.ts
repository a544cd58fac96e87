/** Shapes of the import pipeline, shared by the service, the CLI, the routes and the console. */
import type { DataGrade, IdentifierKind } from '../../kernel/identifiers/index.js';
import type { CustomerKind } from '../customers/customer-types.js';

/**
 * Rows per transaction (and per chunk handed from the producer worker). 250, not 1,000: what a chunk
 * holds stays alive until it is written, on both threads, and every young-generation collection copies
 * it again. At 1,000 rows garbage collection took 21 µs a row on the importing thread and 32 on the
 * worker; at 250, 9 and 25 (CPU profiles, 200k rows). 1M rows into an empty store, two back-to-back
 * pairs: 118 s and 130 s against 160 s and 140 s, 195–214 CPU-s against 243–277, peak RSS 290–294 MB
 * against 347–351. Four times as many commits did not show in SQLite's time (60 against 64 µs a row).
 */
export const DEFAULT_CHUNK_ROWS = 250;
/** A chunk is one transaction held in memory whole: past this, memory grows and a crash loses more. */
export const MAX_CHUNK_ROWS = 10_000;

export const ON_DUPLICATE = ['skip', 'merge', 'overwrite'] as const;
export type OnDuplicate = (typeof ON_DUPLICATE)[number];

export type BatchStatus = 'running' | 'completed' | 'failed' | 'rolling_back' | 'rolled_back';

export interface ImportProgress {
  rows: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface ImportOptions {
  purposes: string[];
  sheet?: string | undefined;
  encoding?: string | undefined;
  /** Field delimiter of a text file (one character, or tab/comma/semicolon/pipe); sniffed when absent. */
  delimiter?: string | undefined;
  /** Header text, column letter or number -> field key or "-" (see mapHeaders). */
  mapping?: Record<string, string> | undefined;
  dryRun?: boolean | undefined;
  lenient?: boolean | undefined;
  onDuplicate?: OnDuplicate | undefined;
  /** Kind for rows whose 客户类型 column is absent or empty; otherwise inferred per row. */
  kind?: CustomerKind | undefined;
  /** Create custom catalog fields for unmapped columns (grade from detection). */
  createFields?: boolean | undefined;
  /** Continue this batch (the same file) after its last committed chunk. */
  resume?: string | undefined;
  /** The file name recorded as the source (`import:<name>`); defaults to the path's base name. */
  fileName?: string | undefined;
  /** Rows per transaction; DEFAULT_CHUNK_ROWS when not given. */
  chunkSize?: number | undefined;
  /**
   * Where rows are parsed and sealed: a worker thread beside the writer (`thread`), the calling thread
   * (`inline`), or by file size (`auto`, the default: a thread from THREAD_MIN_BYTES up).
   */
  producer?: 'auto' | 'thread' | 'inline' | undefined;
  /**
   * The share of valid rows the inline producer leaves unsealed for the writer to seal (0 by default).
   * The worker sets its own share as it goes; this fixes one so a test can cover that path every time.
   */
  unsealedShare?: number | undefined;
  /**
   * Whether a large load into a large SQLite store may read the org's lookup keys into a filter first
   * (`auto`, the default) or looks every key up (`off`): lets a test compare the two.
   */
  storeFilter?: 'auto' | 'off' | undefined;
  /** When the batch's rows are written: how many of its lookup keys went to the store. */
  onLookups?: ((tally: { keys: number; lookedUp: number }) => void) | undefined;
  /** After each committed chunk: rows so far, and how far into the file (bytes) the reader is. */
  onProgress?: ((p: ImportProgress) => void | Promise<void>) | undefined;
  /** Also write the rejected rows (original cells + 错误原因) to this .xlsx or .csv file. */
  rejectsFile?: string | undefined;
}

/** One problem with one cell (or the whole row when column is null). Codes and headers only. */
export interface RowReason {
  code: string;
  /** Column letter, e.g. "D"; null for row-level reasons such as NOT_IDENTIFYING. */
  column: string | null;
  header: string | null;
  field: string | null;
}

export interface ImportCounts {
  /** Non-blank data rows. */
  read: number;
  blank: number;
  /** Rows that became a new customer. */
  imported: number;
  /** Duplicate rows merged into an earlier row or an existing customer (or overwriting it). */
  merged: number;
  /** Of `merged`, those whose target already existed before this batch. */
  mergedWithStore: number;
  /** Duplicate rows left alone under --on-duplicate skip. */
  skipped: number;
  rejected: number;
  /** Imported or merged rows that carry a flag (e.g. lenient:idNumber). */
  flagged: number;
  /** Differing values kept aside instead of overwriting. */
  conflicts: number;
  /** Companies created because a contact named one not found in the store or the file. */
  companiesCreated: number;
  /** Rejections per reason code (a row counts once per distinct code). */
  byReason: Record<string, number>;
  byKind: Record<CustomerKind, number>;
  /** Flagged rows per flag (lenient:idNumber, inconsistent:gender…); a row counts once per flag. */
  byFlag: Record<string, number>;
}

export interface ColumnDetectionSummary {
  kind: IdentifierKind;
  confidence: number;
  grade: DataGrade;
  sensitive: boolean;
}

export interface ColumnReport {
  sheet: string;
  column: string;
  header: string;
  /** Catalog field, "kind" for the 客户类型 column, or null (not imported). */
  field: string | null;
  via: 'synonym' | 'override' | 'none' | 'kind' | 'custom';
  filled: number;
  valid: number;
  /** filled / rows read; valid / filled. */
  fillRate: number;
  validRate: number;
  detected: ColumnDetectionSummary | null;
  /**
   * For an unmapped column: the custom field it would become, or the built-in field it looks like
   * (`builtinField`, when that field is free in the sheet). `like`: the built-in field whose value type
   * and mask a custom field made for it takes (a column of second mobiles is checked and masked as
   * mobiles), whether or not that field is free.
   */
  proposal: {
    grade: DataGrade;
    builtinField: string | null;
    customKey: string | null;
    like: string | null;
  } | null;
  /** Masked examples only. */
  examples: string[];
}

/** The totals scripts rely on (issue contract): also the keys of the generator's `.truth.json`. */
export interface ImportTotals {
  rowsRead: number;
  imported: number;
  merged: number;
  rejected: number;
  blank: number;
  flagged: number;
  /** Reason code -> rejected rows. */
  reasons: Record<string, number>;
}

export function importTotals(c: ImportCounts): ImportTotals {
  return {
    rowsRead: c.read,
    imported: c.imported,
    merged: c.merged,
    rejected: c.rejected,
    blank: c.blank,
    flagged: c.flagged,
    reasons: { ...c.byReason },
  };
}

export interface ImportReport extends Partial<ImportTotals> {
  batchId: string | null;
  status: BatchStatus | 'dry-run';
  dryRun: boolean;
  file: {
    name: string;
    sha256: string;
    size: number;
    format: string;
    encoding: string | null;
    /** Text files: the delimiter the rows were split on (absent in reports written before it was recorded). */
    delimiter?: string | null;
  };
  options: {
    purposes: string[];
    onDuplicate: OnDuplicate;
    lenient: boolean;
    kind: CustomerKind | null;
    sheet: string | null;
    createFields: boolean;
  };
  counts: ImportCounts;
  columns: ColumnReport[];
  /** Data rows read per sheet. */
  sheets: SheetSummary[];
  /** Hidden worksheets not read (import one with --sheet); absent when there are none. */
  hiddenSheets?: string[];
  rowsDone: number;
  resumed: boolean;
  startedAt: string;
  finishedAt: string | null;
  error: { code: string } | null;
  rolledBack: boolean;
  /** Path of the rejects file, when one was asked for. */
  rejectsFile?: string;
  /**
   * Where a completed run's time went, in seconds: reading, checking and writing the rows, then making
   * them searchable (the search and public-value indexes built at the batch's end). A resumed batch
   * reports its last run.
   */
  timings?: { rowsSeconds: number; indexSeconds: number };
  /** What each counted reason code and flag means, in Chinese and English (absent from older reports). */
  messages?: {
    reasons: Record<string, { zh: string; en: string }>;
    flags: Record<string, { zh: string; en: string }>;
  };
}

export interface BatchSummary {
  id: string;
  status: BatchStatus;
  fileName: string;
  fileSha256: string;
  rowsDone: number;
  counts: ImportCounts;
  actor: string;
  createdAt: string;
  finishedAt: string | null;
  errorCode: string | null;
}

export const QUARANTINE_STATUSES = ['open', 'fixed', 'discarded'] as const;

export interface QuarantineItem {
  seq: number;
  sheet: string;
  row: number;
  status: 'open' | 'fixed' | 'discarded';
  reasons: RowReason[];
  customerId: string | null;
  /** Header -> cell, masked unless revealed. */
  cells: Array<{ column: string; header: string; value: string }>;
  revealed: boolean;
}

export function emptyCounts(): ImportCounts {
  return {
    read: 0,
    blank: 0,
    imported: 0,
    merged: 0,
    mergedWithStore: 0,
    skipped: 0,
    rejected: 0,
    flagged: 0,
    conflicts: 0,
    companiesCreated: 0,
    byReason: {},
    byKind: { individual: 0, company: 0, contact: 0 },
    byFlag: {},
  };
}

/** Adds `delta` into `into` (numbers summed, per-reason and per-kind maps merged). */
export function addCounts(into: ImportCounts, delta: ImportCounts): void {
  for (const key of Object.keys(into) as Array<keyof ImportCounts>) {
    const v = delta[key];
    if (typeof v === 'number') (into[key] as number) += v;
  }
  for (const [k, n] of Object.entries(delta.byReason)) into.byReason[k] = (into.byReason[k] ?? 0) + n;
  for (const [k, n] of Object.entries(delta.byKind))
    into.byKind[k as CustomerKind] = (into.byKind[k as CustomerKind] ?? 0) + n;
  // Batches stored before byFlag existed have none.
  into.byFlag ??= {};
  for (const [k, n] of Object.entries(delta.byFlag ?? {})) into.byFlag[k] = (into.byFlag[k] ?? 0) + n;
}

/** A sheet of a batch: data rows read, and the header's row when titles stood above it (not imported). */
export interface SheetSummary {
  name: string;
  rows: number;
  headerRow?: number;
  /** 2 when the header spans two rows (group labels over column names). */
  headerRows?: 2;
  /** No column identifies a customer (姓名, 手机, 证件号, 邮箱, 客户名称, USCC): its rows are all rejected. */
  noCustomerColumns?: true;
}

/** 1 -> "A", 27 -> "AA". */
export function columnLetter(index1: number): string {
  let n = index1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** "A" -> 1, "AA" -> 27; null for anything that is not a column letter (up to XFD, Excel's last). */
export function columnNumber(letter: string): number | null {
  if (!/^[A-Za-z]{1,3}$/.test(letter)) return null;
  let n = 0;
  for (const ch of letter.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n <= 16_384 ? n : null;
}
