import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AppError } from '../../kernel/errors/app-error.js';
import { decryptedChunks, type PackageDigest } from './package-opener.js';

/** SHA-256 of a file, streamed. */
export async function fileSha256(file: string): Promise<string> {
  try {
    await stat(file);
  } catch {
    throw new AppError('FILE_NOT_FOUND', { path: file });
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The JSON lines of an age-encrypted package, decrypted as a stream with the given identity on a worker
 * thread (package-opener.ts; flat memory). A file not encrypted to the identity is TRANSFER_NOT_RECIPIENT; a damaged or truncated one
 * TRANSFER_PACKAGE_CORRUPT (age authenticates every 64 KiB chunk and marks the last one). When the
 * lines are exhausted, `digest` holds their count and Merkle root (computed on the worker).
 */
export async function* packageLines(
  file: string,
  identity: string,
  digest?: Partial<PackageDigest>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let buffer = '';
  for await (const chunk of decryptedChunks(file, identity, digest)) {
    try {
      buffer += decoder.decode(chunk, { stream: true });
    } catch {
      throw new AppError('TRANSFER_PACKAGE_CORRUPT', { detail: 'not UTF-8 text' });
    }
    let start = 0;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      yield buffer.slice(start, nl);
      start = nl + 1;
      nl = buffer.indexOf('\n', start);
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (buffer.length > 0)
    throw new AppError('TRANSFER_PACKAGE_CORRUPT', { detail: 'the last record is cut off' });
}
