import { AppError } from '../../../kernel/errors/app-error.js';
import { detectEncoding, resolveEncodingName } from './encoding.js';
import { readBytes } from './file-access.js';
import { type MarkupToken, MarkupTokenizer, MarkupTooLongError } from './markup-tokenizer.js';
import { findSheetIndex } from './sheet-choice.js';
import { SpanGrid } from './span-grid.js';
import { decodeText } from './text-decoder.js';
import type { ReadMeter } from './types.js';

/** A markup file saved as .xls: an HTML table or Excel 2003 XML. */
export interface MarkupFile {
  path: string;
  /** Base name, the only form of the path that may appear in messages. */
  fileName: string;
  size: number;
  /** The first bytes of the file (up to SAMPLE_BYTES). */
  sample: Buffer;
  format: 'html' | 'spreadsheetml';
}

const READ_CHUNK = 64 * 1024;
/** The longest cell text taken: beyond it the file is damaged (a cell never closed swallowing the rest). */
const MAX_CELL_CHARS = 256 * 1024;

/** Refuses a cell of row `row` grown past MAX_CELL_CHARS: `chars` is its length so far. */
export function checkCellLength(file: MarkupFile, row: number, chars: number): void {
  if (chars > MAX_CELL_CHARS)
    throw markupCorrupt(
      file,
      `row ${row}: a cell of more than ${MAX_CELL_CHARS} characters (a cell never closed?)`,
    );
}

/** The span grid of a markup reader: a row laid out wider than Excel's is the file's damage. */
export function markupGrid(file: MarkupFile): SpanGrid {
  return new SpanGrid((row) => {
    throw markupCorrupt(file, `row ${row}: wider than 16,384 columns`);
  });
}

/**
 * The decoder for a markup file: --encoding, else a BOM, else the charset the markup declares
 * (`<meta charset=gb2312>`, `<?xml encoding="GBK"?>`), else the detected one. GB2312 and GBK are read
 * as GB18030, their superset: exporters declare gb2312 and write GBK characters.
 */
export function markupEncoding(sample: Buffer, fileName: string, forced: string | undefined): string {
  if (forced) return resolveEncodingName(forced, fileName);
  const bom = bomEncoding(sample);
  if (bom) return bom;
  const declared = declaredEncoding(sample, fileName);
  if (declared) return declared;
  // Only now may detection refuse the bytes: a page declaring windows-1252 is not GBK, and need not be.
  const detected = detectEncoding(sample, fileName).encoding;
  return detected === 'utf8-bom' ? 'utf8' : detected;
}

function bomEncoding(sample: Buffer): string | null {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf16be';
  return null;
}

/** The charset the markup declares, as a decoder name; null when none, or one iconv does not know. */
function declaredEncoding(sample: Buffer, fileName: string): string | null {
  const head = sample.subarray(0, 4096).toString('latin1');
  const declared =
    /<meta[^>]+charset\s*=\s*["']?\s*([\w.-]+)/i.exec(head)?.[1] ??
    /<\?xml[^>]+encoding\s*=\s*["']([\w.-]+)/i.exec(head)?.[1];
  if (!declared) return null;
  const name = declared.toLowerCase();
  if (/^(gb2312|gbk|gb18030|cp936|x-gbk|euc-cn)$/.test(name)) return 'gb18030';
  if (/^utf-?8$/.test(name)) return 'utf8';
  try {
    return resolveEncodingName(name, fileName);
  } catch {
    // A name iconv does not know: the bytes decide.
    return null;
  }
}

/**
 * The file's markup tokens, decoded and streamed, a batch per chunk read (iterating an async generator
 * per token would cost more than tokenizing); `meter` counts the bytes read.
 */
export async function* markupTokens(
  file: MarkupFile,
  encoding: string,
  meter?: ReadMeter,
): AsyncGenerator<MarkupToken[]> {
  const tokenizer = new MarkupTokenizer();
  const stream = readBytes(file.path, { highWaterMark: READ_CHUNK });
  if (meter) meter.done = 0;
  const step = (run: () => MarkupToken[]): MarkupToken[] => {
    try {
      return run();
    } catch (err) {
      if (err instanceof MarkupTooLongError) throw markupCorrupt(file, 'a tag or comment that never ends');
      throw err;
    }
  };
  try {
    for await (const text of decodeText(counted(stream, meter), encoding, file, false)) {
      yield step(() => tokenizer.push(text));
    }
    yield step(() => tokenizer.end());
  } finally {
    stream.destroy();
  }
}

async function* counted(chunks: AsyncIterable<Buffer>, meter?: ReadMeter): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    if (meter) meter.done += chunk.length;
    yield chunk;
  }
}

export function markupCorrupt(file: MarkupFile, reason: string): AppError {
  return new AppError('IMPORT_FILE_CORRUPT', { file: file.fileName, format: file.format }, { reason });
}

/** The sheet of `sheets` that --sheet names (see findSheetIndex), or null for every sheet. */
export function chooseMarkupSheet(
  sheets: readonly string[],
  name: string | undefined,
  file: MarkupFile,
): number | null {
  if (name === undefined) return null;
  return findSheetIndex(sheets, name, file.fileName);
}
