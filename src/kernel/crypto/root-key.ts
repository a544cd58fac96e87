import { randomBytes, scryptSync } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../errors/app-error.js';

/** Where the root key (KEK) comes from; recorded in the data directory's config, never the key itself. */
export type RootKeySpec =
  | { type: 'file'; file: string }
  | { type: 'passphrase'; salt: string; N: number; r: number; p: number };

const KEY_FILE_HEADER = 'custodian-root-key v1';

/** Creates a new key file with mode 0600; refuses to overwrite one that exists. */
export function createKeyFile(path: string): Buffer {
  if (existsSync(path)) throw new AppError('ALREADY_INITIALISED', { dir: basename(path) });
  const key = randomBytes(32);
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, `${KEY_FILE_HEADER}\n${key.toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }
  return key;
}

/** Reads the root key file, refusing a missing, malformed or group/world-readable file. */
export function readKeyFile(path: string): Buffer {
  if (!existsSync(path)) throw new AppError('KEY_FILE_MISSING', { path });
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new AppError('KEY_FILE_PERMISSIONS', { path, mode: `0${mode.toString(8)}` });
  }
  const [header, body] = readFileSync(path, 'utf8').split('\n');
  if (header !== KEY_FILE_HEADER || !body) {
    throw new AppError('KEY_FILE_INVALID', { path, detail: 'unexpected header' });
  }
  const key = Buffer.from(body.trim(), 'base64');
  if (key.length !== 32) throw new AppError('KEY_FILE_INVALID', { path, detail: 'key is not 32 bytes' });
  return key;
}

/** New passphrase parameters: scrypt N=2^15, r=8, p=1 (about 100 ms and 32 MiB per derivation). */
export function newPassphraseSpec(): Extract<RootKeySpec, { type: 'passphrase' }> {
  return { type: 'passphrase', salt: randomBytes(16).toString('base64'), N: 1 << 15, r: 8, p: 1 };
}

export function derivePassphraseKey(
  passphrase: string,
  spec: Extract<RootKeySpec, { type: 'passphrase' }>,
): Buffer {
  if (!passphrase) throw new AppError('PASSPHRASE_MISSING');
  return scryptSync(passphrase.normalize('NFKC'), Buffer.from(spec.salt, 'base64'), 32, {
    N: spec.N,
    r: spec.r,
    p: spec.p,
    maxmem: 128 * spec.N * spec.r * 2,
  });
}
