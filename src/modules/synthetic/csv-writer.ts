import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import type { OutputRow } from './dirty-rows.js';
import type { SyntheticEncoding } from './types.js';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Chunks of about this many characters keep write calls few without holding much in memory. */
const CHUNK_CHARS = 256 * 1024;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * RFC 4180 quoting; fields with leading or trailing blanks are quoted too, because several readers trim
 * unquoted fields and the padded names of duplicate rows must survive.
 */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV record with its CRLF terminator; a blank row is all separators, as Excel saves one. */
export function csvLine(row: OutputRow, width: number): string {
  return row === null ? `${','.repeat(width - 1)}\r\n` : `${row.map(csvField).join(',')}\r\n`;
}

/** GBK has no U+00A5 (¥); Chinese software writes the full-width ￥ instead. */
function encodeGbk(text: string): Buffer {
  return iconv.encode(text.replaceAll('¥', '￥'), 'gbk');
}

function* csvChunks(
  header: readonly string[],
  rows: Iterable<OutputRow>,
  encoding: SyntheticEncoding,
): Generator<Buffer> {
  const encode = encoding === 'gbk' ? encodeGbk : (text: string): Buffer => Buffer.from(text, 'utf8');
  // Excel only detects UTF-8 CSV by its BOM; GBK is what it assumes without one on Chinese Windows.
  if (encoding === 'utf8') yield UTF8_BOM;
  let chunk = csvLine(header, header.length);
  for (const row of rows) {
    chunk += csvLine(row, header.length);
    if (chunk.length >= CHUNK_CHARS) {
      yield encode(chunk);
      chunk = '';
    }
  }
  if (chunk.length > 0) yield encode(chunk);
}

/** Streams `rows` to `outPath`; rows are pulled only as fast as the disk takes them. */
export async function writeCsv(
  outPath: string,
  header: readonly string[],
  rows: Iterable<OutputRow>,
  encoding: SyntheticEncoding,
): Promise<void> {
  await pipeline(Readable.from(csvChunks(header, rows, encoding)), createWriteStream(outPath));
}
