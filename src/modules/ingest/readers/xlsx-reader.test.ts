import { readFile, writeFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeHeaderRow } from '../header-mapping.js';
import { openTable } from './index.js';
import {
  appErrorOf,
  collectRows,
  scratchDir,
  writeOneSheetWorkbook,
  writeStoredZip,
} from './test-support.js';
import type { TableRow } from './types.js';

let dir: Awaited<ReturnType<typeof scratchDir>>;
let workbookPath: string;

beforeAll(async () => {
  dir = await scratchDir();
  workbookPath = dir.path('客户导入.xlsx');
  const wb = new ExcelJS.Workbook();

  const customers = wb.addWorksheet('客户');
  customers.addRow(['*姓名', '手机', '身份证号', '生日', '最近跟进', '备注', '官网', '合计', '已签约']);
  customers.addRow([
    '张三',
    13812345678,
    110101199001011000,
    new Date(Date.UTC(1990, 4, 6)),
    new Date(Date.UTC(2020, 1, 2, 13, 13, 13)),
    { richText: [{ text: '老客户，' }, { font: { bold: true }, text: '重要' }] },
    { text: '公司主页', hyperlink: 'https://example.com' },
    { formula: 'B2*0+0.1+0.2', result: 0.30000000000000004 },
    true,
  ]);
  customers.getCell('D2').numFmt = 'yyyy-mm-dd';
  customers.getCell('E2').numFmt = 'yyyy-mm-dd hh:mm:ss';
  // Row 3 stays blank, row 4 only has whitespace, row 5 has data again.
  customers.getCell('A4').value = '  ';
  customers.getRow(5).values = ['李四', '13987654321'];
  customers.getCell('C5').value = 13912345678;
  customers.getCell('C5').numFmt = 'yyyy-mm-dd'; // a mobile pasted into a date-formatted column
  customers.getCell('D5').value = { formula: 'DATE(2001,2,3)', result: 36925 };
  customers.getCell('D5').numFmt = 'yyyy"年"m"月"d"日"';
  customers.getCell('E5').value = 0.5;
  customers.getCell('E5').numFmt = 'hh:mm';
  // Formatted but empty rows far below the data must not produce trailing blank rows.
  customers.getRow(200).getCell(1).numFmt = '@';
  customers.getRow(200).commit();

  const contacts = wb.addWorksheet('联系人');
  contacts.getCell('B3').value = '联系人';
  contacts.getCell('C3').value = '电话';
  contacts.getCell('B4').value = '王五';
  contacts.getCell('C4').value = 1.5e-7;

  const lists = wb.addWorksheet('省市区');
  lists.state = 'hidden';
  lists.addRow(['浙江省', '杭州市', '滨江区']);

  await wb.xlsx.writeFile(workbookPath);
});

afterAll(() => dir.remove());

async function collectRowsOf(rows: AsyncIterable<TableRow>): Promise<TableRow[]> {
  const out: TableRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

function bySheet(rows: TableRow[], sheet: string): TableRow[] {
  return rows.filter((r) => r.sheet === sheet);
}

describe('xlsx reader', () => {
  it('lists the visible sheets and reads all of them by default', async () => {
    const source = await openTable(workbookPath);
    expect(source.format).toBe('xlsx');
    expect(source.encoding).toBeUndefined();
    expect(source.sheets).toEqual(['客户', '联系人']);
    // The hidden sheet is named, so the report can say it was not read.
    expect(source.hiddenSheets).toEqual(['省市区']);
    const rows = await collectRows(source);
    expect(new Set(rows.map((r) => r.sheet))).toEqual(new Set(['客户', '联系人']));
  });

  it('renders every kind of cell as the text Excel shows', async () => {
    const rows = bySheet(await collectRows(await openTable(workbookPath)), '客户');
    expect(rows.map((r) => [r.rowNumber, r.isHeader])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
    ]);
    expect(rows[0]?.cells).toEqual([
      '*姓名',
      '手机',
      '身份证号',
      '生日',
      '最近跟进',
      '备注',
      '官网',
      '合计',
      '已签约',
    ]);
    expect(rows[1]?.cells).toEqual([
      '张三',
      '13812345678',
      '110101199001011000',
      '1990-05-06',
      '2020-02-02 13:13:13',
      '老客户，重要',
      '公司主页',
      '0.3',
      'TRUE',
    ]);
    expect(rows[2]?.cells).toEqual([]);
    expect(rows[3]?.cells).toEqual([]);
    expect(rows[4]?.cells).toEqual(['李四', '13987654321', '13912345678', '2001-02-03', '12:00:00']);
  });

  it('numbers rows physically and takes the first non-blank row as header', async () => {
    const rows = bySheet(await collectRows(await openTable(workbookPath)), '联系人');
    expect(rows).toEqual([
      { sheet: '联系人', rowNumber: 1, cells: [], isHeader: false },
      { sheet: '联系人', rowNumber: 2, cells: [], isHeader: false },
      { sheet: '联系人', rowNumber: 3, cells: ['', '联系人', '电话'], isHeader: true },
      { sheet: '联系人', rowNumber: 4, cells: ['', '王五', '0.00000015'], isHeader: false },
    ]);
  });

  it('gives each row under a vertical merge the merged value, as Excel shows it; horizontal merges stay', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.addRow(['三季度客户名单']);
    ws.mergeCells('A1:C1');
    ws.addRow(['客户名称', '姓名', '手机']);
    ws.addRow(['星辰科技有限公司', '甲', '13900000001']);
    ws.addRow(['', '乙', '13900000002']);
    ws.addRow(['', '丙', '13900000003']);
    ws.mergeCells('A3:A5');
    ws.addRow(['月光贸易有限公司', '丁', '13900000004']);
    // A block merge: its first column is filled down, the columns to its right are not.
    ws.addRow(['海风物流有限公司', '', '13900000005']);
    ws.addRow(['', '', '13900000006']);
    ws.mergeCells('A7:B8');
    const path = dir.path('merged.xlsx');
    await wb.xlsx.writeFile(path);
    const rows = await collectRows(await openTable(path, { isHeader: (cells) => looksLikeHeaderRow(cells) }));
    expect(rows.map((r) => r.cells)).toEqual([
      ['三季度客户名单'],
      ['客户名称', '姓名', '手机'],
      ['星辰科技有限公司', '甲', '13900000001'],
      ['星辰科技有限公司', '乙', '13900000002'],
      ['星辰科技有限公司', '丙', '13900000003'],
      ['月光贸易有限公司', '丁', '13900000004'],
      ['海风物流有限公司', '', '13900000005'],
      ['海风物流有限公司', '', '13900000006'],
    ]);
  });

  it('names every column a header cell is merged across; merges across columns in other rows stay', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.addRow(['2024年客户名单']);
    ws.mergeCells('A1:D1');
    ws.addRow(['姓名', '手机', '', '地址']);
    ws.mergeCells('B2:C2');
    ws.addRow(['甲', '13900000001', '13900000011', '杭州市']);
    ws.addRow(['乙', '13900000002', '', '']);
    ws.mergeCells('B4:D4');
    const path = dir.path('merged-header.xlsx');
    await wb.xlsx.writeFile(path);
    const isHeader = (cells: readonly string[]) => looksLikeHeaderRow(cells);
    const rows = await collectRows(await openTable(path, { isHeader }));
    expect(rows.map((r) => [r.isHeader, r.cells])).toEqual([
      [false, ['2024年客户名单']],
      [true, ['姓名', '手机', '手机', '地址']],
      [false, ['甲', '13900000001', '13900000011', '杭州市']],
      [false, ['乙', '13900000002']],
    ]);
    // A sample reads no merges: the header keeps its blank.
    const sample: TableRow[] = [];
    for await (const row of (await openTable(path, { isHeader })).rows({ sampling: true })) sample.push(row);
    expect(sample[1]?.cells).toEqual(['姓名', '手机', '', '地址']);
  });

  it('reads every merge of a sheet with thousands of them (the list spans many inflated chunks)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.addRow(['客户名称', '姓名']);
    for (let i = 0; i < 3000; i++) {
      ws.addRow([`公司${i}`, `甲${i}`]);
      ws.addRow(['', `乙${i}`]);
      ws.mergeCells(`A${2 + 2 * i}:A${3 + 2 * i}`);
    }
    const path = dir.path('many-merges.xlsx');
    await wb.xlsx.writeFile(path);
    const rows = (await collectRows(await openTable(path))).slice(1);
    expect(rows).toHaveLength(6000);
    expect(rows.every((r, k) => r.cells[0] === `公司${Math.floor(k / 2)}`)).toBe(true);
  });

  it('reads only the requested sheet, hidden ones included, and refuses unknown names', async () => {
    const hidden = await openTable(workbookPath, { sheet: '省市区' });
    expect(hidden.sheets).toEqual(['省市区']);
    expect(hidden.hiddenSheets).toBeUndefined();
    expect(await collectRows(hidden)).toEqual([
      { sheet: '省市区', rowNumber: 1, cells: ['浙江省', '杭州市', '滨江区'], isHeader: true },
    ]);
    const err = await appErrorOf(openTable(workbookPath, { sheet: '订单' }));
    expect(err.code).toBe('IMPORT_SHEET_NOT_FOUND');
    // The sheets there are, hidden ones too (they can be named), so the user can pick one.
    expect(err.params).toEqual({
      file: '客户导入.xlsx',
      sheet: '订单',
      sheets: '“客户”, “联系人”, “省市区”',
    });
  });

  it('can be read twice and stopped early', async () => {
    const source = await openTable(workbookPath, { sheet: '客户' });
    for await (const row of source.rows()) {
      expect(row.isHeader).toBe(true);
      break;
    }
    expect((await collectRows(source)).length).toBe(5);
  });

  it('rejects a damaged workbook before reading rows', async () => {
    const path = dir.path('damaged.xlsx');
    await writeFile(path, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]));
    const err = await appErrorOf(openTable(path));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.params).toEqual({ file: 'damaged.xlsx', format: 'xlsx' });
  });

  it('rejects a workbook cut short, as by an interrupted download', async () => {
    const { readFile } = await import('node:fs/promises');
    const whole = await readFile(workbookPath);
    const path = dir.path('truncated.xlsx');
    await writeFile(path, whole.subarray(0, Math.floor(whole.length * 0.8)));
    expect((await appErrorOf(openTable(path))).code).toBe('IMPORT_FILE_CORRUPT');
  });

  it('refuses a ZIP that is not a workbook', async () => {
    const path = dir.path('not-a-workbook.xlsx');
    // The smallest valid ZIP: an empty end-of-central-directory record.
    await writeFile(path, Buffer.from([0x50, 0x4b, 0x05, 0x06, ...Array(18).fill(0)]));
    expect((await appErrorOf(openTable(path))).code).toBe('IMPORT_FILE_CORRUPT');
  });

  it('reads a workbook saved under a .csv name as a workbook', async () => {
    const { copyFile } = await import('node:fs/promises');
    const path = dir.path('renamed.csv');
    await copyFile(workbookPath, path);
    const source = await openTable(path, { sheet: '客户' });
    expect(source.format).toBe('xlsx');
    expect((await collectRows(source))[0]?.cells[0]).toBe('*姓名');
  });

  it('fails with IMPORT_EMPTY_FILE when no sheet has any content', async () => {
    const path = dir.path('empty-book.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('空');
    await wb.xlsx.writeFile(path);
    const source = await openTable(path);
    expect((await appErrorOf(collectRows(source))).code).toBe('IMPORT_EMPTY_FILE');
  });
});

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

describe('workbooks from other producers', () => {
  it('follows relationships to oddly named parts and knows East Asian built-in date formats', async () => {
    const path = dir.path('wps-like.xlsx');
    await writeStoredZip(path, {
      '[Content_Types].xml': '<Types/>',
      'xl/workbook.xml': `<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL_NS}"><x:sheets><x:sheet name="帮助" sheetId="2" state="hidden" r:id="rId8"/><x:sheet name="数据 &amp; 名单" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="${REL_NS}/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="${REL_NS}/worksheet" Target="worksheets/help.xml"/><Relationship Id="rId9" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`,
      'xl/styles.xml': `<styleSheet ${NS}><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="31" applyNumberFormat="1"/><xf numFmtId="58" applyNumberFormat="1"/></cellXfs></styleSheet>`,
      'xl/worksheets/help.xml': `<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>说明</t></is></c></row></sheetData></worksheet>`,
      'xl/worksheets/data.xml': `<worksheet ${NS}><sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>姓名</t></is></c><c r="B2" t="inlineStr"><is><t>生日</t></is></c><c r="C2" t="inlineStr"><is><t>身份证</t></is></c><c r="D2" t="inlineStr"><is><t>入职</t></is></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>张三 &lt;VIP&gt;</t></is></c><c r="B3" s="1"><v>32874</v></c><c r="C3"><v>1.10101199001011E+17</v></c><c r="D3" s="2"><v>45000.5</v></c></row></sheetData></worksheet>`,
    });
    const source = await openTable(path);
    expect(source.sheets).toEqual(['数据 & 名单']);
    expect(await collectRows(source)).toEqual([
      { sheet: '数据 & 名单', rowNumber: 1, cells: [], isHeader: false },
      { sheet: '数据 & 名单', rowNumber: 2, cells: ['姓名', '生日', '身份证', '入职'], isHeader: true },
      {
        sheet: '数据 & 名单',
        rowNumber: 3,
        cells: ['张三 <VIP>', '1990-01-01', '1.10101199001011E+17', '2023-03-15 12:00:00'],
        isHeader: false,
      },
    ]);
    const help = await collectRows(await openTable(path, { sheet: '帮助' }));
    expect(help.map((r) => r.cells)).toEqual([['说明']]);
  });

  it('refuses a cell naming a shared string the workbook lacks, with sheet, row and column, not a blank cell', async () => {
    const cell = (ref: string, index: number) => `<c r="${ref}" t="s"><v>${index}</v></c>`;
    const sheetData = `<row r="1">${cell('A1', 0)}${cell('B1', 1)}</row><row r="2">${cell('A2', 2)}${cell('B2', 7)}</row>`;
    const sharedStrings = `<sst ${NS}><si><t>姓名</t></si><si><t>手机</t></si><si><t>张三</t></si></sst>`;
    const path = await writeOneSheetWorkbook(dir.path('missing-string.xlsx'), { sheetData, sharedStrings });
    const err = await appErrorOf(collectRows(await openTable(path)));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.details).toMatchObject({ sheet: '客户', row: 2, column: 'B' });
    // No table at all: every shared-string cell is missing.
    const none = await writeOneSheetWorkbook(dir.path('no-table.xlsx'), { sheetData });
    expect((await appErrorOf(collectRows(await openTable(none)))).details).toMatchObject({
      row: 1,
      column: 'A',
    });
  });

  it('refuses a workbook whose sheet part is missing, naming the sheet', async () => {
    const path = dir.path('missing-part.xlsx');
    await writeStoredZip(path, {
      'xl/workbook.xml': `<workbook ${NS} xmlns:r="${REL_NS}"><sheets><sheet name="A" sheetId="1" r:id="rId1"/><sheet name="名单 2" sheetId="2" r:id="rId2"/></sheets></workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL_NS}/worksheet" Target="worksheets/sheet2.xml"/></Relationships>`,
      'xl/worksheets/sheet1.xml': `<worksheet ${NS}><sheetData/></worksheet>`,
    });
    const err = await appErrorOf(openTable(path));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.params).toMatchObject({ file: 'missing-part.xlsx', format: 'xlsx', sheet: '名单 2' });
    expect(err.details).toMatchObject({ sheet: '名单 2' });
    expect(err.messageIn('zh')).toBe('文件 missing-part.xlsx 的工作表“名单 2” 已损坏或不是有效的 xlsx 文件');
    expect(err.messageIn('en')).toBe(
      'File missing-part.xlsx, sheet "名单 2", is damaged or not a valid xlsx file',
    );
  });

  it('names the sheet --sheet chose when it is empty, and names none when every sheet is', async () => {
    const path = dir.path('one-empty-sheet.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('客户').addRow(['姓名', '手机']);
    wb.addWorksheet('空白');
    await wb.xlsx.writeFile(path);
    const err = await appErrorOf(collectRows(await openTable(path, { sheet: '空白' })));
    expect(err.code).toBe('IMPORT_EMPTY_FILE');
    expect(err.messageIn('zh')).toBe('文件 one-empty-sheet.xlsx 的工作表“空白” 没有表头或数据');
    expect(err.messageIn('en')).toBe('File one-empty-sheet.xlsx, sheet "空白", has no header or data');
    // The other sheet has a header, so reading every sheet is no error.
    expect((await collectRows(await openTable(path))).length).toBe(1);

    const both = dir.path('two-empty-sheets.xlsx');
    const empty = new ExcelJS.Workbook();
    empty.addWorksheet('一');
    empty.addWorksheet('二');
    await empty.xlsx.writeFile(both);
    const whole = await appErrorOf(collectRows(await openTable(both)));
    expect(whole.messageIn('en')).toBe('File two-empty-sheets.xlsx has no header or data');
  });

  it('reads long numbers as the file holds them: whole digits exactly, a lossy exponent as stored', async () => {
    const sheetData =
      '<row r="1"><c r="A1" t="inlineStr"><is><t>身份证号</t></is></c><c r="B1" t="inlineStr"><is><t>银行卡号</t></is></c><c r="C1" t="inlineStr"><is><t>手机</t></is></c></row>' +
      '<row r="2"><c r="A2"><v>110101199003074258</v></c><c r="B2"><v>6.22202123456789E+18</v></c><c r="C2"><v>13800138000</v></c></row>';
    const path = await writeOneSheetWorkbook(dir.path('long-numbers.xlsx'), { sheetData, deflate: true });
    const rows = await collectRows(await openTable(path));
    expect(rows[1]?.cells).toEqual(['110101199003074258', '6.22202123456789E+18', '13800138000']);
  });

  it("decodes Excel's _xHHHH_ escapes in shared strings", async () => {
    const sharedStrings = `<sst ${NS}><si><t>地址</t></si><si><t xml:space="preserve">地址A_x000D_\n地址B</t></si></sst>`;
    const sheetData =
      '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>';
    const path = await writeOneSheetWorkbook(dir.path('escapes.xlsx'), { sheetData, sharedStrings });
    expect((await collectRows(await openTable(path)))[1]?.cells).toEqual(['地址A\r\n地址B']);
  });
});

describe('damaged parts', () => {
  const people = (n: number): string =>
    `<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>手机</t></is></c></row>${Array.from(
      { length: n },
      (_, i) =>
        `<row r="${i + 2}"><c r="A${i + 2}" t="inlineStr"><is><t>客户${i}</t></is></c><c r="B${i + 2}"><v>${13800000000 + i}</v></c></row>`,
    ).join('')}`;

  /** Where a member's bytes lie in a ZIP written by writeZip (no extra fields, local headers first). */
  function memberData(zip: Buffer, name: string): { start: number; length: number } {
    const nameAt = zip.indexOf(Buffer.from(name, 'utf8'));
    return { start: nameAt + Buffer.byteLength(name), length: zip.readUInt32LE(nameAt - 30 + 18) };
  }

  it('refuses a stored sheet whose bytes changed, naming the sheet and its part', async () => {
    const path = await writeOneSheetWorkbook(dir.path('stored-changed.xlsx'), { sheetData: people(50) });
    const zip = await readFile(path);
    const at = zip.indexOf('13800000025');
    zip.write('13800000026', at);
    await writeFile(path, zip);
    const err = await appErrorOf(collectRows(await openTable(path)));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.params).toMatchObject({ sheet: '客户' });
    expect(err.details).toMatchObject({ sheet: '客户', part: 'xl/worksheets/sheet1.xml' });
    expect(String(err.details?.reason)).toMatch(/CRC-32/);
  });

  it('refuses a deflated sheet with a flipped bit that still inflates to well-formed rows', async () => {
    const path = await writeOneSheetWorkbook(dir.path('deflated-flip.xlsx'), {
      sheetData: people(300),
      deflate: true,
    });
    const zip = await readFile(path);
    const { start, length } = memberData(zip, 'xl/worksheets/sheet1.xml');
    const original = inflateRawSync(zip.subarray(start, start + length));
    // The bit is searched for, as Excel's reader would meet it: one whose damage only the CRC-32 shows.
    let flipped = -1;
    for (let bit = (length / 2) * 8; bit < length * 8 && flipped < 0; bit++) {
      const data = Buffer.from(zip.subarray(start, start + length));
      data[bit >> 3] = (data[bit >> 3] as number) ^ (1 << (bit & 7));
      try {
        const text = inflateRawSync(data);
        const xml = new TextDecoder('utf-8', { fatal: true }).decode(text);
        if (text.length === original.length && !text.equals(original) && xml.endsWith('</worksheet>'))
          flipped = bit;
      } catch {
        // Not inflatable, or not UTF-8: damage the reader saw already.
      }
    }
    expect(flipped).toBeGreaterThan(0);
    zip[start + (flipped >> 3)] = (zip[start + (flipped >> 3)] as number) ^ (1 << (flipped & 7));
    await writeFile(path, zip);
    const err = await appErrorOf(collectRows(await openTable(path)));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.details).toMatchObject({ sheet: '客户', part: 'xl/worksheets/sheet1.xml' });
    // A sample reads the part through too.
    const sampled = (await openTable(path)).rows({ sampling: true });
    expect((await appErrorOf(collectRowsOf(sampled))).code).toBe('IMPORT_FILE_CORRUPT');
  });

  it('refuses a shared-string table whose bytes changed', async () => {
    const sharedStrings = `<sst ${NS}><si><t>姓名</t></si><si><t>张三</t></si></sst>`;
    const sheetData =
      '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>';
    const path = await writeOneSheetWorkbook(dir.path('sst-changed.xlsx'), { sheetData, sharedStrings });
    const zip = await readFile(path);
    zip.write('李四', zip.indexOf('张三'));
    await writeFile(path, zip);
    const err = await appErrorOf(collectRows(await openTable(path)));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.details).toMatchObject({ part: 'xl/sharedStrings.xml' });
  });

  it('refuses a worksheet whose XML was cut short, though its CRC-32 is right', async () => {
    const whole = `<worksheet ${NS}><sheetData>${people(100)}</sheetData></worksheet>`;
    const path = dir.path('cut-sheet.xlsx');
    await writeStoredZip(path, {
      'xl/workbook.xml': `<workbook ${NS} xmlns:r="${REL_NS}"><sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      'xl/worksheets/sheet1.xml': whole.slice(0, whole.indexOf('<row r="51">')),
    });
    const err = await appErrorOf(collectRows(await openTable(path)));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.params).toMatchObject({ sheet: '客户' });
    expect(String(err.details?.reason)).toMatch(/cut short/);
  });
});

describe('large workbooks', () => {
  it('keeps Chinese text intact across the streaming reader’s chunk boundaries', async () => {
    const path = dir.path('large-chinese.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('客户');
    ws.addRow(['姓名', '地址']);
    const name = (i: number): string => `客户${String.fromCharCode(0x4e00 + (i % 20000))}${i}`;
    const address = (i: number): string => `浙江省杭州市滨江区网商路${i}号`;
    for (let i = 0; i < 20000; i++) ws.addRow([name(i), address(i)]);
    await wb.xlsx.writeFile(path);

    let index = -1;
    let mismatches = 0;
    for await (const row of (await openTable(path)).rows()) {
      if (row.isHeader) continue;
      index++;
      if (row.cells[0] !== name(index) || row.cells[1] !== address(index)) mismatches++;
    }
    expect(index + 1).toBe(20000);
    expect(mismatches).toBe(0);
  });
});
