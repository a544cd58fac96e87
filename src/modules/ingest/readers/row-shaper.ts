import type { TableRow } from './types.js';

/** How many non-blank rows of a sheet may come before its header (titles, dates, notes). */
export const HEADER_SEARCH_ROWS = 10;

/**
 * Turns raw cell lists of one sheet into TableRows: marks the header, gives blank rows no cells, and
 * fills rows a workbook leaves out as blank. Blank rows are held back until a later non-blank row shows
 * they lie inside the data, so trailing blank or merely formatted rows (Excel may store them as far as
 * row 1,048,576) are never emitted; only a count is kept, so holding them back costs no memory.
 *
 * The header is the first non-blank row `isHeader` accepts among the sheet's first HEADER_SEARCH_ROWS
 * non-blank rows: Chinese workbooks often open with a title (2024年客户名单) or a 制表日期 line. The
 * rows above it are emitted as `preamble`. Without `isHeader`, or when it accepts none of those rows,
 * the first non-blank row is the header, as before. Until then at most that many rows are held.
 *
 * Grouped headers span two rows: group labels (客户信息, 联系方式) over the column names, with some
 * names merged down over both rows, so their text stands in the upper row only. With `isHeader`, two
 * adjacent rows make one header when the lower one reads as a header too, or when the upper one (two
 * or more cells) names columns the lower leaves blank. A column takes the lower row's text, else the
 * upper's; the header row is emitted at the upper row's number with `headerRows: 2`.
 */
export class RowShaper {
  private headerSeen = false;
  /** Last physical row number that is emitted or known to be blank. */
  private lastRow = 0;
  /** Last row number that was emitted. */
  private lastEmitted = 0;
  /** Non-blank rows read while looking for the header. */
  private held: HeldRow[] = [];
  /** The header, kept until the next non-blank row shows whether it continues on that row. */
  private header: HeldRow | null = null;

  /**
   * @param widenHeader gives the cells of a header row the text of header cells merged across columns
   *   (xlsx-merges.ts headerWidener); a header row only, so the merge's other columns are named too.
   */
  constructor(
    private readonly sheet: string,
    private readonly isHeader?: (cells: readonly string[]) => boolean,
    private readonly widenHeader?: (rowNumber: number, cells: string[]) => string[],
  ) {}

  /** Rows to emit on reaching physical row `rowNumber`; rows skipped since the last call are blank. */
  *accept(rowNumber: number, cells: string[]): Generator<TableRow> {
    const trimmed = dropTrailingEmpty(cells);
    this.lastRow = Math.max(this.lastRow, rowNumber);
    if (trimmed.every((cell) => cell.trim() === '')) return;
    const header = this.header;
    if (header) {
      this.header = null;
      if (rowNumber === header.rowNumber + 1 && this.isHeader?.(trimmed)) {
        yield* this.emitHeader(header, { rowNumber, cells: trimmed });
        return;
      }
      yield* this.emitHeader(header);
    }
    if (this.headerSeen) {
      yield* this.emit(rowNumber, trimmed, false);
      return;
    }
    if (!this.isHeader) {
      yield* this.emitHeader({ rowNumber, cells: trimmed });
      return;
    }
    if (this.isHeader(trimmed)) {
      const above = this.held.at(-1);
      const grouped = above !== undefined && namesBlankColumns(above, { rowNumber, cells: trimmed });
      if (grouped) this.held.pop();
      for (const h of this.held) yield* this.emit(h.rowNumber, h.cells, false, true);
      this.held = [];
      if (grouped) yield* this.emitHeader(above, { rowNumber, cells: trimmed });
      else this.header = { rowNumber, cells: trimmed };
      return;
    }
    this.held.push({ rowNumber, cells: trimmed });
    if (this.held.length >= HEADER_SEARCH_ROWS) yield* this.fallBack();
  }

  /** Rows still held at the end of the sheet: no row was accepted as the header, or its next row is unseen. */
  *finish(): Generator<TableRow> {
    if (this.header) {
      const header = this.header;
      this.header = null;
      yield* this.emitHeader(header);
    }
    if (!this.headerSeen) yield* this.fallBack();
  }

  /** The header: one row, or an upper and a lower row combined column by column. */
  private *emitHeader(upper: HeldRow, lower?: HeldRow): Generator<TableRow> {
    if (!lower) {
      yield* this.emit(upper.rowNumber, this.headerCells(upper), true);
      return;
    }
    const above = this.headerCells(upper);
    const below = this.headerCells(lower);
    const width = Math.max(above.length, below.length);
    const cells = Array.from({ length: width }, (_, i) => {
      const text = below[i] ?? '';
      return text.trim() !== '' ? text : (above[i] ?? '');
    });
    // emit() yields the blank rows before the header first: only the header itself spans two rows.
    for (const row of this.emit(upper.rowNumber, cells, true))
      yield row.isHeader ? { ...row, headerRows: 2 } : row;
    this.lastEmitted = lower.rowNumber;
  }

  /** The first held row becomes the header; the rest follow as data. */
  private *fallBack(): Generator<TableRow> {
    const held = this.held;
    this.held = [];
    for (const [i, h] of held.entries()) {
      if (i === 0) yield* this.emitHeader(h);
      else yield* this.emit(h.rowNumber, h.cells, false);
    }
  }

  /** A header row's cells, with the text of cells merged across columns given to each column. */
  private headerCells(row: HeldRow): string[] {
    return this.widenHeader ? this.widenHeader(row.rowNumber, row.cells) : row.cells;
  }

  private *emit(
    rowNumber: number,
    cells: string[],
    isHeader: boolean,
    preamble = false,
  ): Generator<TableRow> {
    for (let blank = this.lastEmitted + 1; blank < rowNumber; blank++) {
      yield { sheet: this.sheet, rowNumber: blank, cells: [], isHeader: false };
    }
    this.lastEmitted = rowNumber;
    if (isHeader) this.headerSeen = true;
    yield { sheet: this.sheet, rowNumber, cells, isHeader, ...(preamble ? { preamble: true } : {}) };
  }

  /** The row number that follows the last one seen, for sources that do not number their rows. */
  get nextRowNumber(): number {
    return this.lastRow + 1;
  }

  get sawHeader(): boolean {
    return this.headerSeen;
  }
}

interface HeldRow {
  rowNumber: number;
  cells: string[];
}

/**
 * Whether the row right above a header holds names for columns the header leaves blank: the text of a
 * cell merged down over both rows stands in the upper row only. A one-cell row is a title, not a
 * group row, even when it stands over a blank header cell.
 */
function namesBlankColumns(above: HeldRow, header: HeldRow): boolean {
  if (above.rowNumber !== header.rowNumber - 1) return false;
  const filled = above.cells.filter((c) => c.trim() !== '').length;
  return filled >= 2 && above.cells.some((c, i) => c.trim() !== '' && (header.cells[i] ?? '').trim() === '');
}

function dropTrailingEmpty(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === '') end--;
  return end === cells.length ? cells : cells.slice(0, end);
}
