import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateMobile } from './mobile.js';
import { MOBILE_SEGMENTS } from './mobile-segments.js';
import { normaliseMobile } from './normalise.js';

const SEED = 20_251_123;
const RUNS = 500;

const SEGMENTS = Object.values(MOBILE_SEGMENTS).flat();

const mobile = fc
  .tuple(
    fc.constantFrom(...SEGMENTS),
    fc.array(fc.constantFrom(...'0123456789'), { minLength: 8, maxLength: 8 }),
  )
  .map(([segment, rest]) => segment + rest.join(''));

const fullWidth = (s: string): string =>
  s.replace(/[0-9+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** The ways people write the same number: +86 with separators, 0086, full-width digits. */
function variants(n: string): string[] {
  const dashed = `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`;
  return [
    n,
    `+86 ${dashed}`,
    `+86${n}`,
    `0086${n}`,
    `0086 ${dashed}`,
    `86${n}`,
    fullWidth(n),
    fullWidth(`+86 ${dashed}`),
    fullWidth(`0086${n}`),
  ];
}

describe('validateMobile properties', () => {
  it('accepts every number in the segment table and normalises all its written forms identically', () => {
    fc.assert(
      fc.property(mobile, (n) => {
        for (const raw of variants(n)) {
          expect(normaliseMobile(raw), raw).toBe(n);
          const v = validateMobile(raw);
          expect(v.ok ? v.value : v.reason, raw).toBe(n);
          expect(v.ok && v.info.carrier, raw).not.toBe('unknown');
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
