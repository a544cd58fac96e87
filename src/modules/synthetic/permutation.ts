import type { Rng } from './rng.js';

/**
 * A keyed bijection on [0, domain). Uniqueness of mobiles, ID numbers and company names is derived from
 * the record's serial through such a permutation instead of being checked against a Set, so a dataset of
 * a million records needs no memory proportional to its size, and the numbers still look scattered.
 */
export interface Permutation {
  readonly domain: number;
  apply(index: number): number;
}

const ROUNDS = 4;

/** murmur3's finaliser: a cheap 32-bit mix that makes each Feistel round depend on every input bit. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Balanced Feistel network over the smallest even bit width covering `domain`, with cycle walking to stay
 * inside the domain (a Feistel network is a bijection whatever its round function, and walking a cycle
 * of a bijection until it re-enters the domain keeps the restriction bijective).
 */
export function createPermutation(domain: number, rng: Rng): Permutation {
  if (!Number.isInteger(domain) || domain < 1 || domain > 2 ** 32) {
    throw new RangeError('permutation domain must be an integer in [1, 2^32]');
  }
  let bits = 2;
  while (2 ** bits < domain) bits += 2;
  const half = bits / 2;
  const halfSize = 2 ** half;
  const mask = halfSize - 1;
  const keys: number[] = [];
  for (let i = 0; i < ROUNDS; i++) keys.push(rng.next());

  const encrypt = (x: number): number => {
    let left = Math.floor(x / halfSize);
    let right = x & mask;
    for (let r = 0; r < ROUNDS; r++) {
      const next = (left ^ mix32(right ^ (keys[r] as number))) & mask;
      left = right;
      right = next;
    }
    return left * halfSize + right;
  };

  return {
    domain,
    apply(index: number): number {
      if (!Number.isInteger(index) || index < 0 || index >= domain) {
        throw new RangeError(`permutation index ${index} is outside [0, ${domain})`);
      }
      let x = encrypt(index);
      while (x >= domain) x = encrypt(x);
      return x;
    },
  };
}
