import { createHash } from 'node:crypto';

/**
 * HMAC-SHA-256 (RFC 2104, FIPS 180-4) for the import's hot path: blind indexes and grade subkeys,
 * about nine per customer. node:crypto's `createHmac` costs 2.8 µs per short message here, nearly all
 * of it per-call overhead (a native object, a key import, a Buffer out); this one costs 0.7 µs with
 * the key's padded states computed once (ARCHITECTURE §7: Node's per-call overhead is the limit).
 * Results are byte-for-byte node:crypto's (property-tested against it).
 *
 * SHA-256 has no secret-dependent branches or table lookups, so neither does this. The scratch space
 * that held a message or a MAC (the block buffer, the schedule's message words, the result state) is
 * zeroed after each use.
 */

const ROUND = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const BLOCK = 64;
const DIGEST = 32;
/**
 * The longest message: above any cell an import accepts (a record is at most 4 Mi characters), and
 * its bit length stays within the 32 bits `finish` writes.
 */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const schedule = new Int32Array(64);
const state = new Int32Array(8);
/** Message bytes on their way through the compression function, padding included. */
let scratch = new Uint8Array(4 * BLOCK);
const encoder = new TextEncoder();

function compress(st: Int32Array, block: Uint8Array, off: number): void {
  const w = schedule;
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    w[i] =
      ((block[j] as number) << 24) |
      ((block[j + 1] as number) << 16) |
      ((block[j + 2] as number) << 8) |
      (block[j + 3] as number);
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15] as number;
    const y = w[i - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
  }
  let a = st[0] as number;
  let b = st[1] as number;
  let c = st[2] as number;
  let d = st[3] as number;
  let e = st[4] as number;
  let f = st[5] as number;
  let g = st[6] as number;
  let h = st[7] as number;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (ROUND[i] as number) + (w[i] as number)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  st[0] = ((st[0] as number) + a) | 0;
  st[1] = ((st[1] as number) + b) | 0;
  st[2] = ((st[2] as number) + c) | 0;
  st[3] = ((st[3] as number) + d) | 0;
  st[4] = ((st[4] as number) + e) | 0;
  st[5] = ((st[5] as number) + f) | 0;
  st[6] = ((st[6] as number) + g) | 0;
  st[7] = ((st[7] as number) + h) | 0;
}

const keyBlock = new Uint8Array(BLOCK);

/** Sets `into` to the state after one block of the key XOR `pad` (the key at most one block long). */
function padState(key: Uint8Array, pad: number, into: Int32Array): Int32Array {
  keyBlock.fill(0);
  keyBlock.set(key);
  for (let i = 0; i < BLOCK; i++) keyBlock[i] = (keyBlock[i] as number) ^ pad;
  into.set(INITIAL);
  compress(into, keyBlock, 0);
  keyBlock.fill(0);
  schedule.fill(0, 0, 16);
  return into;
}

/**
 * Hashes `length` bytes already in `scratch` as the continuation of `from` (one block already
 * absorbed), leaving the result in `state`.
 */
function finish(from: Int32Array, length: number): void {
  // At most `length` + 72 bytes: `load` left room for it.
  const padded = Math.ceil((length + 9) / BLOCK) * BLOCK;
  scratch[length] = 0x80;
  scratch.fill(0, length + 1, padded - 4);
  // Bit length of everything hashed, the key block included.
  const bits = (BLOCK + length) * 8;
  scratch[padded - 4] = bits >>> 24;
  scratch[padded - 3] = bits >>> 16;
  scratch[padded - 2] = bits >>> 8;
  scratch[padded - 1] = bits;
  state.set(from);
  for (let off = 0; off < padded; off += BLOCK) compress(state, scratch, off);
  scratch.fill(0, 0, padded);
  schedule.fill(0, 0, 16);
}

function writeState(out: Uint8Array, words: number): void {
  for (let i = 0; i < words; i++) {
    const v = state[i] as number;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
}

/** Copies the message's bytes (UTF-8 for a string) into the scratch space; returns its length. */
function load(message: string | Uint8Array): number {
  // A string's UTF-8 form is at most three bytes per UTF-16 unit.
  const most = typeof message === 'string' ? message.length * 3 : message.length;
  if (most > MAX_MESSAGE_BYTES) throw new RangeError(`HMAC message of up to ${most} bytes`);
  // Room for the padding too; the old scratch space was zeroed after its last use.
  if (scratch.length < most + 2 * BLOCK) scratch = new Uint8Array(most + 2 * BLOCK);
  if (typeof message === 'string') return encoder.encodeInto(message, scratch).written;
  scratch.set(message);
  return message.length;
}

/** An HMAC-SHA-256 key with its inner and outer padded states computed once. */
export class HmacSha256Key {
  private readonly inner: Int32Array;
  private readonly outer: Int32Array;

  constructor(key: Uint8Array) {
    const block = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
    this.inner = padState(block, 0x36, new Int32Array(8));
    this.outer = padState(block, 0x5c, new Int32Array(8));
    if (block !== key) block.fill(0);
  }

  /** The MAC of `message`, truncated to `length` bytes (a multiple of 4, at most 32). */
  digest(message: string | Uint8Array, length = DIGEST): Buffer {
    return mac(this.inner, this.outer, message, length);
  }
}

function mac(inner: Int32Array, outer: Int32Array, message: string | Uint8Array, length: number): Buffer {
  if (length % 4 !== 0 || length < 4 || length > DIGEST) throw new RangeError(`HMAC length ${length}`);
  finish(inner, load(message));
  writeState(scratch, 8);
  finish(outer, DIGEST);
  const out = Buffer.allocUnsafe(length);
  writeState(out, length / 4);
  state.fill(0);
  return out;
}

const oneShotInner = new Int32Array(8);
const oneShotOuter = new Int32Array(8);

/** One-shot HMAC-SHA-256 for a key used once or a few times (a customer's grade subkeys). */
export function hmacSha256(key: Uint8Array, message: string | Uint8Array): Buffer {
  if (key.length > BLOCK) return new HmacSha256Key(key).digest(message);
  // The pad states in scratch space: a customer's subkeys are derived a few times per import row.
  const out = mac(padState(key, 0x36, oneShotInner), padState(key, 0x5c, oneShotOuter), message, DIGEST);
  oneShotInner.fill(0);
  oneShotOuter.fill(0);
  return out;
}
