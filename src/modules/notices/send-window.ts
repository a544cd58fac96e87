/** Send window, back-off and rate limiting of the delivery job: pure functions over an injected clock. */

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** Whether `at` falls inside [startHour, endHour) of Asia/Shanghai local time (no DST there). */
export function inSendWindow(at: Date, window: { startHour: number; endHour: number }): boolean {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const h = local.getUTCHours() + local.getUTCMinutes() / 60;
  return h >= window.startHour && h < window.endHour;
}

/** The next opening of the window at or after `at` (itself if inside). */
export function nextWindowOpen(at: Date, window: { startHour: number; endHour: number }): Date {
  if (inSendWindow(at, window)) return at;
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const open = new Date(
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), window.startHour),
  );
  if (open.getTime() <= local.getTime()) open.setUTCDate(open.getUTCDate() + 1);
  return new Date(open.getTime() - SHANGHAI_OFFSET_MS);
}

/** Exponential back-off: base, 2×base, 4×base… capped at one hour. */
export function backoffDelay(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3600_000);
}

/** A per-provider token bucket: at most `perSecond` sends in any one-second interval. */
export function createRateLimiter(
  perSecond: number,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): { take(provider: string): Promise<void> } {
  const sent = new Map<string, number[]>();
  return {
    async take(provider) {
      for (;;) {
        const t = now();
        const list = (sent.get(provider) ?? []).filter((x) => t - x < 1000);
        if (list.length < perSecond) {
          list.push(t);
          sent.set(provider, list);
          return;
        }
        await sleep(Math.max(1, 1000 - (t - (list[0] as number))));
      }
    },
  };
}
