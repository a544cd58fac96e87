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
 */
export class RowShaper {
  private headerSeen = false;
  /** Last physical row number that is emitted or known to be blank. */
  private lastRow = 0;
  /** Last row number that was emitted. */
  private lastEmitted = 0;
  /** Non-blank rows read while looking for the header. */
  private held: Array<{ rowNumber: number; cells: string[] }> = [];

  constructor(
    private readonly sheet: string,
    private readonly isHeader?: (cells: readonly string[]) => boolean,
  ) {}

  /** Rows to emit on reaching physical row `rowNumber`; rows skipped since the last call are blank. */
  *accept(rowNumber: number, cells: string[]): Generator<TableRow> {
    const trimmed = dropTrailingEmpty(cells);
    this.lastRow = Math.max(this.lastRow, rowNumber);
    if (trimmed.every((cell) => cell.trim() === '')) return;
    if (this.headerSeen || !this.isHeader) {
      yield* this.emit(rowNumber, trimmed, !this.headerSeen);
      return;
    }
    if (this.isHeader(trimmed)) {
      for (const h of this.held) yield* this.emit(h.rowNumber, h.cells, false, true);
      this.held = [];
      yield* this.emit(rowNumber, trimmed, true);
      return;
    }
    this.held.push({ rowNumber, cells: trimmed });
    if (this.held.length >= HEADER_SEARCH_ROWS) yield* this.fallBack();
  }

  /** Rows still held at the end of the sheet: no row was accepted as the header. */
  *finish(): Generator<TableRow> {
    if (!this.headerSeen) yield* this.fallBack();
  }

  /** The first held row becomes the header; the rest follow as data. */
  private *fallBack(): Generator<TableRow> {
    const held = this.held;
    this.held = [];
    for (const [i, h] of held.entries()) yield* this.emit(h.rowNumber, h.cells, i === 0);
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

function dropTrailingEmpty(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === '') end--;
  return end === cells.length ? cells : cells.slice(0, end);
}
