import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../kernel/errors/app-error.js';
import { fileProblem } from '../../kernel/errors/file-errors.js';
import { detectInText } from '../../kernel/identifiers/detect-text.js';
import type { IdentifierKind } from '../../kernel/identifiers/types.js';
import { columnLetter } from './ingest-types.js';
import { readBytes } from './readers/file-access.js';
import type { TableRow, TableSource } from './readers/index.js';

/** SHA-256 and size of a file, read as a stream. */
export async function fileFacts(path: string): Promise<{ sha256: string; size: number }> {
  const info = await stat(path).catch(() => {
    throw new AppError('FILE_NOT_FOUND', { path: basename(path) });
  });
  if (info.isDirectory())
    throw new AppError('FILE_ACCESS_FAILED', { path: basename(path), detail: fileProblem('EISDIR') });
  if (!info.isFile()) throw new AppError('FILE_NOT_FOUND', { path: basename(path) });
  const hash = createHash('sha256');
  for await (const chunk of readBytes(path)) hash.update(chunk as Buffer);
  return { sha256: hash.digest('hex'), size: info.size };
}

export interface SheetSample {
  headers: string[];
  /** Non-empty values per column, in file order. */
  columns: string[][];
  rows: number;
}

/**
 * The first data rows of each sheet, for column classification and custom-field proposals. Reads at
 * most `maxRows` rows of the file, then stops (the reader closes the file).
 */
export async function sampleSheets(
  source: TableSource,
  maxRows = 1000,
  perColumn = 200,
): Promise<Map<string, SheetSample>> {
  const out = new Map<string, SheetSample>();
  let seen = 0;
  for await (const row of source.rows({ sampling: true })) {
    if (row.isHeader) {
      refuseDataAsHeader(row);
      out.set(row.sheet, { headers: row.cells, columns: row.cells.map(() => []), rows: 0 });
      continue;
    }
    const sample = out.get(row.sheet);
    if (sample) addSample(sample, row, perColumn);
    if (++seen >= maxRows) break;
  }
  return out;
}

/** Identifiers no column name holds, with their names for the error. */
const DATA_KINDS: ReadonlyMap<IdentifierKind, { zh: string; en: string }> = new Map([
  ['id-number', { zh: '身份证号', en: 'an ID number' }],
  ['mobile', { zh: '手机号', en: 'a mobile number' }],
  ['landline', { zh: '电话号码', en: 'a phone number' }],
  ['email', { zh: '邮箱地址', en: 'an email address' }],
  ['uscc', { zh: '统一社会信用代码', en: 'a USCC' }],
  ['bank-card', { zh: '银行卡号', en: 'a bank card number' }],
]);

/**
 * A file without a header row: its first row is taken for the header (no row above reads as one), so
 * that customer would be lost and its values kept in clear as column names, in the batch's report and
 * on screen. A header cell holding an identifier stops the import before anything is written; the
 * error names the cell and what it holds, never the value.
 */
function refuseDataAsHeader(row: TableRow): void {
  for (const [i, cell] of row.cells.entries()) {
    const found = detectInText(cell).find((d) => DATA_KINDS.has(d.kind));
    if (!found) continue;
    const kind = DATA_KINDS.get(found.kind) as { zh: string; en: string };
    throw new AppError('IMPORT_NO_HEADER', {
      sheet: row.sheet,
      row: row.rowNumber,
      column: columnLetter(i + 1),
      kindZh: kind.zh,
      kind: kind.en,
    });
  }
}

function addSample(sample: SheetSample, row: TableRow, perColumn: number): void {
  if (row.cells.length === 0) return;
  sample.rows++;
  row.cells.forEach((cell, i) => {
    const column = sample.columns[i];
    if (column && column.length < perColumn && cell.trim() !== '') column.push(cell);
  });
}
