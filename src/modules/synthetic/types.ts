/** Public shapes of the synthetic-data generator. */

export type CustomerKind = 'individual' | 'company' | 'contact';

/**
 * One clean customer record. Field keys are camelCase:
 * - individual: name, mobile, idNumber, email, address, gender, birthday, region, level, source, orders,
 *   amount, bankCard
 * - company: companyName, uscc, industry, region, address, landline, website, level
 * - contact: name, mobile, email, title, dept, companyName, uscc
 */
export interface SyntheticCustomer {
  kind: CustomerKind;
  fields: Record<string, string>;
  /** companyName of the parent company, for contacts. */
  companyRef?: string;
}

export interface GenerateCustomersOptions {
  count: number;
  seed: string | number;
}

export type SyntheticFormat = 'csv' | 'xlsx';
export type SyntheticEncoding = 'utf8' | 'gbk';

export interface GenerateFileOptions {
  count: number;
  seed: string | number;
  /** Share of the `count` base records that carry exactly one defect, 0..1; default 0. */
  dirtyRate?: number;
  format: SyntheticFormat;
  /** CSV only; xlsx is always UTF-8 inside. Default utf8. */
  encoding?: SyntheticEncoding;
  /**
   * xlsx only: every text once in a shared-string table, as Excel and WPS save a workbook (default: inline
   * strings). The writer holds that table in memory: 3.2 GB peak RSS for a million rows.
   */
  sharedStrings?: boolean;
  outPath: string;
  /** Called with the number of base records written so far and `count`. */
  onProgress?: (done: number, total: number) => void;
}

export const DIRT_KINDS = [
  'badIdCheck',
  'impossibleBirthDate',
  'badMobile',
  'badEmail',
  'badUsccCheck',
  'fullWidthDigits',
  'reformattedDuplicate',
  'blankRow',
] as const;
export type DirtKind = (typeof DIRT_KINDS)[number];

/** Reason codes an importer reports for rejected rows; these strings are a contract. */
export type RejectReason =
  | 'ID_CHECKSUM'
  | 'ID_BIRTHDATE'
  | 'MOBILE_FORMAT'
  | 'EMAIL_FORMAT'
  | 'USCC_CHECKSUM';

export interface ExpectedImport {
  /** Non-blank data rows. */
  read: number;
  blank: number;
  imported: number;
  merged: number;
  rejected: number;
  flagged: number;
  /** Rejections per reason; reasons that did not occur are absent. */
  byReason: Partial<Record<RejectReason, number>>;
}

/** Also written as the sidecar `<outPath>.truth.json`. */
export interface SyntheticSummary {
  seed: string | number;
  count: number;
  format: SyntheticFormat;
  encoding: SyntheticEncoding;
  /** Rows after the header, blank rows included. */
  dataRows: number;
  expected: ExpectedImport;
  dirt: Record<DirtKind, number>;
  /** The import report's totals (issue contract keys), the same numbers as `expected`. */
  rowsRead: number;
  imported: number;
  merged: number;
  rejected: number;
  blank: number;
  flagged: number;
  reasons: Record<string, number>;
}
