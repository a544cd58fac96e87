import { formatOf, openTableWriter, type TableWriter, type WrittenFile } from '../export/table-writer.js';
import type { RowReason } from './ingest-types.js';
import { SharedStringTable } from './readers/xlsx-shared-strings.js';
import { describeReasons } from './reason-messages.js';

/** The reason column every CRM error file has (CN-USER-CONVENTIONS §1.3). */
export const REASON_HEADER = '错误原因';
export const SHEET_HEADER = '工作表';
export const ROW_HEADER = '行号';
/** The sheet of an xlsx rejects file with no rejected row: its header only. */
const EMPTY_SHEET = '错误行';
export const REJECTS_WARNING =
  '警告：错误文件 {file} 含有个人信息的原文，请妥善保管并在处理后删除。\n' +
  'Warning: the rejects file {file} holds personal data in clear; keep it safe and delete it when done.\n';

/** A spooled CSV row: its header set, sheet, row number, cells and reason text. */
type SpooledRow = [number, string, number, string[], string];

/**
 * The rejected rows as a spreadsheet the user fixes and imports again: original cells, then 错误原因.
 * Written only when asked for (--rejects): it is the one place rejected data leaves the vault in clear.
 *
 * An xlsx file has a sheet per source sheet, each under its own header. A CSV has one table, so it has
 * one header row: 工作表, 行号, the union of the sheets' columns (by header text, first seen first), 错误原因.
 * A header row repeated mid-file would be imported again as a rejected row, and each sheet's cells must
 * land under their own headers. The union is known only at the end, so the rows wait in a spool sealed
 * with a key that exists only in memory (the shared-string table's: bounded memory, no clear text on
 * disk) and the file is written on close. With no rejected row, the file still has its BOM and header.
 */
export class RejectsFile {
  private readonly writer: TableWriter;
  private readonly csv: boolean;
  private sheetKey: string | null = null;
  private readonly spool: SharedStringTable | null;
  /** CSV: the union's columns, each a header text and its occurrence in its sheet (two 备注 are two). */
  private readonly union: string[] = [];
  private readonly unionIndex = new Map<string, number>();
  /** CSV: each distinct header set's id, and per id the union column of each of its headers. */
  private readonly headerSets = new Map<string, number>();
  private readonly setColumns: number[][] = [];

  constructor(readonly path: string) {
    const format = formatOf(path);
    this.csv = format === 'csv';
    this.writer = openTableWriter(path, { format, encoding: 'utf8' });
    this.spool = this.csv ? new SharedStringTable() : null;
  }

  async add(
    sheet: string,
    headers: readonly string[],
    rowNumber: number,
    cells: readonly string[],
    reasons: readonly RowReason[],
  ): Promise<void> {
    const reason = describeReasons(reasons, 'zh');
    if (this.spool) {
      const set = this.headerSet(headers);
      this.spool.add(JSON.stringify([set, sheet, rowNumber, [...cells], reason] satisfies SpooledRow));
      return;
    }
    const key = `${sheet}\u0000${headers.join('\u0000')}`;
    if (key !== this.sheetKey) {
      this.sheetKey = key;
      await this.writer.startSheet(sheet, [ROW_HEADER, ...headers, REASON_HEADER]);
    }
    const padded = headers.map((_, i) => cells[i] ?? '');
    // Cells beyond the headers go after 错误原因, so the reason stays under its header.
    await this.writer.row([rowNumber, ...padded, reason, ...cells.slice(headers.length)]);
  }

  async close(): Promise<WrittenFile> {
    if (!this.spool) {
      if (this.sheetKey === null) await this.writer.startSheet(EMPTY_SHEET, [ROW_HEADER, REASON_HEADER]);
      return this.writer.close();
    }
    const spool = this.spool;
    try {
      spool.finish();
      await this.writer.startSheet(EMPTY_SHEET, [SHEET_HEADER, ROW_HEADER, ...this.union, REASON_HEADER]);
      for (let i = 0; i < spool.count; i++) {
        const [set, sheet, rowNumber, cells, reason] = JSON.parse(spool.get(i) as string) as SpooledRow;
        const columns = this.setColumns[set] as number[];
        const placed: string[] = this.union.map(() => '');
        columns.forEach((column, j) => {
          placed[column] = cells[j] ?? '';
        });
        // Cells beyond the sheet's headers go after 错误原因, so the reason stays under its header.
        await this.writer.row([sheet, rowNumber, ...placed, reason, ...cells.slice(columns.length)]);
      }
    } catch (err) {
      spool.close();
      throw err;
    }
    spool.close();
    return this.writer.close();
  }

  async abort(): Promise<void> {
    this.spool?.close();
    await this.writer.abort();
  }

  /** The id of a sheet's header set, adding its new columns to the union (in order of first sight). */
  private headerSet(headers: readonly string[]): number {
    const key = headers.join('\u0000');
    const known = this.headerSets.get(key);
    if (known !== undefined) return known;
    const seen = new Map<string, number>();
    const columns = headers.map((header) => {
      const occurrence = (seen.get(header) ?? 0) + 1;
      seen.set(header, occurrence);
      const columnKey = `${occurrence}\u0000${header}`;
      let column = this.unionIndex.get(columnKey);
      if (column === undefined) {
        column = this.union.length;
        this.union.push(header);
        this.unionIndex.set(columnKey, column);
      }
      return column;
    });
    const id = this.setColumns.length;
    this.setColumns.push(columns);
    this.headerSets.set(key, id);
    return id;
  }
}
