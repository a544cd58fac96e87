/** Shapes of customer exports, shared by the service, the CLI and the routes. */
import type { CustomerKind } from '../customers/customer-types.js';
import type { TableFileEncoding, TableFileFormat } from './table-writer.js';

export interface ExportOptions {
  /** Where the file is written (mode 0600). */
  out: string;
  format?: TableFileFormat | undefined;
  encoding?: TableFileEncoding | undefined;
  /** Field keys, in column order; default every field the actor may see. */
  fields?: string[] | undefined;
  kind?: CustomerKind | undefined;
  /** Exact matches on L1 fields, as in `customer list --filter`. */
  filters?: Record<string, string> | undefined;
  batchId?: string | undefined;
  /** Fields to export in clear; L3/L4 need `purpose`, a basis per customer and the export grant. */
  reveal?: string[] | undefined;
  purpose?: string | undefined;
  /** An approved export request (four-eyes rule) this export uses; found automatically when omitted. */
  approvalId?: string | undefined;
  /** File name recorded in the audit trail (the download name for the API). */
  label?: string | undefined;
  /** After each page written: rows so far, and how many the export will write in all. */
  onProgress?: ((rows: number, total: number) => void) | undefined;
}

export interface ExportResult {
  exportId: string;
  file: string;
  format: TableFileFormat;
  encoding: TableFileEncoding;
  rows: number;
  bytes: number;
  sha256: string;
  fields: string[];
  revealed: string[];
  purpose: string | null;
  /** Customers exported masked because they have no basis for the purpose. */
  maskedNoBasis: number;
  /** GBK only: characters GBK cannot hold (written as "?"); export as utf8 to keep them. */
  unencodable: number;
  /** GBK only: characters GBK lacks written as their full-width look-alike (¥ as ￥). */
  substituted: number;
}
