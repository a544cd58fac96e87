import type { TableRow } from './types.js';

/**
 * Turns raw cell lists of one sheet into TableRows: marks the header, gives blank rows no cells, and
 * fills rows a workbook leaves out as blank. Blank rows are held back until a later non-blank row shows
 * they lie inside the data, so trailing blank or merely formatted rows (Excel may store them as far as
 * row 1,048,576) are never emitted; only a count is kept, so holding them back costs no memory.
 */
export class RowShaper {
  private headerSeen = false;
  /** Last physical row number that is emitted or known to be blank. */
  private lastRow = 0;
  /** Last row number that was emitted. */
  private lastEmitted = 0;

  constructor(private readonly sheet: string) {}

  /** Rows to emit on reaching physical row `rowNumber`; rows skipped since the last call are blank. */
  *accept(rowNumber: number, cells: string[]): Generator<TableRow> {
    const trimmed = dropTrailingEmpty(cells);
    this.lastRow = Math.max(this.lastRow, rowNumber);
    if (trimmed.every((cell) => cell.trim() === '')) return;
    for (let blank = this.lastEmitted + 1; blank < rowNumber; blank++) {
      yield { sheet: this.sheet, rowNumber: blank, cells: [], isHeader: false };
    }
    this.lastEmitted = rowNumber;
    const isHeader = !this.headerSeen;
    this.headerSeen = true;
    yield { sheet: this.sheet, rowNumber, cells: trimmed, isHeader };
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
