import { basename, extname } from 'node:path';
import { AppError } from '../../../kernel/errors/app-error.js';
import { fileProblem } from '../../../kernel/errors/file-errors.js';
import { SAMPLE_BYTES } from './encoding.js';
import { openBytes } from './file-access.js';
import { containerKind, ole2Error } from './file-kind.js';
import { looksLikeHtml, openHtmlTable } from './html-table-reader.js';
import { looksLikeSpreadsheetMl, openSpreadsheetMl } from './spreadsheetml-reader.js';
import { openDelimitedText } from './text-reader.js';

export { DELIMITER_HELP, describeDelimiter } from './delimiter-names.js';
export { parseDelimiterOption } from './text-reader.js';

import type { OpenTableOptions, TableSource } from './types.js';
import { openXlsx } from './xlsx-reader.js';

export { type DetectedEncoding, detectEncoding, type EncodingGuess } from './encoding.js';
export type { OpenTableOptions, TableFormat, TableRow, TableSource } from './types.js';

const TEXT_FORMATS = new Set(['csv', 'tsv', 'txt']);
/** Extensions whose content decides the reader: old systems save HTML, XML and text as ".xls". */
const MARKUP_EXTENSIONS = new Set(['xls', 'htm', 'html', 'xml']);

/**
 * Opens a customer list for streaming. Checks happen here, before any row is read: the file exists,
 * its type is supported (by extension and by content: a real .xls is refused with advice, while the
 * HTML tables, Excel 2003 XML and tab-separated text old systems save as .xls are read), the workbook
 * is intact and the requested sheet exists, and a text file's encoding and delimiter are settled.
 */
export async function openTable(path: string, opts: OpenTableOptions = {}): Promise<TableSource> {
  const fileName = opts.fileName ?? basename(path);
  const ext = extname(path).slice(1).toLowerCase();
  const handle = await openBytes(path).catch((err: unknown) => {
    throw isMissing(err) ? new AppError('FILE_NOT_FOUND', { path: fileName }) : err;
  });
  try {
    const stat = await handle.stat();
    if (stat.isDirectory())
      throw new AppError('FILE_ACCESS_FAILED', { path: fileName, detail: fileProblem('EISDIR') });
    if (!stat.isFile()) throw new AppError('FILE_NOT_FOUND', { path: fileName });
    if (ext !== 'xlsx' && !TEXT_FORMATS.has(ext) && !MARKUP_EXTENSIONS.has(ext)) {
      throw new AppError('IMPORT_FILE_UNSUPPORTED', { ext: ext ? `.${ext}` : fileName });
    }
    if (stat.size === 0) throw new AppError('IMPORT_EMPTY_FILE', { file: fileName });

    const sample = Buffer.alloc(Math.min(stat.size, SAMPLE_BYTES));
    const { bytesRead } = await handle.read(sample, 0, sample.length, 0);
    const head = sample.subarray(0, bytesRead);
    const kind = containerKind(head);
    if (kind === 'ole2') throw await ole2Error(handle, head, fileName);
    // A workbook saved under a text extension is still a workbook.
    if (kind === 'zip' || ext === 'xlsx')
      return await openXlsx(path, fileName, stat.size, opts.sheet, opts.isHeader);
    const markup = { path, fileName, size: stat.size, sample: head };
    if (looksLikeSpreadsheetMl(head)) return await openSpreadsheetMl(markup, opts);
    if (looksLikeHtml(head)) return await openHtmlTable(markup, opts);
    if (ext === 'htm' || ext === 'html' || ext === 'xml')
      throw new AppError('IMPORT_FILE_UNSUPPORTED', { ext: `.${ext}` });
    // A ".xls" of plain text: usually tab-separated, as many exporters write it; the delimiter is sniffed.
    const format = ext === 'xls' ? 'txt' : (ext as 'csv' | 'tsv' | 'txt');
    return openDelimitedText({ path, fileName, format, size: stat.size, sample: head }, opts);
  } finally {
    await handle.close();
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
