import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { idNumberCheckChar, usccCheckChar } from '../../kernel/identifiers/checksums.js';
import { openBytes } from '../ingest/readers/file-access.js';
import { openTable } from '../ingest/readers/index.js';
import { collectRows } from '../ingest/readers/test-support.js';
import { readWorkbookManifest } from '../ingest/readers/workbook-manifest.js';
import { generateCustomers, generateSyntheticFile, type SyntheticSummary } from './index.js';
import { toCells } from './table.js';
import { MOBILE_SEGMENTS } from './tables/identifier-prefixes.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-synthetic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const out = (name: string): string => join(dir, name);

const HEADER = [
  '客户类型',
  '姓名',
  '手机',
  '身份证号',
  '邮箱',
  '地址',
  '客户名称',
  '统一社会信用代码',
  '行业',
  '地区',
  '座机',
  '客户级别',
  '客户来源',
  '购买记录',
  '累计消费',
];
const col = (header: string): number => HEADER.indexOf(header);

function parseCsv(text: string): string[][] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false });
  expect(parsed.errors).toEqual([]);
  const rows = parsed.data;
  // The final CRLF leaves one empty record behind.
  if (rows.length > 0 && rows[rows.length - 1]?.length === 1 && rows[rows.length - 1]?.[0] === '') rows.pop();
  return rows;
}

/** An importer's view of the file, written independently of the generator's own bookkeeping. */
interface Recount {
  dataRows: number;
  read: number;
  blank: number;
  merged: number;
  rejected: number;
  byReason: Record<string, number>;
  fullWidth: number;
}

const nfkc = (s: string): string => s.normalize('NFKC');

/** The text a code cell means: without Excel's apostrophe, a float's .0, and with × read as X. */
function codeOf(raw: string): string {
  return nfkc(raw).trim().replace(/^'/, '').replace(/\.0$/, '').replace(/×$/, 'X');
}

function idReason(raw: string): string | null {
  const s = codeOf(raw).toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return 'ID_FORMAT';
  if (idNumberCheckChar(s.slice(0, 17)) !== s[17]) return 'ID_CHECKSUM';
  const [y, m, d] = [Number(s.slice(6, 10)), Number(s.slice(10, 12)), Number(s.slice(12, 14))];
  const date = new Date(Date.UTC(y, m - 1, d));
  const real = m >= 1 && m <= 12 && d >= 1 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  return real ? null : 'ID_BIRTHDATE';
}

function normalMobile(raw: string): string | null {
  const s = codeOf(raw)
    .replace(/[\s-]/g, '')
    .replace(/^(\+86|0(?=1))/, '');
  return /^1\d{10}$/.test(s) && MOBILE_SEGMENTS.includes(s.slice(0, 3)) ? s : null;
}

const emailOk = (raw: string): boolean => /^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(raw);

function usccReason(raw: string): string | null {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(raw)) return 'USCC_FORMAT';
  return usccCheckChar(raw.slice(0, 17)) === raw[17] ? null : 'USCC_CHECKSUM';
}

function recount(rows: string[][]): Recount {
  expect(rows[0]).toEqual(HEADER);
  const result: Recount = {
    dataRows: 0,
    read: 0,
    blank: 0,
    merged: 0,
    rejected: 0,
    byReason: {},
    fullWidth: 0,
  };
  const firstSeen = new Map<string, string>();
  const importedCompanies = new Set<string>();
  let previous: string[] = [];
  for (const row of rows.slice(1)) {
    result.dataRows++;
    expect(row).toHaveLength(HEADER.length);
    // Contacts follow their company (or a sibling contact) directly: no blank or other row in between.
    if (row[0] === '联系人') {
      expect(['企业', '联系人']).toContain(previous[0]);
      expect(previous[col('客户名称')]).toBe(row[col('客户名称')]);
    }
    previous = row;
    if (row.every((cell) => cell === '')) {
      result.blank++;
      continue;
    }
    result.read++;
    const cell = (header: string): string => row[col(header)] ?? '';
    if (row.some((c) => /[０-９]/.test(c))) result.fullWidth++;
    const reasons: string[] = [];
    const kind = cell('客户类型');
    if (kind === '个人') {
      const id = idReason(cell('身份证号'));
      if (id !== null) reasons.push(id);
    }
    if (kind === '个人' || kind === '联系人') {
      if (normalMobile(cell('手机')) === null) reasons.push('MOBILE_FORMAT');
      if (!emailOk(cell('邮箱'))) reasons.push('EMAIL_FORMAT');
    }
    const uscc = usccReason(cell('统一社会信用代码'));
    if (kind !== '个人' && uscc !== null) reasons.push(uscc);
    // One defect per row, so the reason an importer reports is unambiguous.
    expect(reasons.length).toBeLessThanOrEqual(1);
    if (reasons.length === 1) {
      const reason = reasons[0] as string;
      result.rejected++;
      result.byReason[reason] = (result.byReason[reason] ?? 0) + 1;
      continue;
    }
    if (kind === '企业') importedCompanies.add(cell('客户名称'));
    // A contact's company row must have been imported before it.
    if (kind === '联系人') expect(importedCompanies.has(cell('客户名称'))).toBe(true);
    if (kind !== '个人') continue;
    const key = codeOf(cell('身份证号')).toUpperCase();
    const name = cell('姓名').replace(/\s+/g, '');
    const canonical = [name, normalMobile(cell('手机')), key, ...row.slice(col('邮箱'))].join('|');
    const earlier = firstSeen.get(key);
    if (earlier === undefined) firstSeen.set(key, canonical);
    else {
      result.merged++;
      expect(canonical).toBe(earlier);
    }
  }
  return result;
}

function expectSidecarMatches(summary: SyntheticSummary, count: Recount): void {
  expect(summary.dataRows).toBe(count.dataRows);
  expect(summary.expected.read).toBe(count.read);
  expect(summary.expected.blank).toBe(count.blank);
  expect(summary.expected.merged).toBe(count.merged);
  expect(summary.expected.rejected).toBe(count.rejected);
  expect(summary.expected.byReason).toEqual(count.byReason);
  expect(summary.expected.imported).toBe(count.read - count.merged - count.rejected);
  expect(summary.expected.imported).toBe(summary.count - count.rejected);
  expect(summary.expected.flagged).toBe(0);
  expect(summary.dirt).toEqual({
    badIdCheck: count.byReason.ID_CHECKSUM ?? 0,
    impossibleBirthDate: count.byReason.ID_BIRTHDATE ?? 0,
    badMobile: count.byReason.MOBILE_FORMAT ?? 0,
    badEmail: count.byReason.EMAIL_FORMAT ?? 0,
    badUsccCheck: count.byReason.USCC_CHECKSUM ?? 0,
    fullWidthDigits: count.fullWidth,
    reformattedDuplicate: count.merged,
    blankRow: count.blank,
  });
}

describe('generateSyntheticFile (csv)', () => {
  it('writes byte-identical files for a seed and different ones for another seed', async () => {
    const opts = { count: 3000, dirtyRate: 0.1, format: 'csv' as const };
    await generateSyntheticFile({ ...opts, seed: 'same', outPath: out('a.csv') });
    await generateSyntheticFile({ ...opts, seed: 'same', outPath: out('b.csv') });
    await generateSyntheticFile({ ...opts, seed: 'other', outPath: out('c.csv') });
    const a = readFileSync(out('a.csv'));
    expect(a.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(readFileSync(out('b.csv')).equals(a)).toBe(true);
    expect(readFileSync(out('c.csv')).equals(a)).toBe(false);
    expect(readFileSync(out('a.csv.truth.json'), 'utf8')).toBe(readFileSync(out('b.csv.truth.json'), 'utf8'));
  });

  it('writes the clean customers of generateCustomers when the dirty rate is 0', async () => {
    const summary = await generateSyntheticFile({
      count: 1500,
      seed: 'clean',
      format: 'csv',
      outPath: out('clean.csv'),
    });
    const rows = parseCsv(readFileSync(out('clean.csv'), 'utf8'));
    const expected = [...generateCustomers({ count: 1500, seed: 'clean' })].map((c) =>
      toCells(c.kind, c.fields),
    );
    expect(rows.slice(1)).toEqual(expected);
    expect(summary.expected).toEqual({
      read: 1500,
      blank: 0,
      imported: 1500,
      merged: 0,
      rejected: 0,
      flagged: 0,
      byReason: {},
    });
    expect(Object.values(summary.dirt).every((n) => n === 0)).toBe(true);
  });

  it('reports in the sidecar exactly the dirt an independent re-check of the file finds', async () => {
    const progress: [number, number][] = [];
    const summary = await generateSyntheticFile({
      count: 8000,
      seed: 'dirty',
      dirtyRate: 0.2,
      format: 'csv',
      outPath: out('dirty.csv'),
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(JSON.parse(readFileSync(out('dirty.csv.truth.json'), 'utf8'))).toEqual(summary);
    expect(summary).toMatchObject({ seed: 'dirty', count: 8000, format: 'csv', encoding: 'utf8' });
    const count = recount(parseCsv(readFileSync(out('dirty.csv'), 'utf8')));
    expectSidecarMatches(summary, count);
    const events = Object.values(summary.dirt).reduce((a, b) => a + b, 0);
    expect(events).toBeGreaterThan(8000 * 0.2 * 0.85);
    expect(events).toBeLessThan(8000 * 0.2 * 1.15);
    for (const kind of Object.keys(summary.dirt))
      expect(summary.dirt[kind as keyof typeof summary.dirt]).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual([8000, 8000]);
  });

  it('quotes fields with commas and padding, and writes blank rows as bare separators', async () => {
    await generateSyntheticFile({
      count: 2000,
      seed: 'quoting',
      dirtyRate: 0.3,
      format: 'csv',
      outPath: out('q.csv'),
    });
    const text = readFileSync(out('q.csv'), 'utf8');
    expect(text).toMatch(/,"\d{4}-\d{2}-\d{2} [^"\r\n]*¥\d{1,3},\d{3}[^"\r\n]*",/);
    expect(text).toMatch(/,"\s+[\u4e00-\u9fff]+\s*",|,"[\u4e00-\u9fff]+\s+",/);
    expect(text).toContain('\r\n,,,,,,,,,,,,,,\r\n');
  });

  it('writes GBK that decodes to the UTF-8 content, with the same counts', async () => {
    const opts = { count: 4000, seed: 'gbk', dirtyRate: 0.15, format: 'csv' as const };
    const utf8 = await generateSyntheticFile({ ...opts, outPath: out('u.csv') });
    const gbk = await generateSyntheticFile({ ...opts, encoding: 'gbk', outPath: out('g.csv') });
    const raw = readFileSync(out('g.csv'));
    expect(raw.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const decoded = iconv.decode(raw, 'gbk');
    expect(decoded).not.toContain('\uFFFD');
    // GBK has no U+00A5, so the yuan sign is written full-width.
    const asUtf8 = readFileSync(out('u.csv'), 'utf8')
      .replace(/^\uFEFF/, '')
      .replaceAll('¥', '￥');
    expect(decoded).toBe(asUtf8);
    expect(gbk).toEqual({ ...utf8, encoding: 'gbk' });
    expectSidecarMatches(gbk, recount(parseCsv(decoded.replaceAll('￥', '¥'))));
  });

  it('fails cleanly when the output cannot be written', async () => {
    const missing = join(dir, 'no-such-dir', 'x');
    await expect(
      generateSyntheticFile({ count: 10, seed: 1, format: 'csv', outPath: missing }),
    ).rejects.toThrow(/ENOENT/);
    await expect(
      generateSyntheticFile({ count: 10, seed: 1, format: 'xlsx', outPath: missing }),
    ).rejects.toThrow(/ENOENT/);
  });

  it('rejects unusable options', async () => {
    const base = { count: 10, seed: 1, format: 'csv' as const, outPath: out('x.csv') };
    await expect(generateSyntheticFile({ ...base, dirtyRate: 1.5 })).rejects.toThrow(/dirty rate/);
    await expect(generateSyntheticFile({ ...base, count: -3 })).rejects.toThrow(/count/);
  });
});

describe('generateSyntheticFile (xlsx)', () => {
  it('writes byte-identical workbooks for a seed, whatever the time (inline and shared strings)', async () => {
    const opts = { count: 300, seed: 'same', dirtyRate: 0.1, format: 'xlsx' as const };
    // Only Date is faked: the writer's pauses still run on real timers.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (const sharedStrings of [false, true]) {
        const [a, b] = [`same-a-${sharedStrings}.xlsx`, `same-b-${sharedStrings}.xlsx`];
        vi.setSystemTime(new Date('2024-03-01T08:00:00Z'));
        await generateSyntheticFile({ ...opts, sharedStrings, outPath: out(a) });
        vi.setSystemTime(new Date('2026-11-30T17:45:38Z'));
        await generateSyntheticFile({ ...opts, sharedStrings, outPath: out(b) });
        expect(readFileSync(out(b)).equals(readFileSync(out(a)))).toBe(true);
      }
    } finally {
      vi.useRealTimers();
    }
    await generateSyntheticFile({ ...opts, seed: 'other', outPath: out('other.xlsx') });
    expect(readFileSync(out('other.xlsx')).equals(readFileSync(out('same-a-false.xlsx')))).toBe(false);
  });

  it('writes its texts once in a shared-string table when asked, as Excel saves, with the same rows', async () => {
    const opts = { count: 1500, seed: 'sst', dirtyRate: 0.1, format: 'xlsx' as const };
    await generateSyntheticFile({ ...opts, outPath: out('inline.xlsx') });
    await generateSyntheticFile({ ...opts, sharedStrings: true, outPath: out('shared.xlsx') });
    const sharedStringsOf = async (name: string) => {
      const handle = await openBytes(out(name));
      try {
        return (await readWorkbookManifest(handle, statSync(out(name)).size)).sharedStrings;
      } finally {
        await handle.close();
      }
    };
    expect(await sharedStringsOf('inline.xlsx')).toBeNull();
    expect(await sharedStringsOf('shared.xlsx')).not.toBeNull();
    const rowsOf = async (name: string) =>
      (await collectRows(await openTable(out(name)))).map((r) => r.cells);
    expect(await rowsOf('shared.xlsx')).toEqual(await rowsOf('inline.xlsx'));
    await expect(
      generateSyntheticFile({ ...opts, format: 'csv', sharedStrings: true, outPath: out('x.csv') }),
    ).rejects.toThrow(/workbook/);
  });

  it('writes a workbook exceljs reads back with the same rows as the CSV', async () => {
    const opts = { count: 2500, seed: 'xlsx', dirtyRate: 0.1 };
    const summary = await generateSyntheticFile({
      ...opts,
      format: 'xlsx',
      encoding: 'gbk',
      outPath: out('t.xlsx'),
    });
    await generateSyntheticFile({ ...opts, format: 'csv', outPath: out('t.csv') });
    expect(summary.encoding).toBe('utf8');
    const csvRows = parseCsv(readFileSync(out('t.csv'), 'utf8'));

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out('t.xlsx'));
    const sheet = workbook.worksheets[0];
    if (sheet === undefined) throw new Error('no worksheet');
    expect(sheet.rowCount).toBe(summary.dataRows + 1);
    expect(sheet.actualRowCount).toBe(summary.expected.read + 1);
    const rows: string[][] = [];
    for (let r = 1; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= HEADER.length; c++) {
        const value = row.getCell(c).value;
        cells.push(
          typeof value === 'number'
            ? value.toFixed(2)
            : value === null || value === undefined
              ? ''
              : String(value),
        );
      }
      rows.push(cells);
    }
    expect(rows).toEqual(csvRows);
    const firstIndividual = rows.findIndex((row) => row[0] === '个人');
    const idCell = sheet.getRow(firstIndividual + 1).getCell(col('身份证号') + 1);
    expect(typeof idCell.value).toBe('string');
    expect(idCell.numFmt).toBe('@');
    expect(typeof sheet.getRow(firstIndividual + 1).getCell(HEADER.length).value).toBe('number');
  });
});
