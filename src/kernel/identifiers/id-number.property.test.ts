import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idNumberCheckChar } from './checksums.js';
import { validateIdNumber } from './id-number.js';
import { CURRENT_PREFECTURE_TABLE, RETIRED_PREFECTURE_TABLE } from './region-table.js';

/** Fixed seed and "today", so CI explores the same 500 cases on every run. */
const SEED = 20_251_123;
const RUNS = 500;
const today = new Date('2026-01-01T00:00:00Z');

/** Known prefecture prefixes of resident address codes (81/82/83 are residence permits, not residents). */
const PREFIXES = [
  ...new Set(
    [...`${CURRENT_PREFECTURE_TABLE} ${RETIRED_PREFECTURE_TABLE}`.matchAll(/(\d{4}) \S+/g)].map((m) => m[1]),
  ),
].filter((p): p is string => p !== undefined && !/^8[123]/.test(p));

const EARLIEST = Date.UTC(1900, 0, 1);
/** today is 2026-01-01 08:00 in China, so the last allowed birth date is 2026-01-01 itself. */
const LATEST = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

const birthDate = fc.integer({ min: 0, max: (LATEST - EARLIEST) / DAY }).map((days) => {
  const d = new Date(EARLIEST + days * DAY);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${d.getUTCFullYear()}${mm}${dd}`;
});

const validIdNumber = fc
  .record({
    prefix: fc.constantFrom(...PREFIXES),
    county: fc.integer({ min: 0, max: 99 }),
    birth: birthDate,
    sequence: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ prefix, county, birth, sequence }) => {
    const first17 = `${prefix}${String(county).padStart(2, '0')}${birth}${String(sequence).padStart(3, '0')}`;
    return first17 + idNumberCheckChar(first17);
  });

const ID_CHARS = '0123456789X';

describe('validateIdNumber properties', () => {
  it('has a non-trivial region table to draw from', () => {
    expect(PREFIXES.length).toBeGreaterThan(300);
  });

  it('accepts every generated resident ID number with a computed check character', () => {
    fc.assert(
      fc.property(validIdNumber, (id) => {
        const v = validateIdNumber(id, { today });
        expect(v.ok ? v.value : v.reason).toBe(id);
        expect(v.ok && v.info.kind).toBe('resident');
        expect(v.ok && v.info.birthDate.replaceAll('-', '')).toBe(id.slice(6, 14));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('rejects any single-character change of a valid ID number', () => {
    const mutation = validIdNumber.chain((id) =>
      fc.record({
        id: fc.constant(id),
        position: fc.integer({ min: 0, max: 17 }),
        replacement: fc.constantFrom(...ID_CHARS),
      }),
    );
    fc.assert(
      fc.property(
        mutation.filter(({ id, position, replacement }) => id[position] !== replacement),
        ({ id, position, replacement }) => {
          const changed = id.slice(0, position) + replacement + id.slice(position + 1);
          const v = validateIdNumber(changed, { today });
          expect(v.ok ? `accepted ${changed}` : 'rejected', `${id} -> ${changed}`).toBe('rejected');
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
