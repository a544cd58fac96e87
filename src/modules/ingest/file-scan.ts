import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../kernel/errors/app-error.js';
import { fileProblem } from '../../kernel/errors/file-errors.js';
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
      out.set(row.sheet, { headers: row.cells, columns: row.cells.map(() => []), rows: 0 });
      continue;
    }
    const sample = out.get(row.sheet);
    if (sample) addSample(sample, row, perColumn);
    if (++seen >= maxRows) break;
  }
  return out;
}

function addSample(sample: SheetSample, row: TableRow, perColumn: number): void {
  if (row.cells.length === 0) return;
  sample.rows++;
  row.cells.forEach((cell, i) => {
    const column = sample.columns[i];
    if (column && column.length < perColumn && cell.trim() !== '') column.push(cell);
  });
}
