import iconv from 'iconv-lite';
import { AppError } from '../../../kernel/errors/app-error.js';

export type DetectedEncoding = 'utf8' | 'utf8-bom' | 'gb18030' | 'big5' | 'utf16le' | 'utf16be';

export interface EncodingGuess {
  encoding: DetectedEncoding;
  /** 1 for a BOM; 0.5 when the sample is plain ASCII and so says nothing about later bytes. */
  confidence: number;
}

/** How much of a text file detection looks at. */
export const SAMPLE_BYTES = 64 * 1024;

/** Below this share of CJK-plausible characters a GB18030 reading is taken to be noise. */
const MIN_PLAUSIBLE_SHARE = 0.8;

/**
 * Guesses the encoding of the first bytes of a text file. Order matters: a BOM is decisive; UTF-16
 * without BOM must be caught before UTF-8 because ASCII interleaved with NULs is valid UTF-8; strict
 * UTF-8 comes before GB18030 because real GBK text is almost never valid UTF-8, while the reverse
 * decodes to plausible-looking nonsense.
 */
export function detectEncoding(sample: Buffer, fileName = 'sample'): EncodingGuess {
  if (startsWith(sample, [0xef, 0xbb, 0xbf])) return { encoding: 'utf8-bom', confidence: 1 };
  if (startsWith(sample, [0xff, 0xfe])) return { encoding: 'utf16le', confidence: 1 };
  if (startsWith(sample, [0xfe, 0xff])) return { encoding: 'utf16be', confidence: 1 };

  const utf16 = guessBomlessUtf16(sample);
  if (utf16) return { encoding: utf16, confidence: 0.8 };
  const padding = nulPaddingStart(sample);
  if (padding > 0 && padding < sample.length) return detectEncoding(sample.subarray(0, padding), fileName);
  if (sample.includes(0)) {
    throw new AppError('IMPORT_BAD_ENCODING', { file: fileName, detail: 'binary content (NUL bytes)' });
  }

  const utf8 = utf8NonAsciiCount(sample);
  if (utf8 !== null) {
    if (utf8 === 0) return { encoding: 'utf8', confidence: 0.5 };
    return { encoding: 'utf8', confidence: Math.min(0.99, 0.6 + 0.05 * utf8) };
  }

  const share = plausibleShare(sample, 'gb18030');
  if (share >= MIN_PLAUSIBLE_SHARE) {
    return { encoding: 'gb18030', confidence: Math.round(share * 95) / 100 };
  }
  // Traditional-Chinese lists from Taiwan and Hong Kong come in Big5, which GBK reads as kana, symbols
  // and rare characters: tried only when GBK makes no sense, so a GBK file is never taken for Big5.
  const big5 = plausibleShare(sample, 'big5');
  if (big5 >= MIN_PLAUSIBLE_SHARE) {
    return { encoding: 'big5', confidence: Math.round(big5 * 90) / 100 };
  }
  throw new AppError('IMPORT_BAD_ENCODING', {
    file: fileName,
    detail: 'neither UTF-8, GBK/GB18030 nor Big5 text',
  });
}

/** The decoder name for a detected encoding or a user-supplied name; unknown names are refused. */
export function resolveEncodingName(name: string, fileName: string): string {
  const wanted = name.trim().toLowerCase();
  if (wanted === 'utf8-bom' || wanted === 'utf-8-bom') return 'utf8';
  const shown = wanted.replace(/[^\w.-]/g, '').slice(0, 30);
  if (!iconv.encodingExists(wanted)) {
    throw new AppError('IMPORT_BAD_ENCODING', { file: fileName, detail: `unknown encoding name "${shown}"` });
  }
  return wanted;
}

/** True for the UTF-8 family, which is decoded strictly by the platform decoder. */
export function isUtf8Name(name: string): boolean {
  return /^utf-?8$/.test(name) || name === 'unicode-1-1-utf-8';
}

/**
 * Where a run of NUL bytes that lasts to the sample's end begins (the sample's length if there is none).
 * Files cut from a preallocated download, a disk image or a fixed-size export come padded with NULs;
 * the text before them is what the file holds (the reader checks the rest of the file is NULs too).
 */
export function nulPaddingStart(sample: Buffer): number {
  let at = sample.length;
  while (at > 0 && sample[at - 1] === 0) at--;
  return at;
}

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return bytes.every((b, i) => buf[i] === b);
}

/** Number of non-ASCII characters if `sample` is valid UTF-8 (a sequence cut off at its end is fine). */
function utf8NonAsciiCount(sample: Buffer): number | null {
  try {
    // stream: true keeps an incomplete trailing sequence pending instead of rejecting it.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    let count = 0;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) count++;
    return count;
  } catch {
    return null;
  }
}

/**
 * UTF-16 text without BOM betrays itself by NUL bytes on one side of each pair (ASCII delimiters, digits
 * and line breaks), while Chinese-only pairs rarely contain NUL.
 */
function guessBomlessUtf16(sample: Buffer): 'utf16le' | 'utf16be' | null {
  const pairs = Math.floor(Math.min(sample.length, 4096) / 2);
  if (pairs < 2) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < pairs; i++) {
    if (sample[2 * i] === 0) evenZero++;
    if (sample[2 * i + 1] === 0) oddZero++;
  }
  if (oddZero >= pairs * 0.3 && evenZero <= pairs * 0.02) return 'utf16le';
  if (evenZero >= pairs * 0.3 && oddZero <= pairs * 0.02) return 'utf16be';
  return null;
}

/** Share of non-ASCII characters that look like Chinese text when `sample` is read as `encoding`. */
function plausibleShare(sample: Buffer, encoding: 'gb18030' | 'big5'): number {
  // The sample may end inside a two- or four-byte sequence; 0x0A is never part of one, so cutting after
  // the last line feed gives a clean boundary.
  const cut = sample.lastIndexOf(0x0a);
  const body = iconv.decode(cut > 0 ? sample.subarray(0, cut + 1) : sample, encoding);
  let nonAscii = 0;
  let plausible = 0;
  for (const ch of body) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) continue;
    nonAscii++;
    if (code === 0xfffd) return 0;
    if (isPlausibleChinese(code)) plausible++;
  }
  return nonAscii === 0 ? 0 : plausible / nonAscii;
}

function isPlausibleChinese(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) || // CJK unified ideographs
    (code >= 0x3400 && code <= 0x4dbf) || // extension A (rare names)
    (code >= 0x3000 && code <= 0x303f) || // CJK punctuation 、。《》【】
    (code >= 0xff00 && code <= 0xffef) || // full-width forms （）：，
    (code >= 0x2010 && code <= 0x206f) || // general punctuation “”…—
    (code >= 0x2460 && code <= 0x24ff) || // enclosed numbers ①
    (code >= 0x2160 && code <= 0x217f) || // Roman numerals Ⅰ
    (code >= 0x20000 && code <= 0x2ebef) || // extensions B–F (rare names)
    code === 0x00b7 || // middle dot in transliterated names
    code === 0x00d7 ||
    code === 0x00b0 ||
    code === 0x00a5
  );
}
