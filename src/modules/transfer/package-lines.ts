import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Decrypter } from 'age-encryption';
import { AppError } from '../../kernel/errors/app-error.js';

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
 * A pull-based web stream over a file handle: one 64 KiB read per pull, so memory stays flat (Node 20's
 * `Readable.toWeb` reads ahead without bound).
 */
function fileStream(file: string): ReadableStream<Uint8Array> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      fh ??= await open(file, 'r');
      const buf = Buffer.allocUnsafe(64 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) {
        await fh.close();
        controller.close();
      } else controller.enqueue(new Uint8Array(buf.buffer, buf.byteOffset, bytesRead));
    },
    async cancel() {
      await fh?.close();
    },
  });
}

/**
 * The JSON lines of an age-encrypted package, decrypted as a stream with the given identity (flat
 * memory). A file not encrypted to the identity is TRANSFER_NOT_RECIPIENT; a damaged or truncated one
 * TRANSFER_PACKAGE_CORRUPT (age authenticates every 64 KiB chunk and marks the last one).
 */
export async function* packageLines(file: string, identity: string): AsyncGenerator<string> {
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  const input = fileStream(file);
  let output: ReadableStream<Uint8Array>;
  try {
    output = await decrypter.decrypt(input);
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    if (message.includes('no identity matched')) throw new AppError('TRANSFER_NOT_RECIPIENT');
    throw new AppError('TRANSFER_PACKAGE_CORRUPT', { detail: 'the age header does not parse or verify' });
  }
  const reader = output.getReader();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let buffer = '';
  let finished = false;
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        throw new AppError('TRANSFER_PACKAGE_CORRUPT', {
          detail: 'a chunk does not authenticate or the file ends early',
        });
      }
      if (chunk.done) {
        finished = true;
        break;
      }
      try {
        buffer += decoder.decode(chunk.value, { stream: true });
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
  } finally {
    // Closes the file when the caller stops early or a chunk fails.
    if (!finished) await reader.cancel().catch(() => undefined);
  }
  buffer += decoder.decode();
  if (buffer.length > 0)
    throw new AppError('TRANSFER_PACKAGE_CORRUPT', { detail: 'the last record is cut off' });
}
