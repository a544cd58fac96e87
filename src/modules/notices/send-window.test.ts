import { describe, expect, it } from 'vitest';
import { backoffDelay, createRateLimiter, inSendWindow, nextWindowOpen } from './send-window.js';

const W = { startHour: 8, endHour: 21 };

describe('send window (Asia/Shanghai), back-off and rate limit', () => {
  it('is open 08:00–21:00 Shanghai time', () => {
    expect(inSendWindow(new Date('2026-11-24T00:00:00Z'), W)).toBe(true); // 08:00
    expect(inSendWindow(new Date('2026-11-23T23:59:59Z'), W)).toBe(false); // 07:59:59
    expect(inSendWindow(new Date('2026-11-24T12:59:59Z'), W)).toBe(true); // 20:59:59
    expect(inSendWindow(new Date('2026-11-24T13:00:00Z'), W)).toBe(false); // 21:00
  });

  it('names the next opening: the same morning, or the next one after 21:00', () => {
    expect(nextWindowOpen(new Date('2026-11-23T20:00:00Z'), W).toISOString()).toBe(
      '2026-11-24T00:00:00.000Z',
    ); // 04:00
    expect(nextWindowOpen(new Date('2026-11-24T14:00:00Z'), W).toISOString()).toBe(
      '2026-11-25T00:00:00.000Z',
    ); // 22:00
    const inside = new Date('2026-11-24T03:00:00Z');
    expect(nextWindowOpen(inside, W)).toBe(inside);
  });

  it('doubles the delay per attempt, capped at one hour', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, 60_000))).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(backoffDelay(20, 60_000)).toBe(3600_000);
  });

  it('lets at most N sends per second per provider through', async () => {
    let t = 0;
    const slept: number[] = [];
    const limiter = createRateLimiter(
      2,
      () => t,
      async (ms) => {
        slept.push(ms);
        t += ms;
      },
    );
    await limiter.take('aliyun');
    await limiter.take('aliyun');
    await limiter.take('tencent');
    expect(slept).toEqual([]);
    await limiter.take('aliyun');
    expect(slept).toEqual([1000]);
  });
});
