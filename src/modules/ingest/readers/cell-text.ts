/**
 * Renders an Excel cell value as the text an importer should see. Numbers never use exponent notation,
 * because ID numbers and mobiles are often stored as numbers and "1.10101E+17" is useless; dates become
 * ISO text regardless of their display format so validators see one shape. A workbook number beyond a
 * double's exact digits is the exception (numericCellText).
 */

const SIGNIFICANT = new Intl.NumberFormat('en-US', { useGrouping: false, maximumSignificantDigits: 15 });
const MS_PER_DAY = 86_400_000;
/** 1899-12-30, day 0 of Excel's 1900 date system, and the offset of the 1904 system from it. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DATE1904_OFFSET_DAYS = 1462;
/** Serial of 10000-01-01, the first day Excel cannot show. */
const MAX_SERIAL = 2_958_466;

export function cellText(value: unknown, numFmt: string | undefined, date1904: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    // Excel shows ##### for serials outside its calendar; the digits are the useful part then.
    const isDate = isDateFormat(numFmt) && value >= 0 && value < MAX_SERIAL;
    return isDate ? dateText(serialToDate(value, date1904)) : numberText(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if (typeof value !== 'object') return String(value);

  const v = value as Record<string, unknown>;
  if (Array.isArray(v.richText))
    return v.richText.map((run: { text?: unknown }) => textOf(run.text)).join('');
  // A formula shows its cached result; a hyperlink its text.
  if ('formula' in v || 'sharedFormula' in v || 'result' in v) return cellText(v.result, numFmt, date1904);
  if ('hyperlink' in v || 'text' in v) return cellText(v.text, numFmt, date1904);
  if (typeof v.error === 'string') return v.error;
  return '';
}

/** An integer written out in full, as pandas and openpyxl write an int64 column. */
const INTEGER_LITERAL = /^[+-]?\d+$/;
/** From here on a double holds fewer digits than the number has: 16 and more. */
const INEXACT_MAGNITUDE = 1e15;

/**
 * The text of a workbook number cell from its stored `<v>` text. Parsing it to a double would invent
 * digits: 110101199003074258 (an ID number written out in full) reads as 110101199003074260, and
 * 6.22202123456789E+18 (a 19-digit card Excel kept 15 digits of) as 6222021234567890000, a plausible
 * card. So a whole-number literal keeps its digits, and a large number written otherwise keeps its
 * stored text, whose exponent the identifier checks recognise as precision Excel lost.
 */
export function numericCellText(raw: string, numFmt: string | undefined, date1904: boolean): string {
  const literal = raw.trim();
  const value = Number(literal);
  if (isDateFormat(numFmt) && value >= 0 && value < MAX_SERIAL) return cellText(value, numFmt, date1904);
  if (INTEGER_LITERAL.test(literal)) return BigInt(literal).toString();
  if (Math.abs(value) >= INEXACT_MAGNITUDE) return literal;
  return numberText(value);
}

/**
 * Decodes the `_xHHHH_` escapes of an ST_Xstring (ECMA-376 Part 1 §22.4.2.4): each is one UTF-16 code
 * unit, which is how Excel stores characters XML cannot carry or would normalise away (the CR of a CRLF
 * typed in a cell). `_x005F_` is an escaped underscore, so `_x005F_x000D_` reads as the text `_x000D_`:
 * a left-to-right scan that resumes after each escape gives exactly that.
 */
export function decodeXstring(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** Plain decimal digits: integers exactly as stored, fractions to Excel's 15 significant digits. */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  return SIGNIFICANT.format(n);
}

/** `YYYY-MM-DD`, `YYYY-MM-DD HH:mm:ss`, or `HH:mm:ss` for a time of day without date. */
export function dateText(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return '';
  const d = new Date(Math.round(ms / 1000) * 1000);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  // Serials below 1 are times of day and land on Excel's day 0, 1899-12-30.
  if (d.getUTCFullYear() < 1900) return time;
  return time === '00:00:00' ? day : `${day} ${time}`;
}

/** Whether a number format code displays a date or time (ignoring quoted text, [colours] and escapes). */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const bare = numFmt
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?!h\]|hh\]|m\]|mm\]|s\]|ss\])[^\]]*\]/gi, '');
  return /[ymdhs]/i.test(bare) || bare.includes('上午/下午');
}

function serialToDate(serial: number, date1904: boolean): Date {
  // A serial below 1 is a time of day in either date system; keeping it on day 0 lets dateText see that.
  const days = serial + (date1904 && serial >= 1 ? DATE1904_OFFSET_DAYS : 0);
  return new Date(EXCEL_EPOCH_MS + Math.round(days * MS_PER_DAY));
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
