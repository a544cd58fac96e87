const DAY_MS = 86_400_000;

/**
 * A calendar date `days` from today (UTC), for planned transfer dates: campaigns refuse a planned date
 * that has passed, so suites must not carry fixed dates that turn into the past.
 */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * 10:00 in Shanghai tomorrow: inside the notice send window, and later than anything a suite writes
 * with the real clock before it (a ledger read back in time order must end with what the fixed clock wrote).
 */
export function tomorrowInSendWindow(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 2));
}
