/**
 * Seeded pseudo-random numbers for the synthetic-data generator. sfc32 is small, fast and passes
 * PractRand well beyond the few million draws a dataset needs; Math.random is never used because a
 * dataset must be reproducible from its seed alone.
 */

export interface Rng {
  /** The next raw 32-bit unsigned value. */
  next(): number;
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** An index into `cumulative`, a non-decreasing array of cumulative weights. */
  weightedIndex(cumulative: readonly number[]): number;
}

/** cyrb128: spreads an arbitrary seed string over the four 32-bit words sfc32 needs. */
export function hashSeed(seed: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

const TWO_POW_32 = 4294967296;

export function createRng(seed: string | number): Rng {
  let [a, b, c, d] = hashSeed(String(seed));

  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs of sfc32 still echo the seed words; discard them.
  for (let i = 0; i < 15; i++) next();

  const float = (): number => next() / TWO_POW_32;
  const int = (min: number, max: number): number => min + Math.floor(float() * (max - min + 1));

  return {
    next,
    float,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(float() * items.length)] as T;
    },
    chance: (p: number): boolean => float() < p,
    weightedIndex(cumulative: readonly number[]): number {
      const total = cumulative[cumulative.length - 1] ?? 0;
      const target = float() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cumulative[mid] as number) > target) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
  };
}

/** Running sums of `weights`, the form `Rng.weightedIndex` expects. */
export function cumulativeWeights(weights: readonly number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w;
    out.push(sum);
  }
  return out;
}
