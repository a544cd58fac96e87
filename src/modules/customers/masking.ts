import { maskInternationalPhone } from '../../kernel/identifiers/index.js';
import type { FieldDef, FieldValue } from './customer-types.js';

const STARS = '****';

function keepEnds(s: string, head: number, tail: number, fill = '*'): string {
  const chars = [...s];
  if (chars.length <= head + tail)
    return chars.length <= 1 ? fill : `${chars[0]}${fill.repeat(chars.length - 1)}`;
  return `${chars.slice(0, head).join('')}${fill.repeat(chars.length - head - tail)}${chars.slice(chars.length - tail).join('')}`;
}

/** Address kept down to the district/county (区/县/旗/市 after a 市), the rest starred. */
function maskAddress(s: string): string {
  const m = /^(.*?(?:省|自治区|特别行政区)?.*?(?:市|自治州|地区|盟).*?(?:区|县|旗|市))/.exec(s);
  const keep =
    m?.[1] && m[1].length < s.length ? m[1] : [...s].slice(0, Math.min(6, Math.floor(s.length / 2))).join('');
  return `${keep}${STARS}`;
}

/** Masks one text value with a display rule (ARCHITECTURE §3 defaults). */
export function maskText(rule: FieldDef['mask'], s: string): string {
  switch (rule) {
    case 'none':
      return s;
    case 'mobile':
      if (s.startsWith('+')) return maskInternationalPhone(s);
      return s.length === 11 ? `${s.slice(0, 3)}${STARS}${s.slice(7)}` : keepEnds(s, 3, 2);
    case 'landline': {
      const digits = s.replace(/\D/g, '');
      return `${digits.slice(0, 4)}${STARS}${digits.slice(-2)}`;
    }
    case 'name':
      return keepEnds(s, 1, 0);
    case 'idNumber':
      return keepEnds(s, 3, 4);
    case 'bankCard':
      return `尾号${s.replace(/\D/g, '').slice(-4)}`;
    case 'email': {
      const at = s.lastIndexOf('@');
      return at <= 0 ? keepEnds(s, 1, 0) : `${s[0]}***${s.slice(at)}`;
    }
    case 'address':
      return maskAddress(s);
    case 'birthday':
      return `****${s.slice(4, 10)}`;
    case 'amount':
      return '***';
    case 'hidden':
      return '******';
    default:
      return keepEnds(s, 1, 1);
  }
}

/** Masks a value of any shape; lists keep their length so people see "3 orders" without contents. */
export function maskField(def: Pick<FieldDef, 'mask'>, value: FieldValue): FieldValue {
  if (def.mask === 'none') return value;
  if (Array.isArray(value))
    return def.mask === 'hidden' ? [`共${value.length}项`] : value.map((v) => maskText(def.mask, v));
  if (typeof value === 'number')
    return def.mask === 'amount' || def.mask === 'hidden' ? '***' : maskText(def.mask, String(value));
  if (typeof value === 'boolean') return def.mask === 'hidden' ? '******' : value;
  return maskText(def.mask, value);
}

/**
 * Whether a cell reads as a value this module masked (张*, 138****5678, ******, 尾号1234): a masked
 * export imported again must not store the stars as the customer's name or mobile.
 */
export function looksMasked(def: Pick<FieldDef, 'mask'>, text: string): boolean {
  // Every cell of an import passes here: most have no star and are answered without normalising.
  if (def.mask === 'none' || !/[*＊]|尾号/.test(text)) return false;
  const s = text.normalize('NFKC').trim();
  if (def.mask === 'bankCard' && /^尾号\d{4}$/.test(s)) return true;
  if (!s.includes('*')) return false;
  if (/^\*+$/.test(s)) return true;
  // A hidden field's mask is all stars; its own text may hold ** (Markdown, a rating).
  if (def.mask === 'hidden') return false;
  if (def.mask === 'name') return /^\S\*+$/u.test(s);
  return s.includes('**');
}
