import { createHash } from 'node:crypto';
import { accessSync, constants, createWriteStream, fchmodSync, openSync, type WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { AppError } from '../../kernel/errors/app-error.js';
import { fileProblem, statOrNull } from '../../kernel/errors/file-errors.js';
import { scratchCipher } from '../ingest/readers/file-access.js';

export type TableFileFormat = 'csv' | 'xlsx';
export type TableFileEncoding = 'utf8' | 'gbk';

export interface WrittenFile {
  sha256: string;
  bytes: number;
  rows: number;
  /** CSV in GBK only: characters GBK cannot hold, written as "?". */
  unencodable: number;
  /** CSV in GBK only: characters GBK lacks written as their full-width look-alike (¥ as ￥). */
  substituted: number;
}

/** A spreadsheet written row by row, hashed as it goes, readable by the owner only (0600). */
export interface TableWriter {
  startSheet(name: string, headers: readonly string[]): Promise<void>;
  row(cells: ReadonlyArray<string | number | null>): Promise<void>;
  close(): Promise<WrittenFile>;
  /** Stops writing; the caller deletes the partial file. */
  abort(): Promise<void>;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Cells starting with = + - @ tab or CR are prefixed with a single quote, so a spreadsheet program
 * shows them as text instead of running them as formulas (OWASP "CSV injection").
 */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

class Sha256Counter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

function notWritable(path: string, code: string | undefined): AppError {
  return new AppError('OUTPUT_NOT_WRITABLE', { path, detail: fileProblem(code) });
}

/**
 * Checks, before any work, that a table can be written to `path`: its folder exists and is writable,
 * it is not a folder, and it is not the file `notSameAs` names (an import's own file, which its rejects
 * file would otherwise overwrite). A long import or export that fails only at its end, or destroys its source, would
 * be worse than refusing at once.
 */
export function checkOutputPath(path: string, opts: { notSameAs?: string } = {}): void {
  const target = statOrNull(path);
  if (target?.isDirectory()) throw notWritable(path, 'EISDIR');
  const source = opts.notSameAs === undefined ? null : statOrNull(opts.notSameAs);
  if (target && source && target.dev === source.dev && target.ino === source.ino)
    throw new AppError('USAGE', { detail: 'the output file must not be the file being imported' });
  try {
    accessSync(target ? path : dirname(resolve(path)), constants.W_OK);
  } catch (err) {
    throw notWritable(path, (err as NodeJS.ErrnoException).code);
  }
  const folder = statOrNull(dirname(resolve(path)));
  if (!folder?.isDirectory()) throw notWritable(path, 'ENOTDIR');
}

function openTarget(path: string): { hasher: Sha256Counter; file: WriteStream; done: Promise<void> } {
  // Opened here, synchronously, so an existing file is narrowed to 0600 before a byte is written.
  let fd: number;
  try {
    fd = openSync(path, 'w', 0o600);
  } catch (err) {
    throw notWritable(path, (err as NodeJS.ErrnoException).code);
  }
  fchmodSync(fd, 0o600);
  const file = createWriteStream('', { fd });
  const hasher = new Sha256Counter();
  // A scratch download (the API's export) is encrypted on disk; the hash stays that of the plaintext.
  const cipher = scratchCipher(path);
  if (cipher) hasher.pipe(cipher).pipe(file);
  else hasher.pipe(file);
  const done = new Promise<void>((resolve, reject) => {
    file.on('finish', resolve);
    file.on('error', reject);
    hasher.on('error', reject);
  });
  return { hasher, file, done };
}

function finish(hasher: Sha256Counter, rows: number, unencodable = 0, substituted = 0): WrittenFile {
  return { sha256: hasher.hash.digest('hex'), bytes: hasher.bytes, rows, unencodable, substituted };
}

/** Characters GBK lacks that Chinese software writes as a full-width look-alike instead of "?". */
const GBK_LOOK_ALIKES: ReadonlyArray<readonly [string, string]> = [['¥', '￥']];

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
function csvField(value: string | number | null): string {
  if (value === null) return '';
  const s = neutraliseFormula(String(value));
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvWriter(path: string, encoding: TableFileEncoding): TableWriter {
  const { hasher, done } = openTarget(path);
  let rows = 0;
  let unencodable = 0;
  let substituted = 0;
  let sheets = 0;
  const write = async (text: string): Promise<void> => {
    let buf: Buffer;
    if (encoding === 'gbk') {
      // GBK has no U+00A5 (¥); Chinese software writes the full-width ￥. Counted: the user is told.
      let t = text;
      for (const [from, to] of GBK_LOOK_ALIKES) {
        if (!t.includes(from)) continue;
        substituted += t.split(from).length - 1;
        t = t.replaceAll(from, to);
      }
      buf = iconv.encode(t, 'gbk');
      if (buf.includes(0x3f) && iconv.decode(buf, 'gbk') !== t)
        unencodable += [...iconv.decode(buf, 'gbk')].filter((c, i) => c === '?' && [...t][i] !== '?').length;
    } else buf = Buffer.from(text, 'utf8');
    if (!hasher.write(buf)) await new Promise<void>((resolve) => hasher.once('drain', resolve));
  };
  return {
    async startSheet(_name, headers) {
      // Excel detects UTF-8 CSV only by its BOM; without one it assumes GBK on Chinese Windows.
      if (sheets === 0 && encoding === 'utf8') await write('\ufeff');
      sheets++;
      await write(`${headers.map(csvField).join(',')}\r\n`);
    },
    async row(cells) {
      rows++;
      await write(`${cells.map(csvField).join(',')}\r\n`);
    },
    async close() {
      hasher.end();
      await done;
      return finish(hasher, rows, unencodable, substituted);
    },
    async abort() {
      hasher.end();
      await done.catch(() => undefined);
    },
  };
}

const CHECK_EVERY = 2000;
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes of sheet XML queued before exceljs's zip compressor (see synthetic/xlsx-writer.ts). */
function compressorBacklog(sheet: unknown): number {
  const pipes = (sheet as { stream?: { pipes?: unknown[] } }).stream?.pipes;
  const target = pipes?.[0] as { writableLength?: number; _writableState?: { length?: number } } | undefined;
  return target?.writableLength ?? target?._writableState?.length ?? 0;
}

function xlsxWriter(path: string): TableWriter {
  const { hasher, done } = openTarget(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: hasher,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'Custodian';
  let sheet: ExcelJS.Worksheet | undefined;
  const names = new Set<string>();
  let rows = 0;
  return {
    async startSheet(name, headers) {
      sheet?.commit();
      // Sheet names: at most 31 characters, none of : \ / ? * [ ], unique.
      const base = (name.replace(/[:\\/?*[\]]/g, '_').slice(0, 28) || 'Sheet').trim() || 'Sheet';
      let unique = base;
      for (let n = 2; names.has(unique); n++) unique = `${base}-${n}`;
      names.add(unique);
      sheet = workbook.addWorksheet(unique);
      sheet.columns = headers.map((h) => ({
        header: neutraliseFormula(h),
        width: Math.min(40, Math.max(10, h.length * 2 + 4)),
        style: { numFmt: '@' },
      }));
    },
    async row(cells) {
      if (!sheet) throw new AppError('INTERNAL');
      rows++;
      sheet
        .addRow(cells.map((c) => (c === null ? null : typeof c === 'number' ? c : neutraliseFormula(c))))
        .commit();
      if (rows % CHECK_EVERY === 0) {
        await pause(0);
        while (compressorBacklog(sheet) > MAX_BACKLOG_BYTES) await pause(1);
      }
    },
    async close() {
      if (!sheet) sheet = workbook.addWorksheet('Sheet1');
      sheet.commit();
      await workbook.commit();
      await done;
      return finish(hasher, rows);
    },
    async abort() {
      hasher.destroy();
      await done.catch(() => undefined);
    },
  };
}

export function openTableWriter(
  path: string,
  opts: { format: TableFileFormat; encoding?: TableFileEncoding | undefined },
): TableWriter {
  return opts.format === 'xlsx' ? xlsxWriter(path) : csvWriter(path, opts.encoding ?? 'utf8');
}

/** csv or xlsx from an explicit format or the file's extension. */
export function formatOf(path: string, explicit?: string): TableFileFormat {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  const f = (explicit ?? extension).toLowerCase();
  if (f !== 'csv' && f !== 'xlsx')
    throw new AppError('USAGE', {
      detail: explicit
        ? `--format expects csv or xlsx, got "${explicit.slice(0, 20)}"`
        : 'the output must be .xlsx or .csv (or give --format)',
    });
  // CSV bytes under a .xlsx name (or the reverse) would not open in Excel: say so before writing.
  if (explicit && TABLE_EXTENSIONS.has(extension) && extension !== f)
    throw new AppError('USAGE', {
      detail: `--format ${f} does not match the file name's .${extension}; name the file .${f} or drop --format`,
    });
  return f;
}

/** Extensions of table files whose format a different --format would contradict. */
const TABLE_EXTENSIONS = new Set(['csv', 'xlsx', 'xls']);
