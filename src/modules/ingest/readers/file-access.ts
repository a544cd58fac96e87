import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Readable, Transform, type Writable } from 'node:stream';

/**
 * Scratch files (an upload being imported) are written encrypted with AES-256-CTR under a key that
 * lives only in this process's memory, so no plaintext personal data reaches the disk. CTR keeps the
 * file seekable: the readers' random access (the xlsx central directory, entry ranges) decrypts any
 * byte range by starting the counter at its block. Confidentiality only: the key never leaves memory and
 * the file is deleted after use, so nobody else can write a file this key opens.
 */
interface ScratchKey {
  key: Buffer;
  iv: Buffer;
}

const registry = new Map<string, ScratchKey>();

function ivAtBlock(iv: Buffer, block: number): Buffer {
  const value = (BigInt(`0x${iv.toString('hex')}`) + BigInt(block)) & ((1n << 128n) - 1n);
  return Buffer.from(value.toString(16).padStart(32, '0'), 'hex');
}

function decipherAt(k: ScratchKey, position: number) {
  return createDecipheriv('aes-256-ctr', k.key, ivAtBlock(k.iv, Math.floor(position / 16)));
}

/** Gives `path` a fresh in-memory key: what is written through `scratchCipher(path)` lands encrypted. */
export function registerScratch(path: string): void {
  registry.set(resolve(path), { key: randomBytes(32), iv: randomBytes(16) });
}

/** The encrypting stream for a registered scratch path, or null for an ordinary file. */
export function scratchCipher(path: string): Transform | null {
  const k = registry.get(resolve(path));
  return k ? createCipheriv('aes-256-ctr', k.key, k.iv) : null;
}

/** A write stream for a new encrypted scratch file; the path is registered until `forgetScratch`. */
export function createScratchWriter(path: string): { cipher: Writable; done: Promise<void> } {
  registerScratch(path);
  const cipher = scratchCipher(path) as Transform;
  const out = createWriteStream(path, { mode: 0o600, flags: 'wx' });
  cipher.pipe(out);
  cipher.on('error', (err) => out.destroy(err));
  return { cipher, done: new Promise<void>((ok, fail) => out.on('finish', ok).on('error', fail)) };
}

/** Drops the key of a scratch file (after deleting it): what remains on disk, if anything, is noise. */
export function forgetScratch(path: string): void {
  registry.delete(resolve(path));
}

/** Minimal file-handle surface the readers use: positional reads, size, close. */
export interface ByteHandle {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number; isFile(): boolean; isDirectory(): boolean }>;
  close(): Promise<void>;
}

/** Opens a file for positional reads, decrypting a registered scratch file transparently. */
export async function openBytes(path: string): Promise<ByteHandle> {
  const handle = await open(path, 'r');
  const k = registry.get(resolve(path));
  if (!k) return handle;
  return {
    async read(buffer, offset, length, position) {
      const blockStart = position - (position % 16);
      const raw = Buffer.alloc(length + (position - blockStart));
      const { bytesRead } = await handle.read(raw, 0, raw.length, blockStart);
      const plain = decipherAt(k, blockStart).update(raw.subarray(0, bytesRead));
      const usable = Math.max(0, bytesRead - (position - blockStart));
      plain.copy(buffer, offset, position - blockStart, position - blockStart + usable);
      return { bytesRead: usable };
    },
    stat: () => handle.stat(),
    close: () => handle.close(),
  };
}

/** A read stream over [start, end] (inclusive, like fs), decrypting a registered scratch file. */
export function readBytes(
  path: string,
  opts: { start?: number; end?: number; highWaterMark?: number } = {},
): Readable {
  const k = registry.get(resolve(path));
  if (!k) return createReadStream(path, opts);
  const start = opts.start ?? 0;
  const blockStart = start - (start % 16);
  let skip = start - blockStart;
  const decipher = decipherAt(k, blockStart);
  const raw = createReadStream(path, { ...opts, start: blockStart });
  const plain = new Transform({
    transform(chunk: Buffer, _enc, done) {
      let out = decipher.update(chunk);
      if (skip > 0) {
        const cut = Math.min(skip, out.length);
        out = out.subarray(cut);
        skip -= cut;
      }
      done(null, out);
    },
  });
  raw.on('error', (err) => plain.destroy(err));
  return raw.pipe(plain);
}
