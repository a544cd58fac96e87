import type { CustomerKind, SyntheticCustomer } from './types.js';

/** One column of the exported customer table, as a CRM export would lay it out. */
export interface Column {
  readonly header: string;
  /** Field key in `SyntheticCustomer.fields`; `kind` is the customer type. */
  readonly key: string;
  /** Identifiers must stay text in spreadsheets, or Excel turns 18-digit ID numbers into 1.1E+17. */
  readonly text?: boolean;
  readonly width: number;
}

export const COLUMNS: readonly Column[] = [
  { header: '客户类型', key: 'kind', width: 8 },
  { header: '姓名', key: 'name', width: 10 },
  { header: '手机', key: 'mobile', text: true, width: 16 },
  { header: '身份证号', key: 'idNumber', text: true, width: 21 },
  { header: '邮箱', key: 'email', width: 28 },
  { header: '地址', key: 'address', width: 48 },
  { header: '客户名称', key: 'companyName', width: 30 },
  { header: '统一社会信用代码', key: 'uscc', text: true, width: 21 },
  { header: '行业', key: 'industry', width: 22 },
  { header: '地区', key: 'region', width: 24 },
  { header: '座机', key: 'landline', text: true, width: 15 },
  { header: '客户级别', key: 'level', width: 8 },
  { header: '客户来源', key: 'source', width: 10 },
  { header: '购买记录', key: 'orders', width: 60 },
  { header: '累计消费', key: 'amount', width: 12 },
];

export const HEADERS: readonly string[] = COLUMNS.map((column) => column.header);
export const AMOUNT_COLUMN = COLUMNS.findIndex((column) => column.key === 'amount');

export const KIND_LABELS: Record<CustomerKind, string> = {
  individual: '个人',
  company: '企业',
  contact: '联系人',
};

/** The table cells of a record; a field the kind lacks is an empty cell. */
export function toCells(kind: CustomerKind, fields: SyntheticCustomer['fields']): string[] {
  return COLUMNS.map((column) => (column.key === 'kind' ? KIND_LABELS[kind] : (fields[column.key] ?? '')));
}
