/**
 * Calendar-date helpers for birth dates embedded in identifiers. "Today" is taken in China Standard
 * Time (UTC+8, no DST since 1991) because the vault's users and the ID numbers' issuers are there: a
 * person born on 1 May is 14 on 1 May in Beijing even while it is still 30 April in UTC.
 */

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The calendar date in China at instant `now`. */
export function chinaDate(now: Date): CalendarDate {
  const shifted = new Date(now.getTime() + CHINA_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** True for a date that exists in the Gregorian calendar (rejects 30 February, 31 April…). */
export function isRealDate(date: CalendarDate): boolean {
  const { year, month, day } = date;
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** Negative when a is before b, 0 when equal, positive after. */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** Completed years from `birth` to `today`. */
export function fullYearsBetween(birth: CalendarDate, today: CalendarDate): number {
  const beforeBirthday = today.month < birth.month || (today.month === birth.month && today.day < birth.day);
  return today.year - birth.year - (beforeBirthday ? 1 : 0);
}

/** `YYYY-MM-DD`, the format Chinese users expect. */
export function formatDate(date: CalendarDate): string {
  const mm = String(date.month).padStart(2, '0');
  const dd = String(date.day).padStart(2, '0');
  return `${String(date.year).padStart(4, '0')}-${mm}-${dd}`;
}
