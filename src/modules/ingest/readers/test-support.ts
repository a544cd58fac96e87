import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { AppError } from '../../../kernel/errors/app-error.js';
import type { TableRow, TableSource } from './types.js';

/** A scratch directory for generated fixtures; call `remove` in afterAll. */
export async function scratchDir(): Promise<{ path: (name: string) => string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'custodian-ingest-'));
  return { path: (name) => join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A scratch directory for this test file's fixtures, made before its tests and removed after them:
 * `fixture` writes one and returns its path; `path` names one without writing it.
 */
export function scratchFixtures(): {
  path: (name: string) => string;
  fixture: (name: string, content: Buffer | string) => Promise<string>;
} {
  let dir: Awaited<ReturnType<typeof scratchDir>> | undefined;
  beforeAll(async () => {
    dir = await scratchDir();
  });
  afterAll(() => dir?.remove());
  const path = (name: string): string => {
    if (!dir) throw new Error('scratchFixtures: used before its beforeAll ran');
    return dir.path(name);
  };
  return {
    path,
    async fixture(name, content) {
      await writeFile(path(name), content);
      return path(name);
    },
  };
}

export async function collectRows(source: TableSource): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  for await (const row of source.rows()) rows.push(row);
  return rows;
}

/** The AppError a promise rejects with, for asserting code and params. */
/** The AppError `fn` throws; anything else thrown is rethrown, and not throwing fails the test. */
export function appErrorThrownBy(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

export async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the promise to reject');
}

/**
 * Writes a ZIP of stored (uncompressed) members, for hand-written workbooks that mimic producers other
 * than exceljs (other part names, inline strings, built-in East Asian date formats).
 */
export function writeStoredZip(path: string, members: Record<string, string>): Promise<void> {
  return writeZip(path, members, { deflate: false });
}

/** Writes a ZIP of the members, deflated (as Excel writes them) or stored. */
export async function writeZip(
  path: string,
  members: Record<string, string>,
  options: { deflate: boolean },
): Promise<void> {
  const method = options.deflate ? 8 : 0;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(members)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const plain = Buffer.from(text, 'utf8');
    const data = options.deflate ? deflateRawSync(plain) : plain;
    const crc = crc32(plain);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(plain.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(plain.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(members).length, 8);
  end.writeUInt16LE(Object.keys(members).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  await writeFile(path, Buffer.concat([...locals, directory, end]));
}

export const SPREADSHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
export const RELATIONSHIP_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/**
 * A one-sheet workbook (客户) of hand-written parts: the sheet's markup inside `<worksheet>`, and a shared-string
 * table (`<sst>` and its content) and a style sheet's content when given; stored unless `deflate`.
 */
export async function writeOneSheetWorkbook(
  path: string,
  parts: { sheetData: string; sharedStrings?: string; styles?: string; deflate?: boolean },
): Promise<string> {
  const rel = (id: number, type: string, target: string): string =>
    `<Relationship Id="rId${id}" Type="${RELATIONSHIP_NS}/${type}" Target="${target}"/>`;
  await writeZip(
    path,
    {
      '[Content_Types].xml': '<Types/>',
      'xl/workbook.xml': `<workbook ${SPREADSHEET_NS} xmlns:r="${RELATIONSHIP_NS}"><sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rel(1, 'worksheet', 'worksheets/sheet1.xml')}${parts.sharedStrings !== undefined ? rel(2, 'sharedStrings', 'sharedStrings.xml') : ''}${parts.styles !== undefined ? rel(3, 'styles', 'styles.xml') : ''}</Relationships>`,
      ...(parts.sharedStrings !== undefined ? { 'xl/sharedStrings.xml': parts.sharedStrings } : {}),
      ...(parts.styles !== undefined
        ? { 'xl/styles.xml': `<styleSheet ${SPREADSHEET_NS}>${parts.styles}</styleSheet>` }
        : {}),
      'xl/worksheets/sheet1.xml': `<worksheet ${SPREADSHEET_NS}><sheetData>${parts.sheetData}</sheetData></worksheet>`,
    },
    { deflate: parts.deflate ?? false },
  );
  return path;
}
