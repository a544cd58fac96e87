import { columnNumber } from '../ingest-types.js';
import type { PartLocation } from './workbook-manifest.js';
import { inflatedText } from './xlsx-repack.js';

/** A merged range of a worksheet, 1-based rows and columns, spanning more than one row. */
export interface MergedRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

const MERGE_CELL = /<mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"/g;

/**
 * The worksheet's merged ranges that span several rows. Excel lists them after the rows
 * (`<mergeCells>` follows `<sheetData>`), so the part is read through once before its rows are
 * streamed: inflated and scanned in chunks, nothing of it kept but the ranges.
 */
export async function readVerticalMerges(path: string, part: PartLocation): Promise<MergedRange[]> {
  const ranges: MergedRange[] = [];
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
      if (left === null || right === null || Number(r2) <= Number(r1)) continue;
      ranges.push({ top: Number(r1), left, bottom: Number(r2), right });
    }
    // A tag cut by the chunk's end is completed by the next chunk.
    carry = text.slice(Math.max(consumed, text.length - 256));
  }
  return ranges.sort((a, b) => a.top - b.top);
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
