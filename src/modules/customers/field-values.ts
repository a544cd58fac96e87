import { AppError } from '../../kernel/errors/app-error.js';
import { chinaDate, formatDate } from '../../kernel/identifiers/calendar.js';
import {
  codeText,
  normaliseText,
  type Validation,
  validateBankCard,
  validateEmail,
  validateIdNumber,
  validateLandline,
  validateMobileField,
  validateUscc,
} from '../../kernel/identifiers/index.js';
import { foldToSimplified } from '../../kernel/identifiers/simplified-chinese.js';
import type { FieldDef, FieldValue } from './customer-types.js';

/** Dots typed for the middle dot of a transliterated name: bullet, katakana dot, full stop, hyphenation point… */
const NAME_DOTS = /\s*[•・．.‧∙⋅●·]\s*/gu;
const DOTTED_HAN_NAME = /^\p{Script=Han}+(?:\s*[•・．.‧∙⋅●·]\s*\p{Script=Han}+)+$/u;
/** A Chinese name written with spaces between its characters (张 三, 欧阳 娜娜). */
const SPACED_HAN_NAME = /^[\p{Script=Han}·]+(?:\s+[\p{Script=Han}·]+)+$/u;

function fromValidation(field: string, v: Validation): string {
  if (v.ok) return v.value;
  throw new AppError(
    'FIELD_INVALID',
    { field, reason: v.message.en, reasonZh: v.message.zh },
    { field, reason: v.reason },
  );
}

function invalid(field: string, reason: string): never {
  throw new AppError('FIELD_INVALID', { field, reason }, { field });
}

/**
 * Normalises and validates one value for its catalog entry; empty means "no value" (undefined).
 * Error messages name the field and the rule broken, never the value (it is personal data).
 */
export function normaliseFieldValue(def: FieldDef, raw: unknown): FieldValue | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (def.type === 'list') {
    const items = (Array.isArray(raw) ? raw.map(String) : String(raw).split(/[;；\n]/))
      .map((s) => normaliseText(s))
      .filter((s) => s.length > 0);
    return items.length ? items : undefined;
  }
  if (typeof raw === 'object') invalid(def.key, 'expected text, got an object');
  const text =
    def.type === 'text' && def.mask !== 'name' ? freeText(String(raw)) : normaliseText(String(raw));
  if (text === '') return undefined;
  switch (def.type) {
    case 'mobile':
      return fromValidation(def.key, validateMobileField(text));
    case 'idNumber':
      return fromValidation(def.key, validateIdNumber(text));
    case 'email':
      return fromValidation(def.key, validateEmail(text));
    case 'uscc':
      return fromValidation(def.key, validateUscc(text));
    case 'landline':
      return fromValidation(def.key, validateLandline(text));
    case 'bankCard':
      return fromValidation(def.key, validateBankCard(text));
    case 'date': {
      const code = codeText(text);
      // 19900307, as systems that store dates as numbers export them; 32939, Excel's serial of a date
      // cell saved to CSV as a number.
      const spelled = /^\d{8}$/.test(code)
        ? `${code.slice(0, 4)}-${code.slice(4, 6)}-${code.slice(6)}`
        : (excelSerialDate(code) ?? code);
      // A database export adds milliseconds (1990-03-07 00:00:00.000); they are dropped.
      const m =
        /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}:\d{2}(?::\d{2})?)(?:\.\d+)?)?$/.exec(
          spelled,
        );
      if (!m) invalid(def.key, 'expected a date like 2025-01-05');
      const iso = `${m[1]}-${(m[2] as string).padStart(2, '0')}-${(m[3] as string).padStart(2, '0')}`;
      const d = new Date(`${iso}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso)
        invalid(def.key, 'not a real calendar date');
      // A birth date to come is a typing error, and would make its holder a child (the under-14 flag).
      if (def.mask === 'birthday' && iso > formatDate(chinaDate(new Date())))
        throw new AppError(
          'FIELD_INVALID',
          { field: def.key, reason: 'a birth date in the future' },
          { field: def.key, reason: 'BIRTHDAY_FUTURE' },
        );
      return m[4] ? `${iso} ${m[4].length === 5 ? `${m[4]}:00` : m[4]}` : iso;
    }
    case 'number':
    case 'money':
      return chineseNumber(def.key, codeText(text));
    case 'boolean': {
      // √ and × are how a Chinese form ticks a box.
      if (['1', 'true', 'yes', 'y', '是', '对', '√', '✓', '✔', '☑'].includes(text.toLowerCase())) return true;
      if (['0', 'false', 'no', 'n', '否', '不是', '×', '✗', '✘'].includes(text.toLowerCase())) return false;
      return invalid(def.key, 'expected yes/no (是/否)');
    }
    case 'url':
      if (!/^(https?:\/\/)?[\w.-]+\.[a-z]{2,}(\/\S*)?$/i.test(text))
        invalid(def.key, 'expected a web address');
      return text;
    default:
      if (text.length > 4000) invalid(def.key, 'longer than 4000 characters');
      // 张  三: two-character names padded to line up with three-character ones.
      if (def.mask === 'name' && SPACED_HAN_NAME.test(text)) return text.replace(/\s+/g, '');
      // 买买提•艾力, 迪丽热巴.迪力木拉提: the separator of a transliterated name, typed as whatever dot was
      // at hand, is the middle dot, so the name matches itself across lists.
      if (def.mask === 'name' && DOTTED_HAN_NAME.test(text)) return text.replace(NAME_DOTS, '·');
      return text;
  }
}

/**
 * Free text (an address, notes, a company's registered name with its full-width brackets) as written:
 * NFKC would turn （东） into (东), ① into 1 and ，into a comma, and collapsing whitespace would join a
 * note's lines. Only the ends are trimmed and line breaks made one kind. Codes and names are folded
 * (normaliseText); so is every search form, so matching does not depend on how the text was typed.
 */
export function freeText(s: string): string {
  return s.normalize('NFC').replace(/\r\n?/g, '\n').trim();
}

/** 万, 千 and 亿 as sales lists write amounts (1.2万元 is 12000). */
const CHINESE_MULTIPLIERS: Readonly<Record<string, number>> = { 千: 1e3, 万: 1e4, 亿: 1e8 };

/**
 * An Excel date serial (days since 1899-12-30, as Excel counts them after its 1900 leap-year bug) as
 * yyyy-mm-dd: five digits, 1927 to 2100. Null for anything else, which stays an error if not a date.
 */
function excelSerialDate(code: string): string | null {
  if (!/^\d{5}$/.test(code)) return null;
  const serial = Number(code);
  if (serial < 10_000 || serial > 73_415) return null;
  return new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 10);
}

/** Currency words around an amount: RMB 1280, CNY1280, 人民币1280元, 1280元整. */
const CURRENCY_WORDS = /^(?:rmb|cny|人民币)|元整$/i;

function chineseNumber(field: string, text: string): number {
  const bare = text.replace(CURRENCY_WORDS, '').replace(/[¥￥,，\s元]/g, '');
  const unit = CHINESE_MULTIPLIERS[bare.slice(-1)];
  const digits = unit === undefined ? bare : bare.slice(0, -1);
  // Number('') is 0: a cell of only a currency sign, a unit or a text mark is not a zero.
  const n = digits === '' ? Number.NaN : Number(digits);
  if (!Number.isFinite(n)) invalid(field, 'expected a number');
  // toPrecision(15) drops the binary noise of the multiplication (1.1 × 10000 is 11000.000000000002).
  return unit === undefined ? n : Number((n * unit).toPrecision(15));
}

/**
 * Normalised form used for blind indexes and exact find (ARCHITECTURE §2). Names are matched in
 * simplified characters, so 陳敏鳳 of a Hong Kong list and 陈敏凤 of a mainland one are the same name.
 */
export function searchForm(field: string, value: string): string {
  if (field === 'email') return value.trim().toLowerCase();
  if (field === 'name' || field === 'companyName') return nameKey(closedUpName(value));
  return value;
}

/** Simplified characters, and Latin letters in lower case: Zhang San and ZHANG SAN are one name too. */
function nameKey(closedUp: string): string {
  return foldToSimplified(closedUp).toLowerCase();
}

/**
 * The search form a name was indexed in before names were folded to simplified characters and lower
 * case, where it differs (the name has traditional characters or capitals): lookups try it too, so
 * customers indexed then are still found by their own spelling until `keys reindex` rewrites them.
 */
export function legacySearchForm(field: string, value: string): string | null {
  if (field !== 'name' && field !== 'companyName') return null;
  const kept = closedUpName(value);
  return nameKey(kept) === kept ? null : kept;
}

function closedUpName(value: string): string {
  return normaliseText(value).replace(/\s+/g, '');
}
