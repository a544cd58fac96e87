import { AppError } from '../../kernel/errors/app-error.js';
import { chinaDate } from '../../kernel/identifiers/calendar.js';
import {
  matchesKind,
  normaliseText,
  validateHkMacauPermit,
  validateIdNumber,
  validateLandline,
  validatePassport,
  validateTaiwanPermit,
} from '../../kernel/identifiers/index.js';
import type { CustomerKind, FieldDef, FieldValue } from '../customers/customer-types.js';
import { normaliseFieldValue } from '../customers/field-values.js';
import { looksMasked } from '../customers/masking.js';
import type { ColumnStats } from './column-stats.js';
import { columnLetter, type RowReason } from './ingest-types.js';
import { type ColumnPlan, IDENTIFYING_FIELDS, type SheetPlan } from './sheet-plan.js';
import { simplifiedForMatching } from './traditional-chinese.js';

export interface ValidRow {
  type: 'valid';
  kind: CustomerKind;
  values: Record<string, FieldValue>;
  flags: string[];
  /** For a contact: how to find its company. */
  company: ContactCompany | null;
}

/** The company a contact's row names, and the company's own fields the row filled (网址, 简称…). */
export interface ContactCompany {
  companyName?: string;
  uscc?: string;
  /** Company-only fields of the contact's row: they describe its company, and go to it. */
  values?: Record<string, FieldValue>;
}

export type ParsedRow = { type: 'blank' } | { type: 'rejected'; reasons: RowReason[] } | ValidRow;

export interface ParseOptions {
  lenient: boolean;
  defaultKind: CustomerKind | null;
  /** "Now", for who is under 14; the clock's by default. */
  today?: Date;
  /** The cell (0-based) that swallowed what look like whole rows (TableRow.spansRows). */
  spansRows?: number | undefined;
}

const KIND_WORDS: Record<CustomerKind, readonly string[]> = {
  individual: ['个人', '个人客户', '个人用户', '自然人', '散客', 'individual', 'person', 'personal', 'b2c'],
  company: [
    '企业',
    '公司',
    '企业客户',
    '单位',
    '机构',
    '组织',
    // A sole trader (个体工商户) is a business with a USCC (92…), which detection grades as personal.
    '个体户',
    '个体工商户',
    '商户',
    'company',
    'organisation',
    'organization',
    'b2b',
  ],
  contact: ['联系人', '企业联系人', '联络人', 'contact', 'contact person'],
};
const KIND_BY_WORD = new Map(
  Object.entries(KIND_WORDS).flatMap(([kind, words]) => words.map((w) => [w, kind as CustomerKind] as const)),
);

/** 个人 / 企业 / 联系人 (or English) -> kind; null when the cell says something else. */
export function kindFromCell(text: string): CustomerKind | null {
  return KIND_BY_WORD.get(simplifiedForMatching(normaliseText(text).toLowerCase())) ?? null;
}

/** A row that totals the list (合计, 小计, 共计：2人…), in its first non-blank cell. */
const SUMMARY_WORDS = /^(?:合计|总计|小计|共计|总共|汇总)(?:[:：].*|\s*[\d共].*)?$/;
/**
 * The lines exported lists end (or begin) with: who made and checked the table, when, remarks. Only a
 * row all of whose cells read so is a note: a customer's own cells never start with 制表人：.
 */
const NOTE_LINE =
  /^(?:(?:制表|填表|填报|审核|复核|批准|经办|统计|打印|导出|更新|截至|截止)(?:人|日期|时间|单位)?|数据来源|备注|说明|注意事项|注意|温馨提示|提示|注)\s*[:：]|^(?:以上|截至|截止)\S/;
/** The error values Excel shows for a formula that failed, as a cell's whole text. */
const EXCEL_ERROR =
  /^\s*#(?:N\/A|REF!|VALUE!|DIV\/0!|NAME\?|NULL!|NUM!|SPILL!|CALC!|GETTING_DATA|FIELD!|BLOCKED!|UNKNOWN!|BUSY!)\s*$/i;
/** A total's first cell is short; a note line with its words may run long. */
const SUMMARY_MAX_CHARS = 24;

const TYPE_REASON: Partial<Record<FieldDef['type'], string>> = {
  date: 'DATE_FORMAT',
  number: 'NUMBER_FORMAT',
  money: 'NUMBER_FORMAT',
  boolean: 'BOOLEAN_FORMAT',
  url: 'URL_FORMAT',
  text: 'TEXT_TOO_LONG',
};

/** The reason code of a failed cell: the validator's code for identifiers, a type code otherwise. */
function reasonCode(err: unknown, def: FieldDef): string {
  if (err instanceof AppError) {
    const reason = err.details?.reason;
    if (typeof reason === 'string') return reason;
    return TYPE_REASON[def.type] ?? 'FIELD_INVALID';
  }
  throw err;
}

/** A travel permit or a passport: a document's number, not a resident ID number typed wrong. */
function isOtherDocument(raw: string): boolean {
  return (
    validateHkMacauPermit(raw).ok ||
    validateTaiwanPermit(raw, { allowBareDigits: false }).ok ||
    validatePassport(raw).ok
  );
}

function reasonAt(code: string, column: ColumnPlan | null): RowReason {
  return {
    code,
    column: column?.letter ?? null,
    header: column?.header ?? null,
    field: column?.field ?? null,
  };
}

/** Person fields (not for companies) and company identity decide the kind when no column says. */
function inferKind(values: Record<string, FieldValue>, kept: readonly KeptColumn[]): CustomerKind {
  const person = kept.some((c) => !c.def.kinds.includes('company'));
  const companyIdentity = 'companyName' in values || 'uscc' in values;
  if (person && companyIdentity) return 'contact';
  // A person's row with a stray company-only cell (a 网址 without a company) is still a person's.
  if (person) return 'individual';
  if (companyIdentity || kept.some((c) => c.def.kinds.join() === 'company')) return 'company';
  return 'individual';
}

/**
 * Whether a row said to be a company's also names a person of it: a 姓名 or 手机 (what identifies a
 * contact and no company has), beside the company's name or USCC to link the contact to. Other person
 * fields alone (a passport) make no contact: they stay FIELD_NOT_FOR_KIND.
 */
function splitsIntoContact(values: Record<string, FieldValue>, kept: readonly KeptColumn[]): boolean {
  if (!('companyName' in values || 'uscc' in values)) return false;
  return kept.some((c) => !c.def.kinds.includes('company') && IDENTIFYING_FIELDS.contact.includes(c.field));
}

/** The last day (China time, yyyymmdd) 14 years before `now`: someone born after it is under 14. */
let cutoffCache: { day: number; cutoff: string } | null = null;
function under14Cutoff(now: Date): string {
  const day = Math.floor((now.getTime() + 8 * 3_600_000) / 86_400_000);
  if (cutoffCache?.day !== day) {
    const d = chinaDate(now);
    const cutoff = `${d.year - 14}${String(d.month).padStart(2, '0')}${String(d.day).padStart(2, '0')}`;
    cutoffCache = { day, cutoff };
  }
  return cutoffCache.cutoff;
}

/**
 * Whether a person's ID number (its birth date) or 生日 says they are under 14: all of a child's
 * personal information is sensitive, and processing it needs a guardian's consent (PIPL Art. 28, 31).
 */
function isUnder14(values: Record<string, FieldValue>, now: Date | undefined): boolean {
  const born =
    typeof values.idNumber === 'string'
      ? values.idNumber.slice(6, 14)
      : typeof values.birthday === 'string'
        ? values.birthday.slice(0, 10).replace(/-/g, '')
        : null;
  return born !== null && born > under14Cutoff(now ?? new Date());
}

const SEX_WORDS: ReadonlyMap<string, 'M' | 'F'> = new Map([
  ['男', 'M'],
  ['男性', 'M'],
  ['先生', 'M'],
  ['m', 'M'],
  ['male', 'M'],
  ['女', 'F'],
  ['女性', 'F'],
  ['女士', 'F'],
  ['f', 'F'],
  ['female', 'F'],
]);

/**
 * The ID number carries the birth date and sex: a 性别 or 生日 cell that says otherwise is imported as
 * given and the customer flagged (inconsistent:gender / inconsistent:birthday), for the list's owner to
 * check. A gender word not in SEX_WORDS is not compared.
 */
function disagreementsWithIdNumber(values: Record<string, FieldValue>): string[] {
  const id = validateIdNumber(values.idNumber as string);
  if (!id.ok) return [];
  const out: string[] = [];
  if (typeof values.birthday === 'string' && values.birthday.slice(0, 10) !== id.info.birthDate)
    out.push('inconsistent:birthday');
  const sex =
    typeof values.gender === 'string' ? SEX_WORDS.get(normaliseText(values.gender).toLowerCase()) : undefined;
  if (sex !== undefined && sex !== id.info.sex) out.push('inconsistent:gender');
  return out;
}

/** Index of the first non-blank cell at or after `width` (the header's width), or -1. */
function firstExtraCell(cells: readonly string[], width: number): number {
  for (let i = width; i < cells.length; i++) if ((cells[i] ?? '').trim() !== '') return i;
  return -1;
}

/**
 * The region so far with one more part (省, then 市, then 区), skipping a part it already holds and
 * taking a part that repeats it whole: 北京市 | 北京市 | 朝阳区 is 北京市朝阳区, and a district cell that
 * spells out 浙江省杭州市西湖区 replaces 浙江省杭州市.
 */
function withRegionPart(region: string | null, part: string): string {
  if (region === null || part.startsWith(region)) return part;
  return region.includes(part) ? region : region + part;
}

/** No columns: the rows that move none to their company share it (a row allocates as little as it can). */
const NO_COLUMNS: ReadonlySet<KeptColumn> = new Set();

/** A column whose value a row kept. */
type KeptColumn = ColumnPlan & { def: FieldDef; field: string };

/**
 * 序号 (sheet-plan ROW_NUMBER_HEADERS: ignored by the plan itself, not by a mapping). A template's lines
 * are often numbered ahead; a line holding only its number describes no customer, so it is blank.
 */
function isRowNumberColumn(column: ColumnPlan | undefined): boolean {
  return column?.role === 'ignored' && column.via === 'none';
}

/**
 * Validates and normalises one data row against its sheet plan. Invalid identifier cells reject the
 * row with one reason per cell (or, lenient, are dropped and flagged). Updates the column statistics.
 */
export function parseRow(
  plan: SheetPlan,
  cells: string[],
  opts: ParseOptions,
  stats?: ColumnStats,
): ParsedRow {
  if (cells.every((c, i) => c.trim() === '' || isRowNumberColumn(plan.columns[i]))) return { type: 'blank' };
  stats?.row(plan.sheet);
  // 合计 / 小计 rows close many exported lists: a total is not a customer (and 合计 would pass as a name).
  const first = cells.find((c) => c.trim() !== '') as string;
  if (first.length <= SUMMARY_MAX_CHARS && SUMMARY_WORDS.test(normaliseText(first)))
    return {
      type: 'rejected',
      reasons: [reasonAt('SUMMARY_ROW', plan.columns[cells.indexOf(first)] ?? null)],
    };
  // 制表人：王五 / 备注：以上数据截至6月30日: not a customer named 制表人：王五.
  if (cells.every((c) => c.trim() === '' || NOTE_LINE.test(c.trim())))
    return {
      type: 'rejected',
      reasons: [reasonAt('NOTE_ROW', plan.columns[cells.indexOf(first)] ?? null)],
    };
  const reasons: RowReason[] = [];
  const flags: string[] = [];
  /** Cells a lenient import leaves out: named again should the row still be rejected. */
  const dropped: RowReason[] = [];
  /** An invalid cell rejects the row, or under --lenient is left out and flags the customer. */
  const refuse = (reason: RowReason, what: string): void => {
    if (opts.lenient) {
      flags.push(`lenient:${what}`);
      dropped.push(reason);
    } else reasons.push(reason);
  };
  // A stray quote took the lines after it into one cell: rejected even under --lenient, since leaving
  // the cell out would lose the customers on those lines; in the quarantine they are seen and fixed,
  // not stored in this customer's field.
  if (opts.spansRows !== undefined) {
    const at = opts.spansRows;
    const column = plan.columns.find((c) => c.index === at);
    reasons.push(
      column
        ? reasonAt('CELL_SPANS_ROWS', column)
        : { code: 'CELL_SPANS_ROWS', column: columnLetter(at + 1), header: null, field: null },
    );
  }
  const values: Record<string, FieldValue> = {};
  // Cells right of the last header belong to no column: usually a delimiter inside an unquoted cell
  // (北京市,朝阳区) that shifted the row, so its other cells may sit under the wrong headers too.
  const extra = firstExtraCell(cells, plan.headers.length);
  if (extra >= 0) {
    const reason: RowReason = {
      code: 'EXTRA_CELLS',
      column: columnLetter(extra + 1),
      header: null,
      field: null,
    };
    refuse(reason, 'extra-cells');
  }
  // A list, not maps: a row keeps a dozen fields at most, and two maps per row were garbage. A sheet
  // plan maps a field to one column at most (planSheet), so a field is never kept twice; the 省/市/区
  // columns of the region are composed into one value and kept once.
  const kept: KeptColumn[] = [];
  /** Cells of the row's company (公司地址…): placed once the row's kind is known. */
  let companyCells: Array<{ column: ColumnPlan; key: string; value: FieldValue }> | null = null;
  /** 省, 市 and 区 cells, composed into the region after the loop. */
  let region: string | null = null;
  let kind: CustomerKind | null = null;
  for (const column of plan.columns) {
    const raw = cells[column.index] ?? '';
    if (raw.trim() === '') continue;
    if (column.role === 'kind') {
      kind = kindFromCell(raw);
      stats?.cell(plan.sheet, column, raw, kind !== null);
      if (kind === null) refuse(reasonAt('KIND_UNKNOWN', column), 'kind');
      continue;
    }
    if (column.role === 'unmapped' || column.role === 'ignored') {
      // Not imported, but reported: how full the column is, and how much of it is the kind its sample
      // suggested, help decide its mapping.
      stats?.cell(plan.sheet, column, raw, column.detected ? matchesKind(column.detected.kind, raw) : true);
      continue;
    }
    if (column.role !== 'field' || !column.def || !column.field) continue;
    // A failed formula (VLOOKUP's #N/A) shows its error as the cell's text: that is no customer's value.
    if (EXCEL_ERROR.test(raw)) {
      stats?.cell(plan.sheet, column, raw, false);
      refuse(reasonAt('EXCEL_ERROR_VALUE', column), column.field);
      continue;
    }
    if (looksMasked(column.def, raw)) {
      stats?.cell(plan.sheet, column, raw, false);
      refuse(reasonAt('MASKED_VALUE', column), column.field);
      continue;
    }
    let value: FieldValue | undefined;
    try {
      value = normaliseFieldValue(column.def, raw);
    } catch (err) {
      // 联系电话 columns mix mobiles and office numbers: a landline there is kept as the landline, unless
      // the sheet has a landline column of its own.
      if (column.field === 'mobile' && !plan.columns.some((c) => c.field === 'landline')) {
        const landline = validateLandline(raw);
        if (landline.ok) {
          stats?.cell(plan.sheet, column, raw, true);
          values.landline = landline.value;
          continue;
        }
      }
      // 证件号码 columns hold passports too: one is kept as the passport number when the sheet has no
      // passport column (and checked against the customer's kind like any field).
      const passport = column.field === 'idNumber' && column.passportDef ? validatePassport(raw) : null;
      if (passport?.ok && column.passportDef) {
        stats?.cell(plan.sheet, column, raw, true);
        values.passport = passport.value;
        kept.push({ ...column, field: 'passport', def: column.passportDef });
        continue;
      }
      stats?.cell(plan.sheet, column, raw, false);
      const code =
        column.field === 'idNumber' && isOtherDocument(raw)
          ? 'ID_OTHER_DOCUMENT'
          : reasonCode(err, column.def);
      refuse(reasonAt(code, column), column.field);
      continue;
    }
    if (value === undefined) continue;
    stats?.cell(plan.sheet, column, Array.isArray(value) ? value.join(';') : String(value), true);
    if (column.ofCompany) {
      companyCells ??= [];
      companyCells.push({ column, key: column.def.key, value });
      continue;
    }
    if (column.regionPart && typeof value === 'string') {
      if (region === null) kept.push(column as KeptColumn);
      region = withRegionPart(region, value);
      continue;
    }
    values[column.field] = value;
    kept.push(column as KeptColumn);
  }
  if (region !== null) values.region = region;
  let finalKind = kind ?? opts.defaultKind ?? inferKind(values, kept);
  /** A contact list's 公司网址 or 公司简称 describes the contact's company: it goes there. */
  let companyValues: Record<string, FieldValue> | null = null;
  /** Columns whose value went to the company of a company row split in two (below). */
  let movedToCompany: ReadonlySet<KeptColumn> = NO_COLUMNS;
  if (finalKind === 'company' && splitsIntoContact(values, kept)) {
    // A CRM's 企业 row naming its 联系人 and 手机: the company keeps what a company can hold, the
    // person's fields make a contact of it, rather than the row being rejected for them.
    finalKind = 'contact';
    flags.push('import:contact-from-company-row');
    companyValues = {};
    const moved = new Set<KeptColumn>();
    for (const column of kept) {
      const key = column.field;
      if (key === 'companyName' || key === 'uscc' || !column.def.kinds.includes('company')) continue;
      companyValues[key] = values[key] as FieldValue;
      delete values[key];
      moved.add(column);
    }
    movedToCompany = moved;
  }
  for (const column of kept) {
    const key = column.field;
    if (movedToCompany.has(column) || column.def.kinds.includes(finalKind)) continue;
    if (finalKind === 'contact' && column.def.kinds.includes('company')) {
      companyValues ??= {};
      companyValues[key] = values[key] as FieldValue;
    } else refuse(reasonAt('FIELD_NOT_FOR_KIND', column), key);
    delete values[key];
  }
  // 公司地址 and the like: the contact's company's, or a company row's own; an individual has no company.
  if (companyCells) {
    if (finalKind === 'contact') companyValues ??= {};
    for (const { column, key, value } of companyCells) {
      const target = finalKind === 'contact' ? companyValues : finalKind === 'company' ? values : null;
      if (target === null) refuse(reasonAt('FIELD_NOT_FOR_KIND', column), key);
      else if (target[key] === undefined) target[key] = value;
      else if (JSON.stringify(target[key]) !== JSON.stringify(value))
        refuse(reasonAt('FIELD_TWICE', column), key);
    }
  }
  if (companyValues !== null && Object.keys(companyValues).length === 0) companyValues = null;
  let company: ValidRow['company'] = null;
  if (finalKind === 'contact') {
    const companyName = values.companyName;
    const uscc = values.uscc;
    if (typeof companyName !== 'string' && typeof uscc !== 'string')
      reasons.push(reasonAt('PARENT_REQUIRED', null));
    else
      company = {
        ...(typeof companyName === 'string' ? { companyName } : {}),
        ...(typeof uscc === 'string' ? { uscc } : {}),
        ...(companyValues ? { values: companyValues } : {}),
      };
  }
  if (!IDENTIFYING_FIELDS[finalKind].some((k) => k in values))
    reasons.push(reasonAt('NOT_IDENTIFYING', null));
  if (typeof values.idNumber === 'string' && (values.gender !== undefined || values.birthday !== undefined))
    flags.push(...disagreementsWithIdNumber(values));
  if (finalKind !== 'company' && isUnder14(values, opts.today)) flags.push('minor:under-14');
  if (reasons.length > 0) return { type: 'rejected', reasons: [...dropped, ...reasons] };
  return {
    type: 'valid',
    kind: finalKind,
    values,
    flags: flags.length ? [...new Set(flags)] : flags,
    company,
  };
}
