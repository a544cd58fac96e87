import { fstatSync, readdirSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBytes } from './file-access.js';
import { openTable } from './index.js';
import { collectRows, SPREADSHEET_NS, scratchDir, writeOneSheetWorkbook } from './test-support.js';
import { readWorkbookManifest } from './workbook-manifest.js';
import { readSharedStrings, SharedStringTable, sharedItemText } from './xlsx-shared-strings.js';

let dir: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  dir = await scratchDir();
});
afterAll(() => dir.remove());

/** Customer-like strings, all distinct: what a real list's shared-string table is made of. */
function customerStrings(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    i % 3 === 0
      ? `客户${i}号·王`
      : i % 3 === 1
        ? String(13800000000 + i)
        : `浙江省杭州市网商路${i}号 "A&B" <x>`,
  );
}

describe('sharedItemText', () => {
  it('joins rich-text runs, keeps preserved spaces and decodes references', () => {
    expect(sharedItemText('<t>张三</t>')).toBe('张三');
    expect(
      sharedItemText('<r><rPr><b/></rPr><t xml:space="preserve">老客户 </t></r><r><t>A&amp;B</t></r>'),
    ).toBe('老客户 A&B');
    expect(sharedItemText('<x:t>&#x4E2D;&lt;&gt;</x:t>')).toBe('中<>');
    expect(sharedItemText('<t/>')).toBe('');
  });

  it('leaves out phonetic guides and reads line ends as XML does', () => {
    expect(
      sharedItemText('<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/>'),
    ).toBe('東京');
    expect(sharedItemText('<t>第一行\r\n第二行\r第三行</t>')).toBe('第一行\n第二行\n第三行');
  });

  it("decodes Excel's _xHHHH_ escapes after the references, keeping an escaped CR before a line feed", () => {
    expect(sharedItemText('<t xml:space="preserve">地址A_x000D_\n地址B</t>')).toBe('地址A\r\n地址B');
    expect(sharedItemText('<t>第一行_x000D__x000A_第二行</t>')).toBe('第一行\r\n第二行');
    expect(sharedItemText('<t>_x005F_x000D_ &amp;_x0041_</t>')).toBe('_x000D_ &A');
  });
});

describe('SharedStringTable', () => {
  it('keeps a bounded part in memory and seals the rest in an unlinked scratch file', () => {
    const root = dir.path('');
    const before = readdirSync(root);
    const strings = customerStrings(20_000);
    const table = new SharedStringTable(64 * 1024, root);
    for (const s of strings) table.add(s);
    table.finish();

    expect(table.count).toBe(strings.length);
    // At most the limit: pages that would go over it are spilled.
    expect(table.residentBytes).toBeLessThanOrEqual(64 * 1024);
    expect(table.residentBytes).toBeGreaterThan(0);
    // Read in file order, then backwards across pages: the same strings.
    expect(strings.map((_, i) => table.get(i))).toEqual(strings);
    for (let i = strings.length - 1; i >= 0; i -= 997) expect(table.get(i)).toBe(strings[i]);
    expect(table.get(-1)).toBeUndefined();
    expect(table.get(strings.length)).toBeUndefined();
    expect(table.get(1.5)).toBeUndefined();

    // The spilled pages: on disk only as ciphertext, and the file has no name left to find it by.
    const fd = table.scratchDescriptor;
    expect(fd).not.toBeNull();
    const size = fstatSync(fd as number).size;
    expect(size).toBeGreaterThan(200_000);
    const disk = Buffer.alloc(size);
    readSync(fd as number, disk, 0, size, 0);
    for (const s of [strings[19_998], strings[19_999], '浙江省杭州市网商路', '1380001'])
      expect(disk.includes(Buffer.from(s as string, 'utf8'))).toBe(false);
    expect(readdirSync(root)).toEqual(before);

    table.close();
    expect(() => fstatSync(fd as number)).toThrow();
  });

  it('keeps a small table in memory only', () => {
    const table = new SharedStringTable();
    for (const s of ['个人', '企业', '']) table.add(s);
    table.finish();
    expect([0, 1, 2, 3].map((i) => table.get(i))).toEqual(['个人', '企业', '', undefined]);
    expect(table.scratchDescriptor).toBeNull();
    table.close();
  });
});

describe('readSharedStrings', () => {
  const sheetRows = (n: number): string =>
    Array.from(
      { length: n },
      (_, i) =>
        `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>${i}</v></c><c r="B${i + 1}" t="s"><v>0</v></c></row>`,
    ).join('');

  const workbook = (name: string, sst: string, rows: number): Promise<string> =>
    writeOneSheetWorkbook(dir.path(name), { sharedStrings: sst, sheetData: sheetRows(rows) });

  it('reads a large table in chunks, spilling past the resident limit, as the cells refer to it', async () => {
    const strings = customerStrings(30_000);
    const xmlText = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    const items = strings.map((s, i) =>
      i % 7 === 0
        ? `<si><r><t>${xmlText(s.slice(0, 2))}</t></r><r><t>${xmlText(s.slice(2))}</t></r></si>`
        : `<si><t>${xmlText(s)}</t></si>`,
    );
    const path = await workbook(
      'large-sst.xlsx',
      `<sst ${SPREADSHEET_NS} count="30000">${items.join('')}</sst>`,
      30_000,
    );
    const handle = await openBytes(path);
    const manifest = await readWorkbookManifest(handle, (await stat(path)).size);
    await handle.close();

    const table = await readSharedStrings(path, manifest.sharedStrings, { residentLimit: 32 * 1024 });
    expect(table.count).toBe(30_000);
    expect(table.scratchDescriptor).not.toBeNull();
    expect(strings.map((_, i) => table.get(i))).toEqual(strings);
    table.close();

    const rows = await collectRows(await openTable(path));
    expect(rows).toHaveLength(30_000);
    expect(rows[29_999]?.cells).toEqual([strings[29_999], strings[0]]);
    expect(rows.every((r, i) => r.cells[0] === strings[i])).toBe(true);
  });

  it('refuses a table cut short, and reads an empty one', async () => {
    const read = async (name: string, sst: string): Promise<number> => {
      const path = await workbook(name, sst, 1);
      const handle = await openBytes(path);
      const manifest = await readWorkbookManifest(handle, (await stat(path)).size);
      await handle.close();
      const table = await readSharedStrings(path, manifest.sharedStrings);
      const count = table.count;
      table.close();
      return count;
    };
    await expect(
      read('cut-sst.xlsx', `<sst ${SPREADSHEET_NS}><si><t>姓名</t></si><si><t>张`),
    ).rejects.toThrow(/cut short/);
    await expect(read('cut-sst2.xlsx', `<sst ${SPREADSHEET_NS}><si><t>姓名</t></si>`)).rejects.toThrow(
      /cut short/,
    );
    expect(await read('empty-sst.xlsx', `<sst ${SPREADSHEET_NS} count="0"/>`)).toBe(0);
    expect(await read('whole-sst.xlsx', `<sst ${SPREADSHEET_NS}><si><t>姓名</t></si></sst>`)).toBe(1);
  });

  it('reads prefixed elements and empty items', async () => {
    const sst = `<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:si><x:t>姓名</x:t></x:si><x:si/><x:si><x:t>李四</x:t></x:si></x:sst>`;
    const path = await workbook('prefixed-sst.xlsx', sst, 3);
    const rows = await collectRows(await openTable(path));
    expect(rows.map((r) => r.cells)).toEqual([
      ['姓名', '姓名'],
      ['', '姓名'],
      ['李四', '姓名'],
    ]);
  });
});
