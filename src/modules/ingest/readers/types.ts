/** What a reader hands to the ingest pipeline: one physical row at a time, every cell as text. */

/** `html` and `spreadsheetml`: the HTML tables and Excel 2003 XML that old systems save as .xls. */
export type TableFormat = 'xlsx' | 'csv' | 'tsv' | 'txt' | 'html' | 'spreadsheetml';

export interface OpenTableOptions {
  /** Read only this worksheet (xlsx); hidden sheets are read only when named here. */
  sheet?: string;
  /** Force a text encoding (gbk, gb18030, utf8, utf-16le, big5, ...) instead of detecting it. */
  encoding?: string;
  /** Force the field delimiter of a text file (one character, or "tab" / "\\t"). */
  delimiter?: string;
  /**
   * The name people know the file by, for messages and a text file's sheet: an upload's own name, not
   * its scratch copy's (upload-<id>.csv). The path's base name by default.
   */
  fileName?: string;
  /**
   * Which of a sheet's first rows is its header: the first non-blank row this accepts (among the first
   * ten), else the first non-blank row. Titles and notes above it come as `preamble` rows.
   */
  isHeader?: (cells: readonly string[]) => boolean;
}

export interface TableRow {
  /** Worksheet name; for text files the file name without its extension. */
  sheet: string;
  /** 1-based row as a spreadsheet program would number it (a CSV record spanning lines is one row). */
  rowNumber: number;
  /** Cell texts, trailing empty cells dropped; a blank row has no cells. */
  cells: string[];
  /** True for the sheet's header row (see RowShaper: the first non-blank row, or the first that reads as one). */
  isHeader: boolean;
  /** A row above the header (a title, a 制表日期 line): not data. */
  preamble?: true;
  /** On a header spanning two rows (group labels over column names): 2, and `cells` combines both. */
  headerRows?: 2;
  /**
   * Text files: the cell (0-based) whose quotes ran across lines that read as rows of their own, as a
   * stray opening quote does; the row is rejected (CELL_SPANS_ROWS) so those rows are seen, not hidden.
   */
  spansRows?: number;
}

export interface TableSource {
  format: TableFormat;
  /** The text encoding used (text files only). */
  encoding?: string;
  /** The field delimiter used (text files only): named by --delimiter, a "sep=" line, or sniffed. */
  delimiter?: string;
  /** The sheets rows() will visit, in workbook order. */
  sheets: string[];
  /**
   * Hidden worksheets left unread (xlsx without --sheet): they usually hold a template's dropdown lists,
   * but they are named in the report, so a hidden sheet of customers is not skipped unseen.
   */
  hiddenSheets?: string[];
  /**
   * Streams the rows, sheet after sheet; each call reads the file again from the start. Blank rows
   * inside the data are yielded (with no cells); blank rows after a sheet's last non-blank row are not.
   * Throws IMPORT_EMPTY_FILE at the end when no sheet had a header, and IMPORT_BAD_ENCODING or
   * IMPORT_FILE_CORRUPT when damage shows up only partway through the file.
   */
  rows(options?: RowsOptions): AsyncIterable<TableRow>;
  /** How far the current rows() pass has read, in bytes of the file (or of its worksheets): for progress. */
  meter?: ReadMeter;
}

export interface RowsOptions {
  /**
   * Only the first rows are wanted (a sample): a workbook's merged ranges, listed after all of a
   * sheet's rows, are not read first, so rows under a vertical merge keep their empty cells.
   */
  sampling?: boolean;
}

export interface ReadMeter {
  done: number;
  total: number;
}
