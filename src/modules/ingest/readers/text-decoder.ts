import iconv from 'iconv-lite';
import { AppError } from '../../../kernel/errors/app-error.js';
import {
  binaryContentError,
  droppedBomLength,
  dropsUtf8Bom,
  encodingError,
  isUtf8Name,
  LineBreaks,
  positionOf,
  type TextPosition,
  UTF8_BOM,
} from './encoding.js';
import { readBytes } from './file-access.js';

/** The file `decodeText` reads: `path` is read again, from its start, to say where an error lies. */
export interface DecodedFile {
  path: string;
  fileName: string;
  format: string;
}

/**
 * Decodes a byte stream chunk by chunk, refusing bytes that are invalid in the chosen encoding: silently
 * replacing them with U+FFFD would corrupt names and numbers. UTF-8 goes through the platform's strict
 * decoder; legacy encodings through iconv-lite, whose replacement characters are taken as errors.
 * Any BOM is stripped. NUL characters that last to the end of the file are padding and dropped; a NUL
 * with text after it is binary content inside the file and refused, never stored in a cell.
 * `chunks` are the bytes of `file.path` from its first byte on.
 */
export async function* decodeText(
  chunks: AsyncIterable<Buffer>,
  encoding: string,
  file: DecodedFile,
  asciiSample: boolean,
): AsyncGenerator<string> {
  const decoder = createDecoder(encoding, true);
  const unit = codeUnitBytes(encoding);
  let offset = 0;
  let lastCode = 0;
  const padding = new NulPadding();
  for await (const chunk of chunks) {
    const text = decoder.write(chunk);
    if (text === null) throw await invalidText(file, encoding, asciiSample, offset, offset + chunk.length);
    offset += chunk.length;
    if (text.length > 0) lastCode = text.charCodeAt(text.length - 1);
    const kept = padding.take(text);
    if (kept === null) throw binaryContentError(file.fileName, await firstNul(file, encoding, offset), true);
    if (kept) yield kept;
  }
  const rest = decoder.end();
  if (rest) lastCode = rest.charCodeAt(rest.length - 1);
  // Every byte decoded but the last character is incomplete: the file was cut short, and no other
  // encoding would help. The UTF-16 decoder drops an odd last byte and passes a lone high surrogate on,
  // so both are checked here.
  if (rest === null || offset % unit !== 0 || (lastCode >= 0xd800 && lastCode <= 0xdbff)) {
    throw new AppError(
      'IMPORT_FILE_CORRUPT',
      { file: file.fileName, format: file.format },
      {
        reason: `the file ends inside a character (byte ${offset}): it was cut short, as by an interrupted download or copy; get the whole file again`,
      },
    );
  }
  const kept = padding.take(rest);
  if (kept === null) throw binaryContentError(file.fileName, await firstNul(file, encoding, offset), true);
  if (kept) yield kept;
}

/** Holds back a run of NUL characters until the file's end shows it was padding. */
class NulPadding {
  private held = false;

  /** The text to pass on, or null when a NUL has text after it. */
  take(text: string): string | null {
    const first = text.indexOf('\0');
    if (first < 0) return this.held && text.length > 0 ? null : text;
    if (this.held && first > 0) return null;
    for (let i = first + 1; i < text.length; i++) if (text.charCodeAt(i) !== 0) return null;
    this.held = true;
    return text.slice(0, first);
  }
}

async function invalidText(
  file: DecodedFile,
  encoding: string,
  asciiSample: boolean,
  from: number,
  to: number,
): Promise<AppError> {
  const at = await firstInvalid(file.path, encoding, from, to);
  const where = positionOf(at);
  const hint = asciiSample
    ? {
        en: ': the first 64 KiB were plain ASCII, so the encoding could not be detected',
        zh: '：文件前 64 KiB 都是 ASCII 字符，无法据此识别编码',
      }
    : { en: '', zh: '' };
  return encodingError(
    file.fileName,
    {
      en: `invalid ${encoding} text at ${where.en}${hint.en}`,
      zh: `${where.zh}不是有效的 ${encoding} 文本${hint.zh}`,
    },
    { at },
  );
}

/**
 * Where the first ill-formed character lies, the chunk [from, to) holding it (or the end of its
 * sequence). Found after the fact, so decoding pays nothing for it: the file is read again, counting
 * line breaks natively up to `from`, then decoded a byte at a time from the last line break before
 * `from` (a character boundary in every ASCII-compatible encoding; a sequence never spans a line break).
 */
async function firstInvalid(path: string, encoding: string, from: number, to: number): Promise<TextPosition> {
  const lines = new LineBreaks();
  let lineStart = 0;
  if (from > 0) {
    let pos = 0;
    for await (const block of readBytes(path, { end: from - 1 }) as AsyncIterable<Buffer>) {
      lines.add(block);
      const last = Math.max(block.lastIndexOf(0x0a), block.lastIndexOf(0x0d));
      if (last >= 0) lineStart = pos + last + 1;
      pos += block.length;
    }
  }
  if (lineStart === 0) lineStart = droppedBomLength(await readHead(path), encoding);
  const decoder = createDecoder(encoding, false);
  // The first byte of the character being decoded: a byte that yields no text continues a sequence.
  let sequenceStart = lineStart;
  let pos = lineStart;
  // Counting on from `from`'s line start adds nothing for [lineStart, from), which holds no break, and
  // keeps a CR just before `lineStart` paired with an LF just after it.
  for await (const block of readBytes(path, { start: lineStart, end: to - 1 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < block.length; i++, pos++) {
      const text = decoder.write(block.subarray(i, i + 1));
      if (text === null) {
        lines.add(block, Math.max(0, i - (pos - sequenceStart)));
        return { byte: sequenceStart, line: lines.line };
      }
      if (text.length > 0) sequenceStart = pos + 1;
    }
    lines.add(block);
  }
  return { byte: from };
}

/**
 * Where the first NUL character before `to` lies: the one that has text after it, since an earlier NUL
 * would have been refused or held as padding before.
 */
async function firstNul(file: DecodedFile, encoding: string, to: number): Promise<TextPosition> {
  const lines = new LineBreaks();
  const unit = codeUnitBytes(encoding);
  let pos = 0;
  if (unit === 1) {
    for await (const block of readBytes(file.path, { end: to - 1 }) as AsyncIterable<Buffer>) {
      const nul = block.indexOf(0);
      lines.add(block, nul < 0 ? block.length : nul);
      if (nul >= 0) return { byte: pos + nul, line: lines.line };
      pos += block.length;
    }
    return { byte: to };
  }
  const bigEndian = isBigEndian(encoding, await readHead(file.path));
  let carry: Buffer = Buffer.alloc(0);
  for await (const block of readBytes(file.path, { end: to - 1 }) as AsyncIterable<Buffer>) {
    const bytes = carry.length > 0 ? Buffer.concat([carry, block]) : block;
    const whole = bytes.length - (bytes.length % unit);
    for (let i = 0; i < whole; i += unit, pos += unit) {
      const code = readUnit(bytes, i, unit, bigEndian);
      if (code === 0) return { byte: pos, line: lines.line };
      lines.addUnit(code);
    }
    carry = bytes.subarray(whole);
  }
  return { byte: to };
}

async function readHead(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const block of readBytes(path, { end: 3 }) as AsyncIterable<Buffer>) parts.push(block);
  return Buffer.concat(parts);
}

function codeUnitBytes(encoding: string): number {
  if (/^(utf-?16|ucs-?2)/.test(encoding)) return 2;
  if (/^(utf-?32|ucs-?4)/.test(encoding)) return 4;
  return 1;
}

function isBigEndian(encoding: string, head: Buffer): boolean {
  if (/be$/.test(encoding)) return true;
  if (/le$/.test(encoding) || /^ucs-?2$/.test(encoding)) return false;
  // "utf16" and "utf32" follow the byte order mark.
  return head[0] === 0xfe || (head[0] === 0 && head[1] === 0 && head[2] === 0xfe);
}

function readUnit(bytes: Buffer, at: number, unit: number, bigEndian: boolean): number {
  if (unit === 2) return bigEndian ? bytes.readUInt16BE(at) : bytes.readUInt16LE(at);
  return bigEndian ? bytes.readUInt32BE(at) : bytes.readUInt32LE(at);
}

interface ChunkDecoder {
  /** Decoded text, or null when the bytes are invalid. */
  write(chunk: Buffer): string | null;
  end(): string | null;
}

/**
 * `atStart`: the decoder reads the file from its first byte, so drops a byte order mark there; one
 * started later (to locate an error) passes every byte on, so each character it completes yields text.
 */
function createDecoder(encoding: string, atStart: boolean): ChunkDecoder {
  if (isUtf8Name(encoding)) {
    const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: !atStart });
    return {
      write: (chunk) => attempt(() => utf8.decode(chunk, { stream: true })),
      end: () => attempt(() => utf8.decode()),
    };
  }
  const legacy = iconv.getDecoder(encoding, { stripBOM: atStart });
  // UTF-16 can legitimately hold U+FFFD and has no invalid byte pairs worth policing.
  const policed = !/^utf-?(16|32)/.test(encoding) && !/^ucs-?2/.test(encoding);
  const check = (text: string): string | null => (policed && text.includes('\uFFFD') ? null : text);
  const decoder: ChunkDecoder = {
    write: (chunk) => check(legacy.write(chunk)),
    end: () => check(legacy.end() ?? ''),
  };
  return atStart && dropsUtf8Bom(encoding) ? droppingBom(decoder, encoding) : decoder;
}

/** Drops a UTF-8 byte order mark in front of the text, however the first chunks split it. */
function droppingBom(decoder: ChunkDecoder, encoding: string): ChunkDecoder {
  let head: Buffer | null = Buffer.alloc(0);
  return {
    write(chunk) {
      if (head === null) return decoder.write(chunk);
      const bytes: Buffer = head.length > 0 ? Buffer.concat([head, chunk]) : chunk;
      if (bytes.length < UTF8_BOM.length && UTF8_BOM.subarray(0, bytes.length).equals(bytes)) {
        head = bytes;
        return '';
      }
      head = null;
      return decoder.write(bytes.subarray(droppedBomLength(bytes, encoding)));
    },
    end() {
      const pending = head && head.length > 0 ? decoder.write(head) : '';
      const rest = decoder.end();
      return pending === null || rest === null ? null : pending + rest;
    },
  };
}

function attempt(decode: () => string): string | null {
  try {
    return decode();
  } catch {
    return null;
  }
}
