import iconv from 'iconv-lite';
import { AppError, type ErrorParams } from '../../../kernel/errors/app-error.js';

export type DetectedEncoding = 'utf8' | 'utf8-bom' | 'gb18030' | 'big5' | 'utf16le' | 'utf16be';

export interface EncodingGuess {
  encoding: DetectedEncoding;
  /** 1 for a BOM; 0.5 when the sample is plain ASCII and so says nothing about later bytes. */
  confidence: number;
}

/** The UTF-8 byte order mark. */
export const UTF8_BOM: Buffer = Buffer.from([0xef, 0xbb, 0xbf]);

/** How much of a text file detection looks at. */
export const SAMPLE_BYTES = 64 * 1024;

/** Below this share of CJK-plausible characters a GB18030 reading is taken to be noise. */
const MIN_PLAUSIBLE_SHARE = 0.8;
/**
 * A sample with this many valid multi-byte UTF-8 characters and at most one ill-formed sequence per
 * MAX_DAMAGE_RATIO of them is damaged UTF-8. GBK text has several ill-formed sequences per valid one
 * (its byte pairs only now and then form UTF-8), so it is never taken for damaged UTF-8.
 */
const MIN_DAMAGED_UTF8_CHARS = 10;
const MAX_DAMAGE_RATIO = 10;
const GB_FAMILY = /^(gb2312|gbk|gb18030|cp936|x-gbk|euc-cn|windows-936)$/;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Guesses the encoding of the first bytes of a text file. Order matters: a BOM is decisive; UTF-16
 * without BOM must be caught before UTF-8 because ASCII interleaved with NULs is valid UTF-8; strict
 * UTF-8 comes before GB18030 because real GBK text is almost never valid UTF-8, while the reverse
 * decodes to plausible-looking nonsense.
 */
export function detectEncoding(sample: Buffer, fileName = 'sample'): EncodingGuess {
  if (startsWith(sample, UTF8_BOM)) return { encoding: 'utf8-bom', confidence: 1 };
  if (startsWith(sample, [0xff, 0xfe])) return { encoding: 'utf16le', confidence: 1 };
  if (startsWith(sample, [0xfe, 0xff])) return { encoding: 'utf16be', confidence: 1 };

  const utf16 = guessBomlessUtf16(sample);
  if (utf16) return { encoding: utf16, confidence: 0.8 };
  const padding = nulPaddingStart(sample);
  if (padding > 0 && padding < sample.length) return detectEncoding(sample.subarray(0, padding), fileName);
  const nul = sample.indexOf(0);
  if (nul >= 0) throw binaryContentError(fileName, positionIn(sample, nul));

  const utf8 = utf8NonAsciiCount(sample);
  if (utf8 !== null) {
    if (utf8 === 0) return { encoding: 'utf8', confidence: 0.5 };
    return { encoding: 'utf8', confidence: Math.min(0.99, 0.6 + 0.05 * utf8) };
  }
  // Before GB18030: UTF-8 Chinese read as GB18030 often gives plausible-looking ideographs, so a UTF-8
  // file with a few damaged bytes could otherwise be imported as nonsense.
  const damage = utf8Census(sample);
  if (damage.valid >= MIN_DAMAGED_UTF8_CHARS && damage.invalid * MAX_DAMAGE_RATIO <= damage.valid) {
    const at = positionIn(sample, damage.firstInvalid);
    const where = positionOf(at);
    throw encodingError(
      fileName,
      {
        en: `the text is UTF-8 but ${where.en} holds bytes that are not: the file is damaged there or mixes encodings`,
        zh: `文本是 UTF-8 编码，但${where.zh}有不属于 UTF-8 的字节：文件在此处已损坏或混用了编码`,
      },
      { at, damaged: true },
    );
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
  throw encodingError(fileName, {
    en: 'neither UTF-8, GBK/GB18030 nor Big5 text',
    zh: '既不是 UTF-8，也不是 GBK/GB18030 或 Big5 文本',
  });
}

/**
 * The decoder name for a detected encoding or a user-supplied name; unknown names are refused. GB2312
 * and GBK are read as GB18030, their superset: a file said to be GBK often holds GB18030's four-byte
 * characters (rare names such as 䶮), which GBK would refuse.
 */
export function resolveEncodingName(name: string, fileName: string): string {
  const wanted = name.trim().toLowerCase();
  if (wanted === 'utf8-bom' || wanted === 'utf-8-bom') return 'utf8';
  if (GB_FAMILY.test(wanted)) return 'gb18030';
  const shown = wanted.replace(/[^\w.-]/g, '').slice(0, 30);
  if (!iconv.encodingExists(wanted)) {
    throw encodingError(fileName, {
      en: `unknown encoding name "${shown}"`,
      zh: `未知的编码名称“${shown}”`,
    });
  }
  return wanted;
}

/**
 * Whether the `decoder` drops a UTF-8 byte order mark in front of the text. GB18030 does too: some tools
 * prepend one to GBK text, which would otherwise read as the characters 锘 and more.
 */
export function dropsUtf8Bom(decoder: string): boolean {
  return isUtf8Name(decoder) || decoder === 'gb18030';
}

/** Length of the byte order mark the `decoder` drops at the start of `head` (0: none). */
export function droppedBomLength(head: Buffer, decoder: string): number {
  return dropsUtf8Bom(decoder) && startsWith(head, UTF8_BOM) ? UTF8_BOM.length : 0;
}

/** Where a problem lies in a file: the offset of its first byte, and its line (1-based) when known. */
export interface TextPosition {
  byte: number;
  line?: number;
}

interface Bilingual {
  en: string;
  zh: string;
}

const ENCODING_ADVICE: Bilingual = {
  en: ' (set --encoding, e.g. gbk, utf8 or big5)',
  zh: '（可用 --encoding 指定，如 gbk、utf8、big5）',
};
/** For a damaged file, where naming another encoding cannot help. */
const DAMAGED_ADVICE: Bilingual = {
  en: ' (no --encoding reads it: correct or delete those bytes, or save the file again as UTF-8)',
  zh: '（指定 --encoding 也无法读取：请修正或删除这些字节，或将文件重新另存为 UTF-8）',
};

/**
 * IMPORT_BAD_ENCODING with its detail in both languages; `at` goes into the params as numbers (never the
 * bytes themselves: they may be personal data).
 */
export function encodingError(
  file: string,
  detail: Bilingual,
  opts: { at?: TextPosition; damaged?: boolean } = {},
): AppError {
  const advice = opts.damaged ? DAMAGED_ADVICE : ENCODING_ADVICE;
  const params: ErrorParams = {
    file,
    detail: detail.en,
    detailZh: detail.zh,
    advice: advice.en,
    adviceZh: advice.zh,
  };
  if (opts.at?.line !== undefined) params.line = opts.at.line;
  if (opts.at) params.byte = opts.at.byte;
  return new AppError('IMPORT_BAD_ENCODING', params);
}

/** "line N (byte B)" in both languages, or the byte alone when the line is unknown. */
export function positionOf(at: TextPosition): Bilingual {
  return at.line === undefined
    ? { en: `byte ${at.byte}`, zh: `第 ${at.byte} 字节` }
    : { en: `line ${at.line} (byte ${at.byte})`, zh: `第 ${at.line} 行（第 ${at.byte} 字节）` };
}

/** NUL bytes with text after them: binary content, never stored in a cell. */
export function binaryContentError(file: string, at: TextPosition, padding = false): AppError {
  const where = positionOf(at);
  const why = padding
    ? {
        en: ': only NUL padding at the end of a file is skipped',
        zh: '：只有文件末尾的 NUL 填充会被跳过',
      }
    : { en: '', zh: '' };
  return encodingError(
    file,
    {
      en: `binary content (NUL bytes) at ${where.en}${why.en}`,
      zh: `${where.zh}起是二进制内容（NUL 字节）${why.zh}`,
    },
    { at },
  );
}

/**
 * Counts line breaks (LF, CRLF or a lone CR, as the parser ends records) in text whose line breaks are
 * single bytes, fed in consecutive pieces; a CRLF split between two pieces counts once.
 */
export class LineBreaks {
  count = 0;
  private afterCr = false;

  /** Counts the breaks in `bytes` before `end`. */
  add(bytes: Buffer, end = bytes.length): void {
    const part = end < bytes.length ? bytes.subarray(0, end) : bytes;
    for (let i = part.indexOf(CR); i >= 0; i = part.indexOf(CR, i + 1)) this.count++;
    for (let i = part.indexOf(LF); i >= 0; i = part.indexOf(LF, i + 1)) {
      if (!(i === 0 ? this.afterCr : part[i - 1] === CR)) this.count++;
    }
    if (part.length > 0) this.afterCr = part[part.length - 1] === CR;
  }

  /** Counts one code unit (of UTF-16 or UTF-32 text). */
  addUnit(code: number): void {
    if (code === CR || (code === LF && !this.afterCr)) this.count++;
    this.afterCr = code === CR;
  }

  /** The 1-based line the next byte is on. */
  get line(): number {
    return this.count + 1;
  }
}

/** The position of byte `byte` of an ASCII-compatible sample held in memory. */
function positionIn(sample: Buffer, byte: number): TextPosition {
  const lines = new LineBreaks();
  lines.add(sample, byte);
  return { byte, line: lines.line };
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

function startsWith(buf: Buffer, bytes: readonly number[] | Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (buf[i] !== bytes[i]) return false;
  return true;
}

/**
 * Valid multi-byte characters and ill-formed sequences (each maximal ill-formed part once, as decoders
 * count them) in UTF-8 `bytes`, and where the first ill-formed one starts (-1: none). A sequence cut
 * off at the end is neither: the sample may end inside a character.
 */
function utf8Census(bytes: Buffer): { valid: number; invalid: number; firstInvalid: number } {
  let valid = 0;
  let invalid = 0;
  let firstInvalid = -1;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const [need, low, high] = utf8Sequence(lead);
    let j = 1;
    while (j <= need && i + j < bytes.length) {
      const next = bytes[i + j] as number;
      if (next < (j === 1 ? low : 0x80) || next > (j === 1 ? high : 0xbf)) break;
      j++;
    }
    if (need > 0 && j > need) valid++;
    else if (need > 0 && i + j >= bytes.length) break;
    else {
      if (firstInvalid < 0) firstInvalid = i;
      invalid++;
    }
    i += j;
  }
  return { valid, invalid, firstInvalid };
}

/** Continuation bytes a UTF-8 lead byte needs (0: not a lead) and the range of the first (RFC 3629). */
function utf8Sequence(lead: number): [number, number, number] {
  if (lead >= 0xc2 && lead <= 0xdf) return [1, 0x80, 0xbf];
  if (lead === 0xe0) return [2, 0xa0, 0xbf];
  if (lead === 0xed) return [2, 0x80, 0x9f];
  if (lead >= 0xe1 && lead <= 0xef) return [2, 0x80, 0xbf];
  if (lead === 0xf0) return [3, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [3, 0x80, 0xbf];
  if (lead === 0xf4) return [3, 0x80, 0x8f];
  return [0, 0, 0];
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
