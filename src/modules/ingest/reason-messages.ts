import {
  type IdentifierReason,
  type LocalisedMessage,
  REASON_MESSAGES,
} from '../../kernel/identifiers/index.js';
import type { RowReason } from './ingest-types.js';

/** Row-level and non-identifier reason codes of the importer, besides the validators' own codes. */
export const IMPORT_REASON_MESSAGES: Readonly<Record<string, LocalisedMessage>> = {
  NOT_IDENTIFYING: {
    zh: '没有任何可识别信息（姓名、手机、证件号、邮箱或企业名称）',
    en: 'no identifying data (name, mobile, ID number, email or company name)',
  },
  PARENT_REQUIRED: {
    zh: '联系人没有所属企业（客户名称或统一社会信用代码）',
    en: 'a contact needs its company (company name or USCC)',
  },
  KIND_UNKNOWN: {
    zh: '客户类型无法识别（应为 个人、企业 或 联系人）；若此列是客户分类（如 重点客户、普通客户），请把它映射为其他字段或忽略：--mapping \'{"客户类型":"level"}\' 或 \'{"客户类型":"-"}\'',
    en: 'unknown customer type (use individual, company or contact); if the column holds categories (such as key or regular customers), map it to another field or ignore it: --mapping \'{"客户类型":"level"}\' or \'{"客户类型":"-"}\'',
  },
  DUPLICATE_OUT_OF_SCOPE: {
    zh: '与您无权查看的已有客户重复，不能合并（请联系其负责人）',
    en: 'duplicates an existing customer outside your scope; it cannot be merged (ask its owner)',
  },
  FIELD_NOT_FOR_KIND: {
    zh: '该字段不适用于此客户类型',
    en: 'this field does not apply to the customer type',
  },
  ID_OTHER_DOCUMENT: {
    zh: '这是港澳台通行证或护照等其他证件的号码，不是居民身份证号：请把这些号码放到单独一列，映射为自定义字段',
    en: "another document's number (a Hong Kong, Macau or Taiwan permit, or a passport), not a resident ID number: move these numbers to a column of their own and map it to a custom field",
  },
  SUMMARY_ROW: {
    zh: '合计/小计行，不是客户',
    en: 'a total or subtotal row, not a customer',
  },
  FIELD_TWICE: {
    zh: '两列给出了同一字段的不同值（如 地址 与 公司地址）：请保留一个，或把另一列映射到别的字段',
    en: 'two columns give one field different values (such as 地址 and 公司地址): keep one, or map the other column to another field',
  },
  EXCEL_ERROR_VALUE: {
    zh: '单元格是 Excel 的错误值（如 #N/A、#REF!），不是数据：请修正公式，或复制后“选择性粘贴为数值”再导入',
    en: 'the cell holds an Excel error (such as #N/A or #REF!), not data: fix the formula, or paste the values only, then import again',
  },
  MASKED_VALUE: {
    zh: '这是脱敏后的值（如 张*、138****5678），不是原值：请用明文导出（--reveal）的文件导入',
    en: 'a masked value (such as 张* or 138****5678), not the value itself: import a file exported with the values revealed (--reveal)',
  },
  NOTE_ROW: {
    zh: '表格的说明行（制表人、审核、备注、截至日期等），不是客户',
    en: 'a note line of the table (prepared by, checked by, remarks, as-of date…), not a customer',
  },
  EXTRA_CELLS: {
    zh: '该行在最后一个表头右侧还有内容（从此列起）：可能是未加引号的逗号使整行错位',
    en: 'the row has cells right of the last header (from this column): an unquoted comma may have shifted the row',
  },
  CELL_SPANS_ROWS: {
    zh: '此列单元格的引号未在本行闭合，后面几行被并进了这个单元格：请检查该单元格的引号（"），其后的客户可能在其中',
    en: 'a quote (") in this cell is not closed on its line, so the lines after it were read into this cell: check its quotes; the customers on those lines may be inside it',
  },
  DATE_FORMAT: { zh: '日期格式错误（如 2025-01-05）', en: 'not a date like 2025-01-05' },
  BIRTHDAY_FUTURE: { zh: '生日晚于今天', en: 'a birthday after today' },
  NUMBER_FORMAT: { zh: '应为数字', en: 'expected a number' },
  BOOLEAN_FORMAT: { zh: '应为 是/否', en: 'expected yes/no (是/否)' },
  URL_FORMAT: { zh: '网址格式错误', en: 'not a web address' },
  TEXT_TOO_LONG: { zh: '内容超过4000字', en: 'longer than 4000 characters' },
  FIELD_INVALID: { zh: '值无效', en: 'invalid value' },
};

export function reasonMessage(code: string): LocalisedMessage {
  return (
    IMPORT_REASON_MESSAGES[code] ??
    REASON_MESSAGES[code as IdentifierReason] ?? { zh: `无效（${code}）`, en: `invalid (${code})` }
  );
}

/** What a customer's import flag means; `lenient:<field>` names the field left out. */
const FLAG_MESSAGES: Readonly<Record<string, LocalisedMessage>> = {
  'minor:under-14': {
    zh: '未满14周岁：其个人信息均为敏感个人信息，处理需取得监护人同意（个保法第28、31条）',
    en: "under 14: all of a child's personal information is sensitive; processing needs a guardian's consent (PIPL Art. 28, 31)",
  },
  'inconsistent:gender': { zh: '性别与身份证号不符', en: 'the gender differs from the ID number' },
  'inconsistent:birthday': { zh: '生日与身份证号不符', en: 'the birthday differs from the ID number' },
  'import:company-from-contact': {
    zh: '按联系人所属企业新建的企业',
    en: 'a company created from the company its contact names',
  },
  'import:contact-from-company-row': {
    zh: '由企业行中的联系人信息新建的联系人',
    en: "a contact made from the person a company's row names",
  },
  'company:not-updated': {
    zh: '所属企业的字段未写入（跳过重复、企业受限或无权修改）',
    en: "its company's fields were not written (duplicates skipped, or the company is restricted or not yours)",
  },
  'lenient:extra-cells': {
    zh: '宽松模式：表头以外的单元格未导入',
    en: 'lenient: the cells beyond the header were left out',
  },
  'lenient:kind': {
    zh: '宽松模式：无法识别的客户类型未导入',
    en: 'lenient: the unknown customer type was left out',
  },
};

export function flagMessage(flag: string): LocalisedMessage {
  const known = FLAG_MESSAGES[flag];
  if (known) return known;
  if (flag.startsWith('lenient:')) {
    const field = flag.slice('lenient:'.length);
    return { zh: `宽松模式：无效的 ${field} 未导入`, en: `lenient: the invalid ${field} was left out` };
  }
  return { zh: flag, en: flag };
}

/** The messages of the reason codes and flags a report counts, for a console or script to show. */
export function reportMessages(counts: {
  byReason: Readonly<Record<string, number>>;
  byFlag?: Readonly<Record<string, number>>;
}): { reasons: Record<string, LocalisedMessage>; flags: Record<string, LocalisedMessage> } {
  return {
    reasons: Object.fromEntries(Object.keys(counts.byReason).map((code) => [code, reasonMessage(code)])),
    flags: Object.fromEntries(Object.keys(counts.byFlag ?? {}).map((flag) => [flag, flagMessage(flag)])),
  };
}

/** "身份证号（D列）：身份证号校验位错误" — headers and codes only, never the value. */
export function describeReasons(reasons: readonly RowReason[], lang: 'zh' | 'en' = 'zh'): string {
  return reasons
    .map((r) => {
      const msg = reasonMessage(r.code)[lang];
      if (!r.column) return `${msg} [${r.code}]`;
      return lang === 'zh'
        ? `${r.header ?? ''}（${r.column}列）：${msg} [${r.code}]`
        : `${r.header ?? ''} (column ${r.column}): ${msg} [${r.code}]`;
    })
    .join(lang === 'zh' ? '；' : '; ');
}
