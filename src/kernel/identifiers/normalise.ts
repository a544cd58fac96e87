/**
 * Text normalisers shared by the validators. Chinese input methods produce full-width digits, letters
 * and punctuation (１３８, ＠, （）) and users paste values with stray spaces; NFKC folds them to ASCII.
 */

/** NFKC (full-width to half-width), trim, and collapse inner whitespace runs to one space. */
export function normaliseText(s: string): string {
  return isPlainAscii(s) ? s : s.normalize('NFKC').trim().replace(/\s+/g, ' ');
}

/**
 * Whether `s` is printable ASCII with single inner spaces and none at its ends, which NFKC and the
 * whitespace rules leave as it is. Most cells of a customer list are (mobiles, ID numbers, emails), and
 * every cell passes through here, so they skip the normaliser's copies.
 */
function isPlainAscii(s: string): boolean {
  let previous = 0x20;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e || c < 0x20 || (c === 0x20 && previous === 0x20)) return false;
    previous = c;
  }
  return previous !== 0x20;
}

/**
 * The code a cell holds, without what spreadsheets and scripts wrap around it:
 * - the marks that keep a code as text in Excel: a leading apostrophe ('13800138000, also the
 *   full-width ＇ and curly ‘ ’ an input method types) and the ="…" formula form. Excel hides them in
 *   the cell, but CSVs written by hand or by other systems keep them;
 * - the ".0" a column of numbers gains on its way through a float (13800138000.0, as pandas writes a
 *   numeric column with a gap in it);
 * - a label typed before it (手机：13800138000, ID: …) and a note in brackets after it
 *   (13800138000（微信同号）). Brackets holding only digits stay: 0571-88886666(801) is an extension.
 * Only for codes: free text keeps every character.
 */
export function codeText(raw: string): string {
  let s = raw.trim();
  if (s.length >= 3 && s.startsWith('="') && s.endsWith('"')) s = s.slice(2, -1).trim();
  else if (/^['＇‘’`]/.test(s)) s = s.slice(1).trim();
  s = s.replace(LEADING_LABEL, '').replace(TRAILING_NOTE, '').trim();
  return /^\d+\.0+$/.test(s) ? s.slice(0, s.indexOf('.')) : s;
}

const LEADING_LABEL = /^[\p{Script=Han}A-Za-z]{1,6}\s*[:：]\s*(?=\S)/u;
/** A bracketed note with at least one character that is not a digit, at the end. */
const TRAILING_NOTE = /\s*[(（【[][^()（）【】[\]]*[^\d\s()（）【】[\]][^()（）【】[\]]*[)）】\]]$/;

/** Separators people put inside phone numbers: spaces, hyphens and dashes of all widths, dots, brackets. */
const PHONE_SEPARATORS = /[\s\-‐‑‒–—―−.()]/g;

/**
 * The 11-digit national mobile number, or null. Strips a +86 / 0086 / 86 prefix only when an
 * 11-digit number starting with 1 follows, so `86` is never eaten from a longer digit run.
 */
export function normaliseMobile(raw: string): string | null {
  const compact = raw.normalize('NFKC').replace(PHONE_SEPARATORS, '');
  // A 0 before a mobile is the long-distance prefix old lists dialled from another city (013912345678).
  const match = /^(?:(?:\+|00)?86|0(?=1[3-9]))?(1\d{10})$/.exec(compact);
  return match?.[1] ?? null;
}

/**
 * Whether a cell holds several values where one belongs (13800138000/13900139000, a@x.cn；b@y.cn), each
 * of them valid alone: the cell needs splitting, not correcting.
 */
export function holdsSeveral(raw: string, validAlone: (part: string) => boolean): boolean {
  const text = raw.normalize('NFKC');
  // Marked separators first (a number may contain spaces), then bare spaces.
  return [/[;；,，、/|]|或/, /\s+/].some((separator) => {
    const parts = text
      .split(separator)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    return parts.length >= 2 && parts.every(validAlone);
  });
}

/** Strips the separators of a phone-like string after NFKC; used by the landline validator too. */
export function stripPhoneSeparators(s: string): string {
  return s.normalize('NFKC').replace(PHONE_SEPARATORS, '');
}

/**
 * Folds full-width ASCII (U+FF01–U+FF5E) and the ideographic space to their half-width forms, one
 * UTF-16 unit for one, so offsets found in the folded text are offsets in the original.
 */
export function foldToHalfWidth(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else out += s[i];
  }
  return out;
}
