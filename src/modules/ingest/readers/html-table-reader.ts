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
import { attribute, decodeEntities } from './markup-tokenizer.js';
import { RowShaper } from './row-shaper.js';
import type { OpenTableOptions, ReadMeter, TableRow, TableSource } from './types.js';
import { headerWidener } from './xlsx-merges.js';

/**
 * Many Chinese business systems export "Excel" as an HTML table saved as .xls (the download says
 * application/vnd.ms-excel; Excel opens it with a warning). Such a file is read as what it is: each
 * top-level `<table>` a sheet, each `<tr>` a row, each `<td>`/`<th>` a cell's text (tags dropped, `<br>`
 * a line break, entities decoded, &nbsp; a space). rowspan and colspan are laid out as merges are in a
 * workbook (span-grid.ts). The file streams through, one row held at a time.
 */

/** More tables than an export holds: beyond it the file is a page layout, damage or an attack. */
const MAX_TABLES = 1_000;
/** Tags that start a new line inside a cell. */
const LINE_BREAKS = new Set(['br', 'p', 'div', 'li', 'tr']);

/** Whether a file's first bytes are HTML (a table export) rather than delimited text. */
export function looksLikeHtml(sample: Buffer): boolean {
  // Latin-1 with NULs dropped reads the ASCII of UTF-8, GBK and UTF-16 alike.
  const head = sample
    .subarray(0, 2048)
    .toString('latin1')
    .replace(/\0/g, '')
    .replace(/^[\xef\xbb\xbf\xff\xfe]+/, '');
  // XHTML exports open with an XML declaration.
  return /^\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html|<head|<meta|<table|<body|<style|<!--)/i.test(
    head,
  );
}

export async function openHtmlTable(
  file: Omit<MarkupFile, 'format'>,
  opts: OpenTableOptions,
): Promise<TableSource> {
  const html: MarkupFile = { ...file, format: 'html' };
  const encoding = markupEncoding(file.sample, file.fileName, opts.encoding);
  const base = file.fileName.replace(/\.[^.]*$/, '');
  const count = await countTables(html, encoding);
  if (count > MAX_TABLES) throw markupCorrupt(html, `more than ${MAX_TABLES} tables`);
  const sheets = Array.from({ length: Math.max(count, 1) }, (_, i) =>
    i === 0 ? base : `${base} (${i + 1})`,
  );
  const wanted = chooseMarkupSheet(sheets, opts.sheet, html);
  const meter: ReadMeter = { done: 0, total: file.size };
  return {
    format: 'html',
    encoding,
    sheets: wanted === null ? sheets : [sheets[wanted] as string],
    rows: () => readRows(html, encoding, sheets, wanted, meter, opts.isHeader),
    meter,
  };
}

async function countTables(file: MarkupFile, encoding: string): Promise<number> {
  let depth = 0;
  let count = 0;
  for await (const batch of markupTokens(file, encoding)) {
    for (const t of batch) {
      if (t.type === 'open' && t.name === 'table' && !t.selfClosing) {
        if (depth === 0) count++;
        depth++;
      } else if (t.type === 'close' && t.name === 'table' && depth > 0) depth--;
    }
  }
  return count;
}

/** A cell being read: its lines of raw text (a line break starts a new one). */
interface OpenCell {
  lines: string[];
  chars: number;
  across: number;
  down: number;
}

function cellText(cell: OpenCell): string {
  return cell.lines
    .map((line) =>
      decodeEntities(line.replace(/[ \t\r\n\f]+/g, ' '))
        .replace(/\u00a0/g, ' ')
        .trim(),
    )
    .join('\n')
    .trim();
}

async function* readRows(
  file: MarkupFile,
  encoding: string,
  sheets: readonly string[],
  wanted: number | null,
  meter: ReadMeter,
  isHeader: OpenTableOptions['isHeader'],
): AsyncGenerator<TableRow> {
  const grid = markupGrid(file);
  const widen = headerWidener(grid.headerRanges);
  let depth = 0;
  let table = -1;
  let shaper: RowShaper | null = null;
  let sawHeader = false;
  let rowNumber = 0;
  let row: string[] | null = null;
  let cell: OpenCell | null = null;

  const closeCell = (): void => {
    if (!cell) return;
    row ??= [];
    grid.place(row, rowNumber + 1, cellText(cell), null, cell.across, cell.down);
    cell = null;
  };
  function* closeRow(): Generator<TableRow> {
    closeCell();
    if (!row) return;
    grid.finishRow(row);
    const cells = row;
    row = null;
    rowNumber++;
    if (shaper) yield* shaper.accept(rowNumber, cells);
  }
  function* closeTable(): Generator<TableRow> {
    yield* closeRow();
    if (shaper) {
      yield* shaper.finish();
      sawHeader ||= shaper.sawHeader;
    }
    shaper = null;
  }

  for await (const batch of markupTokens(file, encoding, meter)) {
    for (const t of batch) {
      if (t.type === 'text') {
        if (!cell) continue;
        const open: OpenCell = cell;
        open.lines[open.lines.length - 1] += t.text;
        open.chars += t.text.length;
        checkCellLength(file, rowNumber + 1, open.chars);
        continue;
      }
      const { name } = t;
      if (name === 'table' && t.type === 'open' && !t.selfClosing) {
        depth++;
        if (depth === 1) {
          table++;
          rowNumber = 0;
          grid.reset();
          const wantedHere = wanted === null || wanted === table;
          shaper = wantedHere ? new RowShaper(sheets[table] ?? base(table), isHeader, widen) : null;
        }
      } else if (name === 'table' && t.type === 'close' && depth > 0) {
        if (depth === 1) yield* closeTable();
        depth--;
      } else if (depth !== 1) {
        // A table nested in a cell gives that cell its text, line by line; its structure is not read.
        if (cell && t.type === 'open' && LINE_BREAKS.has(name)) (cell as OpenCell).lines.push('');
      } else if (name === 'tr') {
        yield* closeRow();
        if (t.type === 'open') row = [];
      } else if (name === 'td' || name === 'th') {
        closeCell();
        if (t.type === 'open') {
          cell = {
            lines: [''],
            chars: 0,
            across: span(attribute(t.attrs, 'colspan'), 1000) - 1,
            down: span(attribute(t.attrs, 'rowspan'), 65_534) - 1,
          };
          if (t.selfClosing) closeCell();
        }
      } else if (cell && t.type === 'open' && LINE_BREAKS.has(name)) {
        (cell as OpenCell).lines.push('');
      }
    }
  }
  if (depth > 0) yield* closeTable();
  if (!sawHeader) throw new AppError('IMPORT_EMPTY_FILE', { file: file.fileName });
}

function base(table: number): string {
  return `${table + 1}`;
}

/** A colspan or rowspan: 1 unless a positive number, capped where HTML caps it (1000, 65534). */
function span(value: string | undefined, max: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 1 ? Math.min(n, max) : 1;
}
