import type { MergedRange } from './xlsx-merges.js';

/** Only header rows are widened; they lie among a sheet's first rows (as in xlsx-merges.ts). */
const HEADER_MERGE_ROWS = 100;

/**
 * Lays out one row's cells where some cells span several columns or rows (HTML colspan and rowspan,
 * SpreadsheetML MergeAcross and MergeDown), as the xlsx reader treats merges: a cell spanning rows
 * gives its value to every row it covers (a company name merged down over its contacts); a cell
 * spanning columns fills its first column only, except in a header row, where it names each column
 * it covers (`headerRanges`, for RowShaper's widenHeader).
 */
/** Excel's widest row: a row laid out wider (colspans or merges of a hostile file) is refused. */
const MAX_WIDTH = 16_384;

export class SpanGrid {
  /** Column (0-based) -> a cell from a row above still covering it, and for how many more rows. */
  private carried = new Map<number, { text: string; rows: number }>();
  /** Cells spanning columns in the first rows, by row: what headerWidener needs. */
  readonly headerRanges: MergedRange[] = [];

  /** @param tooWide throws the reader's error for a row wider than Excel's 16,384 columns. */
  constructor(private readonly tooWide: (rowNumber: number) => never) {}

  /** A new table or sheet: nothing spans into it. */
  reset(): void {
    this.carried = new Map();
    this.headerRanges.length = 0;
  }

  /**
   * Puts a cell into `row` (the cells so far of physical row `rowNumber`), at `column` (0-based) or
   * else the next free one, after the cells spanning down into the columns before it.
   */
  place(
    row: string[],
    rowNumber: number,
    text: string,
    column: number | null,
    across: number,
    down: number,
  ): void {
    if ((column ?? row.length) + across >= MAX_WIDTH) this.tooWide(rowNumber);
    this.fillCarried(row, column ?? row.length);
    while (column !== null && row.length < column) row.push('');
    const at = row.length;
    if (down > 0) this.carried.set(at, { text, rows: down });
    row.push(text);
    for (let k = 0; k < across; k++) row.push('');
    if (across > 0 && rowNumber <= HEADER_MERGE_ROWS)
      this.headerRanges.push({ top: rowNumber, left: at + 1, bottom: rowNumber, right: at + 1 + across });
  }

  /** Completes a row with the cells spanning down into its remaining columns. */
  finishRow(row: string[]): void {
    if (this.carried.size === 0) return;
    this.fillCarried(row, Math.max(...this.carried.keys()) + 1);
  }

  /** Rows skipped between two rows (SpreadsheetML's Row ss:Index): the spans running through them are used up. */
  skipRows(count: number): void {
    for (const [column, c] of this.carried) {
      c.rows -= count;
      if (c.rows <= 0) this.carried.delete(column);
    }
  }

  private fillCarried(row: string[], upTo: number): void {
    for (;;) {
      const c = this.carried.get(row.length);
      if (c) {
        row.push(c.text);
        if (--c.rows === 0) this.carried.delete(row.length - 1);
      } else if (row.length < upTo) row.push('');
      else return;
    }
  }
}
