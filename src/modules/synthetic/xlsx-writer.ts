import ExcelJS from 'exceljs';
import type { OutputRow } from './dirty-rows.js';
import { AMOUNT_COLUMN, COLUMNS } from './table.js';

/** Fixed document dates keep the workbook's properties identical for a seed. */
const DOCUMENT_DATE = new Date(Date.UTC(2025, 0, 1));
/** Rows between checks of the compressor's backlog. */
const CHECK_EVERY = 2_000;
/** Uncompressed sheet XML allowed to wait for the compressor before rows are held back. */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface WritableInternals {
  writableLength?: number;
  _writableState?: { length?: number };
}

/**
 * Bytes of sheet XML queued in front of the zip compressor. exceljs writes rows into archiver without
 * honouring backpressure, so without waiting on this queue a large sheet piles up in memory (about
 * 650 bytes per row). The queue is a readable-stream v2 PassThrough, which lacks `writableLength`;
 * should a future exceljs change these internals, this reads 0 and writing merely loses the throttle.
 */
function compressorBacklog(sheet: unknown): number {
  const pipes = (sheet as { stream?: { pipes?: unknown[] } }).stream?.pipes;
  const target = pipes?.[0] as WritableInternals | undefined;
  return target?.writableLength ?? target?._writableState?.length ?? 0;
}

interface ZipEngine {
  entry(source: unknown, data: { date?: Date | string | null }, callback?: unknown): unknown;
}

/**
 * Gives every zip entry the fixed document date. Archiver stamps an entry without a date with the time
 * it is added, so the same seed would otherwise give different bytes from one second to the next.
 * exceljs adds its first parts (theme, relationships) inside its constructor, before any option could
 * date them, so the date is set where entries are made: the zip engine (archiver -> zip-stream), which
 * takes queued entries only after this runs. Should those internals change, this throws rather than
 * silently writing time-stamped files (and the byte-identity test of the same seed fails).
 */
function fixEntryDates(workbook: unknown): void {
  const engine = (workbook as { zip?: { _module?: { engine?: ZipEngine } } }).zip?._module?.engine;
  if (!engine || typeof engine.entry !== 'function')
    throw new Error('exceljs internals changed: cannot fix the zip entry dates');
  const entry = engine.entry.bind(engine);
  engine.entry = (source, data, callback) => entry(source, { ...data, date: DOCUMENT_DATE }, callback);
}

/**
 * Streams `rows` into a one-sheet workbook. Identifier columns carry the text format (@); the amount is a
 * number, as in a real export. A blank row is simply not written: Excel stores no element for it. Texts are
 * inline unless `sharedStrings`, which writes them as Excel does (and holds the table until the end).
 */
export async function writeXlsx(
  outPath: string,
  rows: Iterable<OutputRow>,
  opts: { sharedStrings?: boolean } = {},
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: outPath,
    useStyles: true,
    useSharedStrings: opts.sharedStrings === true,
  });
  fixEntryDates(workbook);
  workbook.creator = 'Custodian';
  workbook.created = DOCUMENT_DATE;
  workbook.modified = DOCUMENT_DATE;
  const sheet = workbook.addWorksheet('客户');
  sheet.columns = COLUMNS.map((column) => ({
    header: column.header,
    key: column.key,
    width: column.width,
    style: column.text ? { numFmt: '@' } : {},
  }));
  let written = 0;
  for (const row of rows) {
    const values =
      row === null
        ? []
        : row.map((value, i) => (value === '' ? null : i === AMOUNT_COLUMN ? Number(value) : value));
    sheet.addRow(values).commit();
    if (++written % CHECK_EVERY === 0) {
      await pause(0);
      while (compressorBacklog(sheet) > MAX_BACKLOG_BYTES) await pause(1);
    }
  }
  sheet.commit();
  await workbook.commit();
}
