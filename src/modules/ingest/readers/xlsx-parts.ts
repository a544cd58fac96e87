import { createInflateRaw } from 'node:zlib';
import { readBytes } from './file-access.js';
import type { ReadMeter } from './types.js';
import type { PartLocation } from './workbook-manifest.js';
import { ZipFormatError } from './zip-directory.js';

/** A part's XML, inflated and decoded as it streams. */
export async function* inflatedText(
  path: string,
  part: PartLocation,
  meter?: ReadMeter,
): AsyncGenerator<string> {
  const { entry, dataOffset } = part;
  if (entry.compressedSize === 0) return;
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipFormatError(`${entry.name} uses compression method ${entry.method}`);
  }
  const raw = readBytes(path, { start: dataOffset, end: dataOffset + entry.compressedSize - 1 });
  const bytes = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  raw.on('error', (err) => bytes.destroy(err));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of bytes as AsyncIterable<Buffer>) {
      if (meter) meter.done += chunk.length;
      yield decoder.decode(chunk, { stream: true });
    }
    yield decoder.decode();
  } catch (err) {
    if (err instanceof Error && 'syscall' in err) throw err;
    throw new ZipFormatError(`${entry.name} is damaged`);
  } finally {
    raw.destroy();
    bytes.destroy();
  }
}
