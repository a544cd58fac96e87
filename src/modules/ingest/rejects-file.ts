import { formatOf, openTableWriter, type TableWriter, type WrittenFile } from '../export/table-writer.js';
import type { RowReason } from './ingest-types.js';
import { describeReasons } from './reason-messages.js';

/** The reason column every CRM error file has (CN-USER-CONVENTIONS §1.3). */
export const REASON_HEADER = '错误原因';
export const REJECTS_WARNING =
  '警告：错误文件 {file} 含有个人信息的原文，请妥善保管并在处理后删除。\n' +
  'Warning: the rejects file {file} holds personal data in clear; keep it safe and delete it when done.\n';

/**
 * The rejected rows as a spreadsheet the user fixes and imports again: original cells, then 错误原因.
 * Written only when asked for (--rejects): it is the one place rejected data leaves the vault in clear.
 */
export class RejectsFile {
  private readonly writer: TableWriter;
  private readonly csv: boolean;
  private sheet: string | null = null;
  private headerKey = '';

  constructor(readonly path: string) {
    const format = formatOf(path);
    this.csv = format === 'csv';
    this.writer = openTableWriter(path, { format, encoding: 'utf8' });
  }

  async add(
    sheet: string,
    headers: readonly string[],
    rowNumber: number,
    cells: readonly string[],
    reasons: readonly RowReason[],
  ): Promise<void> {
    const key = `${sheet}\u0000${headers.join('\u0000')}`;
    if (this.sheet === null || key !== this.headerKey) {
      this.sheet = sheet;
      this.headerKey = key;
      await this.writer.startSheet(
        sheet,
        this.csv ? ['工作表', '行号', ...headers, REASON_HEADER] : ['行号', ...headers, REASON_HEADER],
      );
    }
    const padded = headers.map((_, i) => cells[i] ?? '');
    const extra = cells.slice(headers.length);
    const reason = describeReasons(reasons, 'zh');
    // Cells beyond the headers go after 错误原因, so the reason stays under its header.
    await this.writer.row(
      this.csv ? [sheet, rowNumber, ...padded, reason, ...extra] : [rowNumber, ...padded, reason, ...extra],
    );
  }

  close(): Promise<WrittenFile> {
    return this.writer.close();
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }
}
