import { describe, expect, it } from 'vitest';
import { createPermutation } from './permutation.js';
import { createRng } from './rng.js';
import { BRAND_CHARS } from './tables/brands.js';
import { CITIES } from './tables/regions.js';

describe('createRng', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const draw = (seed: string | number): number[] => {
      const rng = createRng(seed);
      return Array.from({ length: 50 }, () => rng.next());
    };
    expect(draw('custodian')).toEqual(draw('custodian'));
    expect(draw(42)).toEqual(draw('42'));
    expect(draw('custodian')).not.toEqual(draw('custodian2'));
  });

  it('keeps int, pick and chance within their ranges', () => {
    const rng = createRng('ranges');
    const seen = new Set<number>();
    let hits = 0;
    for (let i = 0; i < 20_000; i++) {
      const n = rng.int(3, 7);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(7);
      seen.add(n);
      expect(['a', 'b']).toContain(rng.pick(['a', 'b']));
      if (rng.chance(0.25)) hits++;
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(hits / 20_000).toBeGreaterThan(0.23);
    expect(hits / 20_000).toBeLessThan(0.27);
  });
});

describe('createPermutation', () => {
  it.each([1, 2, 7, 1000, 65_537, 100_003])('is a bijection on [0, %i)', (domain) => {
    const perm = createPermutation(domain, createRng(`perm-${domain}`));
    const seen = new Uint8Array(domain);
    for (let i = 0; i < domain; i++) {
      const v = perm.apply(i);
      expect(v >= 0 && v < domain).toBe(true);
      seen[v] = (seen[v] as number) + 1;
    }
    expect(seen.every((n) => n === 1)).toBe(true);
  });

  it('rejects indexes outside its domain', () => {
    const perm = createPermutation(10, createRng('x'));
    expect(() => perm.apply(10)).toThrow(RangeError);
  });
});

describe('domain building blocks', () => {
  it('gives each trade name a distinct pinyin spelling, so company domains are unique', () => {
    const spellings = new Set<string>();
    for (const [a, pa] of BRAND_CHARS) {
      for (const [b, pb] of BRAND_CHARS) if (a !== b) spellings.add(pa + pb);
    }
    expect(spellings.size).toBe(BRAND_CHARS.length * (BRAND_CHARS.length - 1));
  });

  it('has prefix-free city abbreviations and unique short city names', () => {
    const abbrs = CITIES.map((city) => city.abbr);
    for (const a of abbrs) for (const b of abbrs) if (a !== b) expect(b.startsWith(a)).toBe(false);
    const shorts = CITIES.map((city) => city.short);
    for (const a of shorts) for (const b of shorts) if (a !== b) expect(b.startsWith(a)).toBe(false);
  });
});
