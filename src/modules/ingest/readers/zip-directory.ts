import { crc32, inflateRawSync } from 'node:zlib';
import type { ByteHandle } from './file-access.js';

/**
 * Just enough of the ZIP format to list an archive and read one small member by random access, so an
 * xlsx can be checked and its sheet list read from the central directory at the end of the file
 * without streaming through the whole archive first.
 */

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** CRC-32 of the inflated bytes, from the central directory (local headers may defer it). */
  crc32: number;
  localHeaderOffset: number;
}

export class ZipFormatError extends Error {
  constructor(
    message: string,
    /** The member found damaged, when one is to blame. */
    readonly part?: string,
  ) {
    super(message);
  }
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_MIN = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const MAX_COMMENT = 0xffff;
/** An xlsx central directory is a few KiB; anything vastly larger is not a workbook. */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

/** Lists the archive's members; throws ZipFormatError when the file is not a readable ZIP. */
export async function readZipDirectory(handle: ByteHandle, size: number): Promise<Map<string, ZipEntry>> {
  const tailLength = Math.min(size, EOCD_MIN + MAX_COMMENT);
  const tail = await readAt(handle, size - tailLength, tailLength);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + EOCD_MIN > tail.length || tail.readUInt32LE(eocd) !== EOCD_SIGNATURE) {
    throw new ZipFormatError('no end of central directory');
  }
  let count = tail.readUInt16LE(eocd + 10);
  let directorySize = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    ({ count, directorySize, directoryOffset } = await readZip64End(handle, size - tailLength + eocd));
  }
  if (directorySize > MAX_DIRECTORY_BYTES || directoryOffset + directorySize > size) {
    throw new ZipFormatError('central directory out of range');
  }
  const directory = await readAt(handle, directoryOffset, directorySize);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw new ZipFormatError('damaged central directory');
    }
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      uncompressedSize: directory.readUInt32LE(at + 24),
      crc32: directory.readUInt32LE(at + 16),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    applyZip64Extra(entry, directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    entries.set(entry.name, entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Where a member's compressed bytes start: after its local header, whose extra field may differ. */
export async function entryDataOffset(handle: ByteHandle, entry: ZipEntry): Promise<number> {
  const header = await readAt(handle, entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) {
    throw new ZipFormatError(`damaged local header of ${entry.name}`);
  }
  return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/** Reads and inflates one small member, refusing members larger than `maxBytes` once inflated. */
export async function readZipEntry(handle: ByteHandle, entry: ZipEntry, maxBytes: number): Promise<Buffer> {
  if (entry.uncompressedSize > maxBytes) throw new ZipFormatError(`${entry.name} is too large`);
  const data = await readAt(handle, await entryDataOffset(handle, entry), entry.compressedSize);
  if (data.length !== entry.compressedSize)
    throw new ZipFormatError(`${entry.name} is truncated`, entry.name);
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipFormatError(`${entry.name} uses compression method ${entry.method}`, entry.name);
  let bytes: Buffer;
  try {
    bytes = entry.method === 0 ? data : inflateRawSync(data, { maxOutputLength: maxBytes });
  } catch {
    throw new ZipFormatError(`${entry.name} does not inflate`, entry.name);
  }
  verifyEntry(entry, crc32(bytes), bytes.length);
  return bytes;
}

/**
 * Throws unless a member's inflated bytes (their CRC-32 and count) are what the directory recorded. A
 * flipped bit in stored bytes, or in deflated ones that still inflate, is caught only here.
 */
export function verifyEntry(entry: ZipEntry, crc: number, size: number): void {
  if (size !== entry.uncompressedSize || crc >>> 0 !== entry.crc32) {
    throw new ZipFormatError(`${entry.name} fails its CRC-32 check`, entry.name);
  }
}

async function readZip64End(
  handle: ByteHandle,
  eocdOffset: number,
): Promise<{ count: number; directorySize: number; directoryOffset: number }> {
  const locator = await readAt(handle, eocdOffset - 20, 20);
  if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) {
    throw new ZipFormatError('missing zip64 locator');
  }
  const record = await readAt(handle, Number(locator.readBigUInt64LE(8)), 56);
  if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) {
    throw new ZipFormatError('damaged zip64 end record');
  }
  return {
    count: Number(record.readBigUInt64LE(32)),
    directorySize: Number(record.readBigUInt64LE(40)),
    directoryOffset: Number(record.readBigUInt64LE(48)),
  };
}

/** Zip64 stores the sizes and offset that overflow 32 bits in extra field 0x0001, in this order. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  let at = 0;
  while (at + 4 <= extra.length) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (): number => {
        const value = field + 8 <= at + 4 + length ? Number(extra.readBigUInt64LE(field)) : 0;
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + length;
  }
}

async function readAt(handle: ByteHandle, position: number, length: number): Promise<Buffer> {
  if (position < 0) throw new ZipFormatError('offset out of range');
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}
