import { writeFile } from 'node:fs/promises';
import { AppError } from '../../kernel/errors/app-error.js';
import { writeCsv } from './csv-writer.js';
import { validateCustomerOptions } from './customers.js';
import { dirtyRows, newTally, type RowTally } from './dirty-rows.js';
import { HEADERS } from './table.js';
import type { GenerateFileOptions, SyntheticEncoding, SyntheticSummary } from './types.js';
import { writeXlsx } from './xlsx-writer.js';

function validateFileOptions(opts: GenerateFileOptions): void {
  validateCustomerOptions(opts);
  const rate = opts.dirtyRate ?? 0;
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new AppError('USAGE', { detail: 'dirty rate must be between 0 and 1' });
  }
  if (opts.format !== 'csv' && opts.format !== 'xlsx') {
    throw new AppError('USAGE', { detail: 'format must be csv or xlsx' });
  }
  if (opts.sharedStrings && opts.format !== 'xlsx') {
    throw new AppError('USAGE', { detail: 'shared strings are a workbook (xlsx) option' });
  }
  if (opts.encoding !== undefined && opts.encoding !== 'utf8' && opts.encoding !== 'gbk') {
    throw new AppError('USAGE', { detail: 'encoding must be utf8 or gbk' });
  }
  if (typeof opts.outPath !== 'string' || opts.outPath === '') {
    throw new AppError('USAGE', { detail: 'an output path is required' });
  }
}

function summarise(
  opts: GenerateFileOptions,
  encoding: SyntheticEncoding,
  tally: RowTally,
): SyntheticSummary {
  const expected = {
    // Duplicates and blank rows are extra rows on top of the `count` base records.
    read: opts.count + tally.duplicates,
    blank: tally.blank,
    imported: opts.count - tally.rejected,
    merged: tally.duplicates,
    rejected: tally.rejected,
    flagged: 0,
    byReason: tally.byReason,
  };
  return {
    seed: opts.seed,
    count: opts.count,
    format: opts.format,
    encoding,
    dataRows: tally.dataRows,
    expected,
    dirt: tally.dirt,
    // The keys of `custodian import --json`, so a script compares the two files key by key.
    rowsRead: expected.read,
    imported: expected.imported,
    merged: expected.merged,
    rejected: expected.rejected,
    blank: expected.blank,
    flagged: expected.flagged,
    reasons: { ...expected.byReason },
  };
}

/**
 * Writes a synthetic customer export to `outPath` and its expected import counts to
 * `<outPath>.truth.json`. The same options always produce the same rows (and, for CSV, the same bytes).
 */
export async function generateSyntheticFile(opts: GenerateFileOptions): Promise<SyntheticSummary> {
  validateFileOptions(opts);
  // xlsx is UTF-8 inside whatever was asked; the sidecar says what the file really is.
  const encoding: SyntheticEncoding = opts.format === 'xlsx' ? 'utf8' : (opts.encoding ?? 'utf8');
  const tally = newTally();
  const rows = dirtyRows(
    { count: opts.count, seed: opts.seed, dirtyRate: opts.dirtyRate ?? 0, onProgress: opts.onProgress },
    tally,
  );
  if (opts.format === 'csv') await writeCsv(opts.outPath, HEADERS, rows, encoding);
  else await writeXlsx(opts.outPath, rows, { sharedStrings: opts.sharedStrings === true });
  const summary = summarise(opts, encoding, tally);
  await writeFile(`${opts.outPath}.truth.json`, `${JSON.stringify(summary, null, 2)}\n`, 'utf8');
  return summary;
}
