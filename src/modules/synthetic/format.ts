/** Small string formatters shared by the builders; kept allocation-light because they run per record. */

const DAY_MS = 86_400_000;

export function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** The UTC calendar date `days` after `epochMs`, without local-time surprises. */
export function dateAfter(epochMs: number, days: number): CalendarDate {
  const d = new Date(epochMs + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function isoDate(date: CalendarDate): string {
  return `${date.year}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** 8-digit date as it appears inside an ID number. */
export function compactDate(date: CalendarDate): string {
  return `${date.year}${pad(date.month, 2)}${pad(date.day, 2)}`;
}

/** Whole yuan with thousands separators, as shops print totals: 2560 -> 2,560. */
export function groupThousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const FULL_WIDTH_ZERO = 0xff10;

/** ASCII digits to their full-width forms (０-９), which NFKC folds back. */
export function toFullWidthDigits(value: string): string {
  return value.replace(/[0-9]/g, (d) => String.fromCharCode(FULL_WIDTH_ZERO + d.charCodeAt(0) - 48));
}
