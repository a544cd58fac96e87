import { basename } from 'node:path';
import { AppError } from '../../kernel/errors/app-error.js';
import { fileProblem, statOrNull } from '../../kernel/errors/file-errors.js';
import {
  type ColumnDetection,
  type Detection,
  detectColumn,
  detectInText,
} from '../../kernel/identifiers/index.js';
import type { FieldDef } from '../customers/customer-types.js';
import { DEFAULT_FIELDS } from '../customers/default-fields.js';
import { maskCell } from '../ingest/column-stats.js';
import { sampleSheets } from '../ingest/file-scan.js';
import { looksLikeHeaderRow } from '../ingest/header-mapping.js';
import { columnLetter } from '../ingest/ingest-types.js';
import { openTable } from '../ingest/readers/index.js';
import { planSheet } from '../ingest/sheet-plan.js';

/** The built-in catalog: detection needs no store, and maps as an import into a new store would. */
const DEFAULT_CATALOG: ReadonlyMap<string, FieldDef> = new Map(
  DEFAULT_FIELDS.map((d) => [d.key, { ...d, builtin: true }]),
);

export interface ColumnFinding {
  sheet: string;
  column: string;
  header: string;
  /**
   * The field an import would map the column to with the built-in catalog: by its header's synonyms,
   * a 电话 column by its content, 省份/城市/区县 composed into `region`.
   */
  mappedField: string | null;
  /** For a column left unmapped: the built-in field its content looks like (map it with --mapping). */
  suggestedField: string | null;
  detected: (Omit<ColumnDetection, 'suggestedGrade'> & { grade: ColumnDetection['suggestedGrade'] }) | null;
  /** Masked examples only. */
  examples: string[];
}

export type DetectResult =
  | {
      mode: 'file';
      file: string;
      format: string;
      encoding: string | null;
      /** Text files: the field delimiter (named by --delimiter, a "sep=" line, or sniffed). */
      delimiter: string | null;
      sampledRows: number;
      columns: ColumnFinding[];
    }
  | {
      mode: 'text';
      length: number;
      findings: Array<Omit<Detection, never>>;
      summary: Record<string, number>;
    };

/** A lone word ending in a table's extension: a file name, never text worth scanning. */
const TABLE_FILE_NAME = /^\S+\.(xlsx|xls|csv|tsv|txt|htm|html|xml)$/i;

/**
 * True when `arg` names an existing file (then it is read as a table, otherwise scanned as text). A
 * file name that names no file is FILE_NOT_FOUND: scanned as text, a mistyped name would answer
 * "nothing found", as if the file held no personal data.
 */
export function isFilePath(arg: string): boolean {
  const found = statOrNull(arg);
  if (found?.isFile()) return true;
  if (found?.isDirectory())
    throw new AppError('FILE_ACCESS_FAILED', { path: arg, detail: fileProblem('EISDIR') });
  if (TABLE_FILE_NAME.test(arg.trim())) throw new AppError('FILE_NOT_FOUND', { path: basename(arg) });
  return false;
}

/**
 * Classifies each column of a table from a sample of its rows (header synonyms plus detectColumn).
 * Nothing of the content leaves except masked examples.
 */
export async function detectFile(
  path: string,
  opts: { sheet?: string; encoding?: string; delimiter?: string } = {},
): Promise<DetectResult> {
  const source = await openTable(path, { ...opts, isHeader: (cells) => looksLikeHeaderRow(cells) });
  const samples = await sampleSheets(source, 1000, 200);
  const columns: ColumnFinding[] = [];
  let sampledRows = 0;
  for (const [sheet, sample] of samples) {
    sampledRows += sample.rows;
    const plan = planSheet(sheet, sample.headers, {}, DEFAULT_CATALOG, sample.columns);
    sample.headers.forEach((header, i) => {
      const values = sample.columns[i] ?? [];
      const planned = plan.columns[i];
      const d = planned?.detected ?? detectColumn(values);
      const detected = d
        ? {
            kind: d.kind,
            confidence: d.confidence,
            matched: d.matched,
            sampled: d.sampled,
            category: d.category,
            sensitive: d.sensitive,
            grade: d.suggestedGrade,
            ...(d.minorsUnder14 ? { minorsUnder14: d.minorsUnder14 } : {}),
          }
        : null;
      columns.push({
        sheet,
        column: columnLetter(i + 1),
        header,
        mappedField: planned?.field ?? null,
        suggestedField: planned?.proposal?.builtinField ?? null,
        detected,
        // The detected kind's mask reads raw cells (separators, +86); the field's rule is for the rest.
        examples: values
          .slice(0, 3)
          .map((v) =>
            maskCell(v, { def: d ? null : (planned?.def ?? null), detected: d, role: planned?.role }),
          ),
      });
    });
  }
  return {
    mode: 'file',
    file: basename(path),
    format: source.format,
    encoding: source.encoding ?? null,
    delimiter: source.delimiter ?? null,
    sampledRows,
    columns,
  };
}

/** Finds identifiers in free text; each finding carries its offsets and masked form, never the text. */
export function detectText(text: string): DetectResult {
  const findings = detectInText(text);
  const summary: Record<string, number> = {};
  for (const f of findings) summary[f.kind] = (summary[f.kind] ?? 0) + 1;
  return { mode: 'text', length: text.length, findings, summary };
}
