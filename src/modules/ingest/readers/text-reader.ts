import iconv from 'iconv-lite';
import { AppError } from '../../../kernel/errors/app-error.js';
import { columnLetter } from '../ingest-types.js';
import { DelimitedParser, RecordTooLongError, UnclosedQuoteError } from './delimited-parser.js';
import { sniffDelimiter } from './delimiter-sniffer.js';
import { detectEncoding, droppedBomLength, isUtf8Name, resolveEncodingName } from './encoding.js';
import { readBytes } from './file-access.js';
import { RowShaper } from './row-shaper.js';
import { findSheetIndex } from './sheet-choice.js';
import { decodeText } from './text-decoder.js';
import type { OpenTableOptions, ReadMeter, TableRow, TableSource } from './types.js';

export interface TextFile {
  path: string;
  /** Base name, the only form of the path that may appear in messages. */
  fileName: string;
  format: 'csv' | 'tsv' | 'txt';
  size: number;
  /** The first bytes of the file (up to SAMPLE_BYTES). */
  sample: Buffer;
}

const READ_CHUNK = 64 * 1024;

/** Opens a delimited text file; rows are decoded and parsed as the file streams past. */
export function openDelimitedText(file: TextFile, opts: OpenTableOptions): TableSource {
  let label: string;
  let decoderName: string;
  let asciiSample = false;
  if (opts.encoding) {
    decoderName = resolveEncodingName(opts.encoding, file.fileName);
    // The name given ("gbk"), though it is read as its superset.
    label = decoderName === 'gb18030' ? opts.encoding.trim().toLowerCase() : decoderName;
  } else {
    const guess = detectEncoding(file.sample, file.fileName);
    label = guess.encoding;
    decoderName = guess.encoding === 'utf8-bom' ? 'utf8' : guess.encoding;
    asciiSample = guess.encoding === 'utf8' && guess.confidence < 0.6;
  }
  // Without NUL padding at its end (decodeText drops it from the rows too).
  const sampleText = iconv
    .decode(
      file.sample.subarray(droppedBomLength(file.sample, decoderName)),
      isUtf8Name(decoderName) ? 'utf8' : decoderName,
    )
    .replace(/\0+$/, '');
  if (file.size <= file.sample.length && sampleText.trim() === '') {
    throw new AppError('IMPORT_EMPTY_FILE', { file: file.fileName });
  }
  // Excel's "sep=;" first line names the delimiter (European lists use ;); it is not a row of data.
  const sepLine = /^\ufeff?sep=([^\r\n"])\r?\n/i.exec(sampleText);
  const delimiter = opts.delimiter
    ? parseDelimiterOption(opts.delimiter)
    : sepLine
      ? (sepLine[1] as string)
      : file.format === 'tsv'
        ? '\t'
        : sniffDelimiter(
            sampleText,
            file.size <= file.sample.length,
            file.format === 'csv' ? ',' : undefined,
          );
  const sheet = file.fileName.replace(/\.[^.]*$/, '');
  // A text file is one sheet named after the file: a --sheet naming another is a mistake, not a no-op.
  if (opts.sheet !== undefined) findSheetIndex([sheet], opts.sheet, file.fileName);

  const meter: ReadMeter = { done: 0, total: file.size };
  return {
    format: file.format,
    encoding: label,
    delimiter,
    sheets: [sheet],
    rows: () =>
      readRows(file, sheet, decoderName, delimiter, asciiSample, meter, opts.isHeader, sepLine !== null),
    meter,
  };
}

/** Accepts one character, or a name for the awkward ones ("tab", "\t" typed as two characters). */
export function parseDelimiterOption(option: string): string {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const delimiter = named[option.toLowerCase()] ?? option;
  if (delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new AppError('USAGE', { detail: 'the delimiter must be a single character such as , ; | or tab' });
  }
  return delimiter;
}

async function* readRows(
  file: TextFile,
  sheet: string,
  decoderName: string,
  delimiter: string,
  asciiSample: boolean,
  meter: ReadMeter,
  isHeader: OpenTableOptions['isHeader'],
  sepLine: boolean,
): AsyncGenerator<TableRow> {
  const shaper = new RowShaper(sheet, isHeader);
  /** The "sep=" line is no row: Excel hides it, and numbers the header row 1. */
  let skipSepLine = sepLine;
  /** Rows with a cell that swallowed what look like whole rows, until the shaper emits them. */
  const swallowing = new Map<number, number>();
  const accept = function* (record: string[]): Generator<TableRow> {
    if (skipSepLine) {
      skipSepLine = false;
      return;
    }
    const column = swallowedRowsCell(record, delimiter);
    if (column >= 0) swallowing.set(rowNumber + 1, column);
    for (const row of shaper.accept(++rowNumber, record.map(unwrapForcedText))) {
      const at = swallowing.get(row.rowNumber);
      if (at === undefined) yield row;
      else {
        swallowing.delete(row.rowNumber);
        yield row.isHeader || row.preamble ? row : { ...row, spansRows: at };
      }
    }
  };
  const parser = new DelimitedParser(delimiter);
  const stream = readBytes(file.path, { highWaterMark: READ_CHUNK });
  let rowNumber = 0;
  meter.done = 0;
  try {
    for await (const text of decodeText(metered(stream, meter), decoderName, file, asciiSample)) {
      for (const record of parse(() => parser.push(text), file, sepLine)) yield* accept(record);
    }
    for (const record of parse(() => parser.end(), file, sepLine)) yield* accept(record);
    yield* shaper.finish();
  } finally {
    stream.destroy();
  }
  if (!shaper.sawHeader) throw new AppError('IMPORT_EMPTY_FILE', { file: file.fileName });
}

/**
 * The cell (0-based) whose quotes ran across line breaks over lines that read as rows of their own
 * (two or more delimiters on a line), or -1. A quote opened and never closed on its line takes every
 * line up to the next quote into one cell: those customers would vanish into another customer's field.
 * A genuine multi-line cell (an address over two lines) rarely holds two delimiters on one line.
 */
export function swallowedRowsCell(record: readonly string[], delimiter: string): number {
  for (let i = 0; i < record.length; i++) {
    const cell = record[i] as string;
    if (!cell.includes('\n') && !cell.includes('\r')) continue;
    const lines = cell.split(/\r\n|\r|\n/);
    for (let l = 1; l < lines.length; l++) {
      if ((lines[l] as string).split(delimiter).length - 1 >= 2) return i;
    }
  }
  return -1;
}

async function* metered(chunks: AsyncIterable<Buffer>, meter: ReadMeter): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    meter.done += chunk.length;
    yield chunk;
  }
}

/**
 * Runs a parser step; a stray quote becomes IMPORT_FILE_CORRUPT naming the row (records are counted
 * as the file's rows are everywhere else) and the column where the quoted field opened.
 */
function parse(step: () => string[][], file: TextFile, sepLine: boolean): string[][] {
  try {
    return step();
  } catch (err) {
    if (!(err instanceof UnclosedQuoteError || err instanceof RecordTooLongError)) throw err;
    const reason =
      err instanceof UnclosedQuoteError
        ? 'a quote (") opens a field that is never closed, so the rest of the file would be one cell: close or remove it'
        : 'record too long (unbalanced quote?)';
    throw new AppError(
      'IMPORT_FILE_CORRUPT',
      { file: file.fileName, format: file.format },
      { row: err.recordNumber - (sepLine ? 1 : 0), column: columnLetter(err.fieldIndex + 1), reason },
    );
  }
}

/** Exporters write ="0138..." so Excel keeps leading zeros and long digits; the value is what is inside. */
function unwrapForcedText(cell: string): string {
  if (cell.length >= 3 && cell.startsWith('="') && cell.endsWith('"')) {
    return cell.slice(2, -1).replaceAll('""', '"');
  }
  return cell;
}
