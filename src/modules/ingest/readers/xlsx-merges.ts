import { columnNumber } from '../ingest-types.js';
import type { PartLocation } from './workbook-manifest.js';
import { inflatedText } from './xlsx-parts.js';

/** A merged range of a worksheet, 1-based rows and columns. */
export interface MergedRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

const MERGE_CELL = /<mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"/g;

/**
 * Rows a header may stand on, for merges across columns: a sheet's first ten non-blank rows lie within
 * them unless it opens with a hundred blank ones. Merges across columns below are not kept (a sheet may
 * merge a cell in every data row).
 */
export const HEADER_MERGE_ROWS = 100;

export interface SheetMerges {
  /** Ranges spanning several rows, by top row. */
  vertical: MergedRange[];
  /** Ranges spanning several columns whose top row is within HEADER_MERGE_ROWS, by top row. */
  acrossNearTop: MergedRange[];
}

/**
 * The worksheet's merged ranges that span several rows, and those across columns near its top (where
 * the header is). Excel lists them after the rows (`<mergeCells>` follows `<sheetData>`), so the part
 * is read through once before its rows are streamed: inflated and scanned in chunks, nothing of it kept
 * but the ranges.
 */
export async function readMerges(path: string, part: PartLocation): Promise<SheetMerges> {
  const ranges: MergedRange[] = [];
  const across: MergedRange[] = [];
  let carry = '';
  let inMerges = false;
  for await (const chunk of inflatedText(path, part)) {
    let text = carry + chunk;
    if (!inMerges) {
      const at = text.indexOf('<mergeCells');
      if (at < 0) {
        carry = text.slice(-16);
        continue;
      }
      inMerges = true;
      text = text.slice(at);
    }
    MERGE_CELL.lastIndex = 0;
    let consumed = 0;
    for (let m = MERGE_CELL.exec(text); m !== null; m = MERGE_CELL.exec(text)) {
      consumed = MERGE_CELL.lastIndex;
      const [, c1, r1, c2, r2] = m as unknown as [string, string, string, string, string];
      const left = columnNumber(c1);
      const right = columnNumber(c2);
      if (left === null || right === null) continue;
      const range = { top: Number(r1), left, bottom: Number(r2), right };
      if (range.bottom > range.top) ranges.push(range);
      if (right > left && range.top <= HEADER_MERGE_ROWS) across.push(range);
    }
    // A tag cut by the chunk's end is completed by the next chunk.
    carry = text.slice(Math.max(consumed, text.length - 256));
  }
  const byTop = (a: MergedRange, b: MergedRange) => a.top - b.top;
  return { vertical: ranges.sort(byTop), acrossNearTop: across.sort(byTop) };
}

/**
 * A header cell merged across columns (手机 over two columns of numbers) names each of them: Excel keeps
 * its text in the first column only, which would leave the others without a header and their cells
 * beyond the header's last name (EXTRA_CELLS). Only header rows are widened: a data cell merged across
 * columns (an address over two) belongs to its first column alone.
 */
export function headerWidener(
  ranges: readonly MergedRange[],
): (rowNumber: number, cells: string[]) => string[] {
  return (rowNumber, cells) => {
    let out = cells;
    for (const range of ranges) {
      if (range.top > rowNumber) break;
      if (range.top !== rowNumber) continue;
      const text = cells[range.left - 1] ?? '';
      if (text.trim() === '') continue;
      for (let column = range.left + 1; column <= range.right; column++) {
        if ((out[column - 1] ?? '').trim() !== '') continue;
        if (out === cells) out = [...cells];
        while (out.length < column) out.push('');
        out[column - 1] = text;
      }
    }
    return out;
  };
}

/**
 * Gives the rows under a vertical merge the merged value in its first column, as Excel shows it:
 * a company name merged down over its contacts belongs to each of them. (Excel stores the value in the
 * top row only.) Horizontal merges, such as a title across the columns, are left alone.
 */
export class MergeFiller {
  private next = 0;
  private active: Array<{ range: MergedRange; value: string }> = [];

  constructor(private readonly ranges: readonly MergedRange[]) {}

  fill(rowNumber: number, cells: string[]): string[] {
    if (this.active.length === 0 && this.next >= this.ranges.length) return cells;
    for (; this.next < this.ranges.length; this.next++) {
      const range = this.ranges[this.next] as MergedRange;
      if (range.top > rowNumber) break;
      const value = range.top === rowNumber ? (cells[range.left - 1] ?? '') : '';
      this.active.push({ range, value });
    }
    let out = cells;
    for (const { range, value } of this.active) {
      if (rowNumber <= range.top || rowNumber > range.bottom || value === '') continue;
      if (out === cells) out = [...cells];
      while (out.length < range.left) out.push('');
      out[range.left - 1] = value;
    }
    this.active = this.active.filter((a) => a.range.bottom > rowNumber);
    return out;
  }
}
