import { AppError } from '../../../kernel/errors/app-error.js';
import {
  checkCellLength,
  chooseMarkupSheet,
  type MarkupFile,
  markupCorrupt,
  markupEncoding,
  markupGrid,
  markupTokens,
} from './markup-file.js';
import { attribute, decodeEntities, type MarkupToken } from './markup-tokenizer.js';
import { RowShaper } from './row-shaper.js';
import { sheetParams } from './sheet-choice.js';
import type { OpenTableOptions, ReadMeter, TableRow, TableSource } from './types.js';
import { headerWidener } from './xlsx-merges.js';

/**
 * Excel 2003 XML (SpreadsheetML), which .NET and Java systems of that era export, often named .xls:
 * `<Worksheet ss:Name>` sheets of `<Row>`s of `<Cell><Data>` values. `ss:Index` on a row or cell skips
 * to that row or column; `ss:MergeAcross` and `ss:MergeDown` are laid out as merges are in a workbook
 * (span-grid.ts). A DateTime is written as a date (and a time, when it has one); notes (`<Comment>`)
 * are not values. Hidden worksheets are left out unless --sheet names one, and named in the report.
 */

export function looksLikeSpreadsheetMl(sample: Buffer): boolean {
  const head = sample.subarray(0, 4096).toString('latin1').replace(/\0/g, '');
  return /urn:schemas-microsoft-com:office:spreadsheet/.test(head) && /<(?:ss:)?Workbook\b/.test(head);
}

/** A tag's local name: `ss:Row` and `Row` alike (the tokenizer lowercases names). */
function local(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

interface SheetEntry {
  name: string;
  hidden: boolean;
}

export async function openSpreadsheetMl(
  file: Omit<MarkupFile, 'format'>,
  opts: OpenTableOptions,
): Promise<TableSource> {
  const xml: MarkupFile = { ...file, format: 'spreadsheetml' };
  const encoding = markupEncoding(file.sample, file.fileName, opts.encoding);
  const all = await listSheets(xml, encoding);
  if (all.length === 0) throw new AppError('IMPORT_EMPTY_FILE', { file: file.fileName });
  const named = chooseMarkupSheet(
    all.map((s) => s.name),
    opts.sheet,
    xml,
  );
  const visible = all.filter((s) => !s.hidden);
  const wanted = new Set(
    named !== null ? [named] : (visible.length ? visible : all).map((s) => all.indexOf(s)),
  );
  const hiddenSheets = all.filter((s, i) => s.hidden && !wanted.has(i)).map((s) => s.name);
  const meter: ReadMeter = { done: 0, total: file.size };
  return {
    format: 'spreadsheetml',
    encoding,
    sheets: all.filter((_, i) => wanted.has(i)).map((s) => s.name),
    ...(hiddenSheets.length ? { hiddenSheets } : {}),
    rows: () => readRows(xml, encoding, all, wanted, meter, opts.isHeader),
    meter,
  };
}

async function listSheets(file: MarkupFile, encoding: string): Promise<SheetEntry[]> {
  const sheets: SheetEntry[] = [];
  let inVisible = false;
  let visibleText = '';
  for await (const batch of markupTokens(file, encoding))
    for (const t of batch) {
      if (t.type === 'text') {
        if (inVisible && visibleText.length < 64) visibleText += t.text.slice(0, 64);
        continue;
      }
      const name = local(t.name);
      if (name === 'worksheet' && t.type === 'open') {
        if (sheets.length >= MAX_SHEETS) throw markupCorrupt(file, `more than ${MAX_SHEETS} worksheets`);
        sheets.push({
          name: attribute(t.attrs, 'ss:Name') ?? attribute(t.attrs, 'Name') ?? `Sheet${sheets.length + 1}`,
          hidden: false,
        });
      } else if (name === 'visible') {
        inVisible = t.type === 'open' && !t.selfClosing;
        if (!inVisible) {
          const sheet = sheets.at(-1);
          if (sheet && /SheetHidden|SheetVeryHidden/i.test(visibleText)) sheet.hidden = true;
          visibleText = '';
        }
      }
    }
  return sheets;
}

/** A DateTime value as a date, with its time only when it has one: 1990-03-07T00:00:00.000 -> 1990-03-07. */
function dateTimeText(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?$/.exec(text.trim());
  if (!m) return text;
  return m[2] === '00:00:00' ? (m[1] as string) : `${m[1]} ${m[2]}`;
}

/** Excel's limits: a hostile number is capped rather than allowed to lay out a billion cells. */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;
/** More worksheets than a workbook has in practice: beyond it the file is damage or an attack. */
const MAX_SHEETS = 1_000;

function spanAttr(attrs: string, name: string, max: number): number {
  const n = Number(attribute(attrs, `ss:${name}`) ?? attribute(attrs, name));
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : 0;
}

async function* readRows(
  file: MarkupFile,
  encoding: string,
  sheets: readonly SheetEntry[],
  wanted: ReadonlySet<number>,
  meter: ReadMeter,
  isHeader: OpenTableOptions['isHeader'],
): AsyncGenerator<TableRow> {
  const grid = markupGrid(file);
  const widen = headerWidener(grid.headerRanges);
  let sheet = -1;
  let shaper: RowShaper | null = null;
  let sawHeader = false;
  let rowNumber = 0;
  let row: string[] | null = null;
  /** The open cell: where it goes, its spans, and its value's text once <Data> is read. */
  let cell: { column: number | null; across: number; down: number; text: string; type: string } | null = null;
  let inData = false;
  let inComment = 0;

  function* closeRow(): Generator<TableRow> {
    if (!row) return;
    grid.finishRow(row);
    const cells = row;
    row = null;
    if (shaper) yield* shaper.accept(rowNumber, cells);
  }
  const handle = function* (t: MarkupToken): Generator<TableRow> {
    if (t.type === 'text') {
      if (cell && inData && inComment === 0) {
        cell.text += t.text;
        checkCellLength(file, rowNumber, cell.text.length);
      }
      return;
    }
    const name = local(t.name);
    if (name === 'comment') {
      if (t.type === 'open' && !t.selfClosing) inComment++;
      else if (t.type === 'close' && inComment > 0) inComment--;
    } else if (name === 'worksheet') {
      yield* closeRow();
      if (shaper) {
        yield* shaper.finish();
        sawHeader ||= shaper.sawHeader;
        shaper = null;
      }
      if (t.type === 'open') {
        sheet++;
        rowNumber = 0;
        grid.reset();
        const entry = sheets[sheet];
        shaper = entry && wanted.has(sheet) ? new RowShaper(entry.name, isHeader, widen) : null;
      }
    } else if (!shaper) {
      // A sheet not read: its rows are skipped.
    } else if (name === 'row') {
      if (t.type === 'open') {
        yield* closeRow();
        const index = spanAttr(t.attrs, 'Index', MAX_ROWS);
        const next = index > rowNumber ? index : rowNumber + 1;
        if (next > rowNumber + 1) grid.skipRows(next - rowNumber - 1);
        rowNumber = next;
        row = [];
        if (t.selfClosing) yield* closeRow();
      } else yield* closeRow();
    } else if (name === 'cell' && row) {
      if (t.type === 'open') {
        const index = spanAttr(t.attrs, 'Index', MAX_COLUMNS);
        cell = {
          column: index > 0 ? index - 1 : null,
          across: spanAttr(t.attrs, 'MergeAcross', MAX_COLUMNS),
          down: spanAttr(t.attrs, 'MergeDown', MAX_ROWS),
          text: '',
          type: '',
        };
      }
      if (cell && (t.type === 'close' || t.selfClosing)) {
        const raw = decodeEntities(cell.text).replace(/\r\n?/g, '\n').trim();
        const text = /^datetime$/i.test(cell.type) ? dateTimeText(raw) : raw;
        grid.place(row, rowNumber, text, cell.column, cell.across, cell.down);
        cell = null;
      }
    } else if (name === 'data' && cell && inComment === 0) {
      inData = t.type === 'open' && !t.selfClosing;
      if (t.type === 'open') cell.type = attribute(t.attrs, 'ss:Type') ?? attribute(t.attrs, 'Type') ?? '';
    }
  };

  for await (const batch of markupTokens(file, encoding, meter)) {
    const rows: TableRow[] = [];
    for (const t of batch) for (const r of handle(t)) rows.push(r);
    yield* rows;
  }
  yield* closeRow();
  if (shaper) {
    yield* (shaper as RowShaper).finish();
    sawHeader ||= (shaper as RowShaper).sawHeader;
  }
  if (!sawHeader) {
    const only = wanted.size === 1 ? sheets[[...wanted][0] as number]?.name : undefined;
    throw new AppError('IMPORT_EMPTY_FILE', { file: file.fileName, ...sheetParams(only) });
  }
}
