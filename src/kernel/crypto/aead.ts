import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { RandomPool } from './random-pool.js';

/** Format byte of every sealed value; a new layout gets a new byte, old ones stay readable. */
export const SEALED_FORMAT_V1 = 0x01;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a 96-bit random nonce. Layout: [format][nonce 12][ciphertext][tag 16].
 * The AAD is not stored: the caller rebuilds it from where the blob lives, which is what makes a
 * ciphertext copied to another customer or field fail to open.
 */
export function seal(key: KeyObject | Buffer, plaintext: Buffer, aad: Buffer, pool: RandomPool): Buffer {
  const nonce = pool.take(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const final = cipher.final();
  const out = Buffer.allocUnsafe(1 + NONCE_BYTES + body.length + final.length + TAG_BYTES);
  out[0] = SEALED_FORMAT_V1;
  nonce.copy(out, 1);
  body.copy(out, 1 + NONCE_BYTES);
  final.copy(out, 1 + NONCE_BYTES + body.length);
  cipher.getAuthTag().copy(out, out.length - TAG_BYTES);
  return out;
}

/** Opens a blob made by `seal`; `where` names the location (no values) for the error message. */
export function open(key: KeyObject | Buffer, blob: Buffer, aad: Buffer, where: string): Buffer {
  if (blob.length < 1 + NONCE_BYTES + TAG_BYTES) throw new AppError('CIPHERTEXT_MISMATCH', { where });
  if (blob[0] !== SEALED_FORMAT_V1) throw new AppError('CIPHERTEXT_FORMAT', { version: blob[0] });
  const nonce = blob.subarray(1, 1 + NONCE_BYTES);
  const tag = blob.subarray(blob.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    const body = decipher.update(blob.subarray(1 + NONCE_BYTES, blob.length - TAG_BYTES));
    const final = decipher.final();
    return final.length === 0 ? body : Buffer.concat([body, final]);
  } catch {
    throw new AppError('CIPHERTEXT_MISMATCH', { where });
  }
}
