import { readFileSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppFixture, freshApp } from '../../../test/support/app-fixture.js';
import { engines } from '../../../test/support/engines.js';
import type { RowReason } from './ingest-types.js';
import { openTable } from './readers/index.js';
import { collectRows, scratchFixtures } from './readers/test-support.js';
import { RejectsFile } from './rejects-file.js';

const { path } = scratchFixtures();
const MOBILE: RowReason[] = [{ code: 'MOBILE_FORMAT', column: 'B', header: '手机', field: 'mobile' }];
const HEADER = ['工作表', '行号', '姓名', '手机', '邮箱', '备注', '备注', '错误原因'];

function csvRows(file: string): string[][] {
  const text = readFileSync(file, 'utf8');
  expect(text.startsWith('\ufeff')).toBe(true);
  return Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data;
}

describe('rejects file', () => {
  it('CSV: one header, the union of the sheets’ columns, each row under its own headers', async () => {
    const out = path('multi.csv');
    const file = new RejectsFile(out);
    await file.add('客户', ['姓名', '手机', '邮箱'], 2, ['张三', '1380000111', 'zs@example.cn'], MOBILE);
    await file.add('客户', ['姓名', '手机', '邮箱'], 4, ['李四', '1380000', '', '多出'], MOBILE);
    // Another order, a new column, a header twice (two 备注 are two columns).
    await file.add(
      '会员',
      ['手机', '姓名', '备注', '备注'],
      3,
      ['1390000222', '王五', 'VIP', '老客户'],
      MOBILE,
    );
    await file.add('客户', ['姓名', '手机', '邮箱'], 9, ['赵六', '139', 'z6@example.cn'], MOBILE);
    const written = await file.close();
    expect(written.rows).toBe(4);
    const rows = csvRows(out);
    expect(rows[0]).toEqual(HEADER);
    expect(rows.slice(1).filter((r) => r[0] === '工作表')).toEqual([]);
    const reason = rows[1]?.[7] ?? '';
    expect(reason).toContain('MOBILE_FORMAT');
    expect(rows.slice(1)).toEqual([
      ['客户', '2', '张三', '1380000111', 'zs@example.cn', '', '', reason],
      // A cell beyond the sheet's headers stays after 错误原因.
      ['客户', '4', '李四', '1380000', '', '', '', reason, '多出'],
      ['会员', '3', '王五', '1390000222', '', 'VIP', '老客户', reason],
      ['客户', '9', '赵六', '139', 'z6@example.cn', '', '', reason],
    ]);
  });

  it('with no rejected row: CSV has its BOM and header, xlsx its header row', async () => {
    const csv = path('empty.csv');
    await new RejectsFile(csv).close();
    expect(readFileSync(csv, 'utf8')).toBe('\ufeff工作表,行号,错误原因\r\n');

    const xlsx = path('empty.xlsx');
    await new RejectsFile(xlsx).close();
    const rows = (await collectRows(await openTable(xlsx))).map((r) => r.cells);
    expect(rows).toEqual([['行号', '错误原因']]);
  });

  it('xlsx keeps a sheet per source sheet, each under its own header', async () => {
    const out = path('multi.xlsx');
    const file = new RejectsFile(out);
    await file.add('客户', ['姓名', '手机'], 2, ['张三', '1380000111'], MOBILE);
    await file.add('会员', ['手机', '姓名', '备注'], 3, ['1390000222', '王五', 'VIP'], MOBILE);
    await file.close();
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const values = (name: string) =>
      (book.getWorksheet(name)?.getSheetValues() ?? []).map((r) => (Array.isArray(r) ? r.slice(1, 4) : r));
    expect(book.worksheets.map((s) => s.name)).toEqual(['客户', '会员']);
    expect(values('客户')[1]).toEqual(['行号', '姓名', '手机']);
    expect(values('会员')[1]).toEqual(['行号', '手机', '姓名']);
    expect(values('会员')[2]).toEqual([3, '1390000222', '王五']);
  });
});

describe('rejects file of a workbook of several sheets, fixed and imported again', () => {
  let f: AppFixture;
  beforeAll(async () => {
    const [sqlite] = engines();
    if (!sqlite) throw new Error('no engine');
    f = await freshApp(sqlite);
  });
  afterAll(async () => f?.cleanup());

  it('imports every fixed row, none read as a header or under another sheet’s columns', async () => {
    const book = new ExcelJS.Workbook();
    const customers = book.addWorksheet('客户');
    customers.addRows([
      ['姓名', '手机', '邮箱'],
      ['上官云', '1380000111', 'sg@example.cn'],
      ['令狐冲', '13800001112', 'lh@example.cn'],
    ]);
    const members = book.addWorksheet('会员');
    members.addRows([
      ['手机', '姓名', '备注'],
      ['1390000222', '任盈盈', 'VIP'],
      ['13900002223', '岳灵珊', ''],
    ]);
    const source = path('名单.xlsx');
    await book.xlsx.writeFile(source);
    const rejects = path('错误行.csv');
    const first = await f.app.ingest.run(f.actor, source, { purposes: ['sales'], rejectsFile: rejects });
    expect(first.counts).toMatchObject({ read: 4, imported: 2, rejected: 2 });

    // The user fixes the two mobiles and imports the rejects file again.
    const fixed = readFileSync(rejects, 'utf8')
      .replace('1380000111,', '13800001110,')
      .replace('1390000222,', '13900002220,');
    writeFileSync(rejects, fixed);
    const again = await f.app.ingest.run(f.actor, rejects, { purposes: ['sales'], dryRun: true });
    expect(again.counts).toMatchObject({ read: 2, imported: 2, rejected: 0 });
  });
});
