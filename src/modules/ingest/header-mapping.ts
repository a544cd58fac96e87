import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../kernel/errors/app-error.js';
import { fileProblem } from '../../kernel/errors/file-errors.js';
import { simplifiedForMatching } from './traditional-chinese.js';

/** How one source column maps to a customer field. */
export interface HeaderMapping {
  /** 1-based column number. */
  column: number;
  /** The header exactly as in the file. */
  header: string;
  /** Field key, or null when the column is ignored or unrecognised. */
  field: string | null;
  via: 'synonym' | 'override' | 'none';
}

const IGNORE = '-';
/** A field key, or `company.<key>`: that field of the row's company (see COMPANY_SCOPE). */
const FIELD_KEY = /^(?:company\.)?[A-Za-z][A-Za-z0-9_]*$/;
/** The prefix of a column that describes the row's company rather than the row (公司地址 -> company.address). */
export const COMPANY_SCOPE = 'company.';
const OPEN = '([【〔〈《「';
const CLOSE = ')]】〕〉》」';
const NOTE_AT_END = new RegExp(
  `[${escapeClass(OPEN)}][^${escapeClass(OPEN + CLOSE)}]*[${escapeClass(CLOSE)}]$`,
);
const NOTE_AT_START = new RegExp(
  `^[${escapeClass(OPEN)}][^${escapeClass(OPEN + CLOSE)}]*[${escapeClass(CLOSE)}]`,
);
const BRACKETS = new RegExp(`[${escapeClass(OPEN + CLOSE)}]`, 'g');
const MAX_MAPPING_BYTES = 1024 * 1024;

/** Header texts seen in Chinese CRM exports and templates, per field key; matched after normaliseHeader. */
export const HEADER_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  name: [
    '姓名',
    '客户姓名',
    '联系人',
    '联系人姓名',
    '联络人',
    '真实姓名',
    '用户姓名',
    '会员姓名',
    '顾客姓名',
    '名字',
    'name',
    'full name',
    'contact',
  ],
  mobile: [
    '手机',
    '手机号',
    '手机号码',
    '移动电话',
    '行动电话',
    '联系手机',
    '客户手机',
    '手机号码1',
    'mobile',
    'phone',
    'cell',
  ],
  idNumber: [
    '身份证',
    '身份证号',
    '身份证号码',
    '公民身份号码',
    '证件号码',
    '证件号',
    'id number',
    'id card',
  ],
  email: ['邮箱', '电子邮件', '电子邮箱', '电子信箱', '邮件', '邮箱地址', 'email', 'e-mail', 'mail'],
  address: [
    '地址',
    '联系地址',
    '联络地址',
    '详细地址',
    '通讯地址',
    '通信地址',
    '收货地址',
    '家庭住址',
    '家庭地址',
    '住址',
    'address',
  ],
  companyName: [
    '客户名称',
    '公司名称',
    '企业名称',
    '单位',
    '单位名称',
    '工作单位',
    '客户单位',
    '所属公司',
    '公司',
    'company',
    'company name',
  ],
  uscc: [
    '统一社会信用代码',
    '信用代码',
    '社会信用代码',
    '社会统一信用代码',
    '统一信用代码',
    'uscc',
    'credit code',
  ],
  // Not 公司电话 / 单位电话: small firms list a mobile there, which would fail as a landline.
  landline: ['座机', '固定电话', '办公电话', '座机号码', '固话', '办公室电话', 'landline'],
  gender: ['性别', 'gender', 'sex'],
  // Not 出生年月: it holds a month (1990年3月), which is no birthday; left to a custom field.
  birthday: ['生日', '出生日期', '出生年月日', 'birthday', 'date of birth', 'dob'],
  wechat: ['微信', '微信号', '微信账号', 'wechat'],
  qq: ['QQ', 'QQ号', 'QQ号码'],
  title: ['职务', '职位', '岗位', 'title', 'position', 'job title'],
  dept: ['部门', '所属部门', 'department'],
  industry: ['行业', '所属行业', '客户行业', 'industry'],
  region: ['地区', '省市区', '所在地区', '所在地', 'region'],
  level: ['客户级别', '级别', '客户等级', '等级', '会员等级', '会员级别', '客户分级', 'vip等级', 'level'],
  source: ['客户来源', '来源', '来源渠道', '获客渠道', '线索来源', '渠道来源', 'source'],
  notes: ['备注', '跟进记录', '备注信息', '客户备注', '说明', 'notes', 'remark', 'remarks'],
  bankAccount: ['银行卡', '银行卡号', '银行账号', '银行账户', '银行卡号码', 'bank card', 'bank account'],
  passport: ['护照', '护照号', '护照号码', 'passport', 'passport number'],
  ownerName: ['负责人'],
  tags: ['标签', '客户标签', 'tags'],
  orders: ['订单', '订单记录', '购买记录', '消费记录', '购买产品', '购买商品', 'orders'],
  amount: [
    '金额',
    '消费金额',
    '累计消费',
    '累计消费金额',
    '累计消费额',
    '累计金额',
    '消费总额',
    '消费总金额',
    '总消费',
    '总消费金额',
    '累计购买金额',
    'total spend',
  ],
  // Company-only fields: in a contact's row they describe the contact's company, and go to it (row-parser).
  shortName: ['简称', '公司简称', '企业简称', '客户简称', '单位简称', 'short name'],
  website: ['网址', '公司网址', '企业网址', '官网', '公司官网', '官方网站', '公司网站', 'website'],
  creditLimit: ['信用额度', '授信额度', '赊销额度', 'credit limit'],
  invoiceInfo: ['开票信息', '开票资料', '发票信息', '发票抬头信息', 'invoice details', 'invoice info'],
  lastFollowAt: ['最后跟进时间', '最近跟进时间', '上次跟进时间', '最后联系时间', '最近联系时间'],
  nextFollowAt: ['下次联系时间', '下次跟进时间', '计划跟进时间'],
  followStatus: ['跟进状态'],
  dealStatus: ['成交状态', '是否成交'],
  // Not 决策人 alone: such a column names the decision maker rather than saying yes or no.
  isDecisionMaker: ['关键决策人', '是否决策人'],
  location: ['精确定位', '定位', '经纬度', '坐标', 'gps', 'location'],
  health: ['健康信息', '健康状况', '病史', 'health'],
};

/**
 * Headers naming a field of the row's company (公司地址, 单位电话, 企业邮箱): in a contact list they
 * describe the contact's company, not the contact, and are mapped to `company.<field>`.
 */
export const COMPANY_FIELD_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  address: [
    '公司地址',
    '企业地址',
    '单位地址',
    '公司注册地址',
    '注册地址',
    '公司办公地址',
    'company address',
  ],
  landline: ['公司电话', '单位电话', '企业电话', '公司座机', '单位座机', '公司总机', '总机', 'company phone'],
  email: ['公司邮箱', '企业邮箱', '单位邮箱', '公司电子邮箱', 'company email'],
  industry: ['公司行业', '企业行业', '单位行业'],
  region: ['公司所在地', '企业所在地', '公司所在地区'],
};

/**
 * Headers that hold a mobile in most lists but an office number in some (电话, 联系电话): the mobile when
 * no column claims it by a specific name, else the landline. A landline found in such a column while
 * it is the mobile column is kept as the landline (row-parser).
 */
export const PHONE_HEADERS: readonly string[] = [
  '联系电话',
  '电话',
  '电话号码',
  '联系方式',
  '联络电话',
  'tel',
  'telephone',
];
const PHONE_FIELDS = ['mobile', 'landline'] as const;
const PHONE_INDEX: ReadonlySet<string> = new Set(PHONE_HEADERS.map(normaliseHeader));

/** Whether a header is one of PHONE_HEADERS (mobile or landline, decided per sheet). */
export function isPhoneHeader(header: string): boolean {
  return PHONE_INDEX.has(normaliseHeader(header));
}

export type RegionPart = 'province' | 'city' | 'district';

/**
 * Headers of the columns Chinese CRM exports split a region into (省份 | 城市 | 区县), composed into the
 * one `region` field (浙江省杭州市西湖区) when no column is the region itself.
 */
const REGION_PART_HEADERS: ReadonlyMap<string, RegionPart> = new Map(
  (
    [
      ['province', ['省', '省份', '所在省份', '所在省', '省/直辖市', '省份/直辖市', '省/市', 'province']],
      ['city', ['市', '城市', '所在城市', '所在市', '地级市', 'city']],
      ['district', ['区', '区县', '区/县', '县/区', '县区', '所在区县', '区域', 'district', 'county']],
    ] as const
  ).flatMap(([part, headers]) => headers.map((h): [string, RegionPart] => [normaliseHeader(h), part])),
);

/** The region part a header names (省份 -> province), if any. */
export function regionPartOf(header: string): RegionPart | undefined {
  return REGION_PART_HEADERS.get(normaliseHeader(header));
}

/** Normalised header text -> field key; a field's own key also matches, so our exports read back. */
const SYNONYM_INDEX: ReadonlyMap<string, string> = new Map([
  ...Object.entries(HEADER_SYNONYMS).flatMap(([field, synonyms]) =>
    [field, ...synonyms].map((text): [string, string] => [normaliseHeader(text), field]),
  ),
  ...Object.entries(COMPANY_FIELD_SYNONYMS).flatMap(([field, synonyms]) =>
    synonyms.map((text): [string, string] => [normaliseHeader(text), `${COMPANY_SCOPE}${field}`]),
  ),
]);

/**
 * Canonical form of a header for matching: NFKC (full-width letters and brackets become ASCII), lower
 * case, without the "*" of required columns, without bracketed notes at either end such as （必填） or
 * 【选填】, and without spaces and joiners, so "* 手机号码（必填）" and "手机号码" match, as do
 * "E-mail" and "email".
 */
export function normaliseHeader(text: string): string {
  let s = simplifiedForMatching(
    text
      .normalize('NFKC')
      .replace(/[\u200b-\u200d\ufeff*]/g, '')
      .trim()
      .toLowerCase(),
  );
  let stripped = s.replace(NOTE_AT_END, '').trim();
  while (stripped !== s && stripped !== '') {
    s = stripped;
    stripped = s.replace(NOTE_AT_END, '').trim();
  }
  const withoutLead = s.replace(NOTE_AT_START, '').trim();
  if (withoutLead !== '') s = withoutLead;
  return s.replace(BRACKETS, '').replace(/[\s_\-.:·]/g, '');
}

/**
 * Maps each header to a field. `override` entries (keyed by header text, column letter "C" or 1-based
 * number "3", in that order of precedence; value a field key or "-" to ignore the column) win over
 * synonyms. A field is given to one column only: overrides claim first, then synonyms, each in column
 * order; a later column aiming at a taken field is reported with field null and via 'none'. Override
 * keys naming a header absent from this file are ignored, so one mapping file can serve several files.
 */
export function mapHeaders(headers: string[], override: Record<string, string> = {}): HeaderMapping[] {
  const normalised = headers.map(normaliseHeader);
  const overrides = resolveOverrides(headers, normalised, override);
  const result: HeaderMapping[] = headers.map((header, i) => ({
    column: i + 1,
    header,
    field: null,
    via: 'none',
  }));
  const taken = new Set<string>();
  for (const [index, target] of [...overrides].sort(([a], [b]) => a - b)) {
    const mapping = result[index] as HeaderMapping;
    if (target === IGNORE) mapping.via = 'override';
    else if (!taken.has(target)) {
      taken.add(target);
      mapping.field = target;
      mapping.via = 'override';
    }
  }
  const claim = (index: number, field: string) => {
    taken.add(field);
    const mapping = result[index] as HeaderMapping;
    mapping.field = field;
    mapping.via = 'synonym';
  };
  normalised.forEach((text, index) => {
    if (overrides.has(index)) return;
    const field = SYNONYM_INDEX.get(text);
    if (field !== undefined && !taken.has(field)) claim(index, field);
  });
  // Phone columns last, so 手机 takes the mobile wherever it stands and 电话 beside it the landline.
  normalised.forEach((text, index) => {
    if (overrides.has(index) || !PHONE_INDEX.has(text)) return;
    const field = PHONE_FIELDS.find((f) => !taken.has(f));
    if (field !== undefined) claim(index, field);
  });
  return result;
}

/**
 * Reads a mapping file: `{ "columns": { "<header>": "<field>" } }` or the inner object on its own.
 * Column keys follow mapHeaders' override rules.
 */
export async function loadMappingFile(path: string): Promise<Record<string, string>> {
  const fileName = basename(path);
  const bytes = await readFile(path).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EISDIR')
      throw new AppError('FILE_ACCESS_FAILED', { path: fileName, detail: fileProblem(code) });
    throw code === 'ENOENT' || code === 'ENOTDIR' ? new AppError('FILE_NOT_FOUND', { path: fileName }) : err;
  });
  if (bytes.length > MAX_MAPPING_BYTES) invalid(`${fileName} is larger than 1 MiB`);
  return parseMapping(bytes.toString('utf8'), fileName);
}

/**
 * Reads a mapping from JSON text (a file's, or an upload's `mapping` field), in the mapping file's
 * format; `source` names it in errors.
 */
export function parseMapping(text: string, source: string): Record<string, string> {
  if (Buffer.byteLength(text) > MAX_MAPPING_BYTES) invalid(`${source} is larger than 1 MiB`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch {
    // JSON.parse's message quotes the offending text, so it is not passed on.
    invalid(`${source} is not valid JSON`);
  }
  if (!isPlainObject(parsed)) invalid('expected a JSON object');
  const columns = isPlainObject(parsed.columns) ? parsed.columns : parsed;
  // No prototype: a header named __proto__ is kept as a column like any other, not dropped by the setter.
  const mapping: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(columns)) {
    if (typeof value !== 'string')
      invalid(`the value for column "${shorten(key)}" must be a field key or "-"`);
    checkTarget(key, value);
    mapping[key] = value;
  }
  return mapping;
}

/** Column index -> field key or IGNORE. */
function resolveOverrides(
  headers: string[],
  normalised: string[],
  override: Record<string, string>,
): Map<number, string> {
  const chosen = new Map<number, string>();
  for (const [key, target] of Object.entries(override)) {
    checkTarget(key, target);
    const normKey = normaliseHeader(key);
    let columns = normKey === '' ? [] : indexesOf(normalised, normKey);
    if (columns.length === 0) {
      const position = columnPosition(key.trim());
      if (position !== null) {
        if (position < 1 || position > headers.length) {
          invalid(`column "${shorten(key)}" is beyond the ${headers.length} columns of the file`);
        }
        columns = [position - 1];
      }
    }
    for (const column of columns) {
      const previous = chosen.get(column);
      if (previous !== undefined && previous !== target) {
        invalid(`column ${column + 1} is mapped twice, to "${previous}" and "${target}"`);
      }
      chosen.set(column, target);
    }
  }
  return chosen;
}

/** "C" -> 3, "AA" -> 27, "3" -> 3; null when the key is neither a letter nor a number. */
function columnPosition(key: string): number | null {
  if (/^\d{1,5}$/.test(key)) return Number(key);
  if (!/^[A-Za-z]{1,3}$/.test(key)) return null;
  let n = 0;
  for (const ch of key.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function checkTarget(key: string, target: string): void {
  if (target !== IGNORE && !FIELD_KEY.test(target)) {
    invalid(
      `column "${shorten(key)}" must map to a field key such as "mobile" (or "company.address" for the company's), or "-" to ignore it`,
    );
  }
}

function indexesOf(values: string[], wanted: string): number[] {
  const found: number[] = [];
  values.forEach((v, i) => {
    if (v === wanted) found.push(i);
  });
  return found;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string): never {
  throw new AppError('IMPORT_MAPPING_INVALID', { detail });
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^[-]/g, '\\$&');
}

/**
 * Whether a row reads as a sheet's header rather than a title or note above it: of its non-blank cells,
 * at least two (or all, if fewer) are known headers, by synonym or by name in the mapping file. Column
 * letters in the mapping do not count: they would make any wide row a header.
 */
export function looksLikeHeaderRow(cells: readonly string[], override: Record<string, string> = {}): boolean {
  const filled = cells.filter((c) => c.trim() !== '').length;
  return filled > 0 && knownHeaderCells(cells, override) >= Math.min(2, filled);
}

/** How many of a row's cells are known column names (synonyms, or names the mapping file gives). */
export function knownHeaderCells(cells: readonly string[], override: Record<string, string> = {}): number {
  const named = new Set(Object.keys(override).map(normaliseHeader));
  let known = 0;
  for (const cell of cells) {
    if (cell.trim() === '') continue;
    const text = normaliseHeader(cell);
    if (SYNONYM_INDEX.has(text) || PHONE_INDEX.has(text) || REGION_PART_HEADERS.has(text) || named.has(text))
      known++;
  }
  return known;
}
