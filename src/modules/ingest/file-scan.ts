import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../kernel/errors/app-error.js';
import { fileProblem } from '../../kernel/errors/file-errors.js';
import { isLikelyChineseAddress } from '../../kernel/identifiers/address.js';
import { detectInText } from '../../kernel/identifiers/detect-text.js';
import { isLikelyChineseName } from '../../kernel/identifiers/person-name.js';
import type { IdentifierKind } from '../../kernel/identifiers/types.js';
import { knownHeaderCells } from './header-mapping.js';
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
  /** The mapping file's columns: names it gives are column names, whatever they look like. */
  mapping: Record<string, string> = {},
): Promise<Map<string, SheetSample>> {
  const out = new Map<string, SheetSample>();
  const headerRows: TableRow[] = [];
  let seen = 0;
  for await (const row of source.rows({ sampling: true })) {
    if (row.isHeader) {
      refuseIdentifiersAsHeader(row);
      headerRows.push(row);
      out.set(row.sheet, { headers: row.cells, columns: row.cells.map(() => []), rows: 0 });
      continue;
    }
    const sample = out.get(row.sheet);
    if (sample) addSample(sample, row, perColumn);
    if (++seen >= maxRows) break;
  }
  for (const row of headerRows) refuseValuesAsHeader(row, out.get(row.sheet) as SheetSample, mapping);
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
 * on screen. A header cell holding an identifier stops the import before anything is written. The
 * error names the cell and what it holds, never the value.
 */
function refuseIdentifiersAsHeader(row: TableRow): void {
  for (const [i, cell] of row.cells.entries()) {
    const found = detectInText(cell).find((d) => DATA_KINDS.has(d.kind));
    if (found) throw noHeader(row, i, DATA_KINDS.get(found.kind) as { zh: string; en: string });
  }
}

/**
 * The same for a header row of names and addresses, which no identifier detector sees. Only a row where
 * no cell is a known column name (a real header almost always has one, and the mapping file can name the
 * rest) is looked at, and a cell counts only when most values below it are of its kind too: 金额 and
 * 成交价 read as names but head numbers, and 所在省市区街道 reads as an address.
 * - an address: a province or city with a street or a number;
 * - a name: three or four characters (two-character words after a surname are too often ordinary
 *   words), or dot-separated parts.
 */
function refuseValuesAsHeader(row: TableRow, sample: SheetSample, mapping: Record<string, string>): void {
  if (knownHeaderCells(row.cells, mapping) > 0) return;
  for (const [i, cell] of row.cells.entries()) {
    const below = sample.columns[i] ?? [];
    if (isLikelyChineseAddress(cell) >= 0.9 && mostly(below, isLikelyChineseAddress))
      throw noHeader(row, i, { zh: '地址', en: 'an address' });
    const fullName = cell.trim().length >= 3 && isLikelyChineseName(cell) >= 0.7;
    if (fullName && mostly(below, isLikelyChineseName))
      throw noHeader(row, i, { zh: '人名', en: 'a personal name' });
  }
}

/** Whether at least 60% of a column's sampled values score 0.7 or more. */
function mostly(values: readonly string[], score: (value: string) => number): boolean {
  const hits = values.filter((v) => score(v) >= 0.7).length;
  return values.length > 0 && hits >= values.length * 0.6;
}

function noHeader(row: TableRow, index: number, kind: { zh: string; en: string }): AppError {
  return new AppError('IMPORT_NO_HEADER', {
    sheet: row.sheet,
    row: row.rowNumber,
    column: columnLetter(index + 1),
    kindZh: kind.zh,
    kind: kind.en,
  });
}

function addSample(sample: SheetSample, row: TableRow, perColumn: number): void {
  if (row.cells.length === 0) return;
  sample.rows++;
  row.cells.forEach((cell, i) => {
    const column = sample.columns[i];
    if (column && column.length < perColumn && cell.trim() !== '') column.push(cell);
  });
}
