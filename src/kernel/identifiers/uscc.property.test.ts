import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { USCC_CHARSET, usccCheckChar } from './checksums.js';
import { validateUscc } from './uscc.js';

const SEED = 20_251_123;
const RUNS = 500;

const charsetChar = fc.constantFrom(...USCC_CHARSET);
const digit = fc.constantFrom(...'0123456789');

/** Authority and entity type (2 charset characters), division (6 digits), org code body (9 charset). */
const validUscc = fc
  .tuple(
    fc.array(charsetChar, { minLength: 2, maxLength: 2 }),
    fc.array(digit, { minLength: 6, maxLength: 6 }),
    fc.array(charsetChar, { minLength: 9, maxLength: 9 }),
  )
  .map(([head, division, org]) => {
    const first17 = head.join('') + division.join('') + org.join('');
    return first17 + usccCheckChar(first17);
  });

describe('validateUscc properties', () => {
  it('accepts every generated code with a computed check character', () => {
    fc.assert(
      fc.property(validUscc, (code) => {
        const v = validateUscc(code);
        expect(v.ok ? v.value : v.reason).toBe(code);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('rejects any single-character change within the charset', () => {
    const mutation = validUscc.chain((code) =>
      fc.record({
        code: fc.constant(code),
        position: fc.integer({ min: 0, max: 17 }),
        replacement: charsetChar,
      }),
    );
    fc.assert(
      fc.property(
        mutation.filter(({ code, position, replacement }) => code[position] !== replacement),
        ({ code, position, replacement }) => {
          const changed = code.slice(0, position) + replacement + code.slice(position + 1);
          const v = validateUscc(changed);
          expect(v.ok ? `accepted ${changed}` : 'rejected', `${code} -> ${changed}`).toBe('rejected');
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
