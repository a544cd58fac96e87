import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { readBytes } from './file-access.js';
import type { ReadMeter } from './types.js';
import type { PartLocation } from './workbook-manifest.js';
import { ZipFormatError } from './zip-directory.js';

/** One part of the archive handed to exceljs: from the file, or literal XML standing in for it. */
export interface RepackPart {
  /** The name exceljs expects, e.g. xl/worksheets/sheet1.xml. */
  name: string;
  source: PartLocation | string;
}

/**
 * Builds the ZIP stream fed to exceljs's streaming reader, to work around three of its behaviours:
 *  - it decodes each inflated chunk as UTF-8 on its own, so a Chinese character split across chunks
 *    turns into U+FFFD; every non-ASCII character is therefore re-encoded as an XML character
 *    reference (&#x5F20;), which its XML parser decodes and which survives any chunking;
 *  - it spools sheets to plaintext temp files when they precede the shared strings in the archive (as
 *    Excel writes them), which would leave personal data on disk; here the shared strings and styles
 *    always come first;
 *  - it only recognises hard-coded part names; here parts get those names whatever they were called.
 * Only the listed parts are streamed, so skipped sheets, images and the like are never read.
 * Entries are stored uncompressed with a trailing data descriptor, as their size is not known in
 * advance; "PK\x07\x08" cannot occur inside the ASCII XML, so the descriptor is found unambiguously.
 */
export function repackForExceljs(path: string, parts: RepackPart[], meter?: ReadMeter): Readable {
  return Readable.from(repack(path, parts, meter), { objectMode: false });
}

async function* repack(path: string, parts: RepackPart[], meter?: ReadMeter): AsyncGenerator<Buffer> {
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    yield localHeader(name);
    let size = 0;
    const chunks = typeof part.source === 'string' ? [part.source] : inflatedText(path, part.source, meter);
    for await (const text of chunks) {
      const ascii = Buffer.from(escapeNonAscii(text), 'latin1');
      size += ascii.length;
      yield ascii;
    }
    yield dataDescriptor(size);
  }
  yield endOfCentralDirectory();
}

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

function escapeNonAscii(text: string): string {
  return text.replace(/[^\x00-\x7f]/gu, (ch) => `&#x${(ch.codePointAt(0) ?? 0xfffd).toString(16)};`);
}

function localHeader(name: Buffer): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4); // version needed
  header.writeUInt16LE(0x0808, 6); // sizes in a data descriptor; UTF-8 name
  // method 0 (stored), time, date, crc and sizes stay zero
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name]);
}

function dataDescriptor(size: number): Buffer {
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(size >>> 0, 8);
  descriptor.writeUInt32LE(size >>> 0, 12);
  return descriptor;
}

function endOfCentralDirectory(): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  return record;
}
