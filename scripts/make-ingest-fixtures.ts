/**
 * Regenerates the ingest golden files in test/fixtures/ingest/: one small customer list per encoding and
 * format (and the HTML table and Excel 2003 XML that systems save as .xls), each with `<file>.expected.json` (the rows openTable must yield) and `expected-totals.json`
 * (the import report's totals per file). Deterministic: the rows are fixed below and the numbers are
 * fictitious (valid checksums, synthetic names). exceljs stamps zip entry times into the .xlsx, so tests
 * compare parsed rows, never bytes.
 *
 *   npx tsx scripts/make-ingest-fixtures.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { idNumberCheckChar, orgCodeCheckChar, usccCheckChar } from '../src/kernel/identifiers/index.js';
import { openTable } from '../src/modules/ingest/readers/index.js';

const OUT = join(import.meta.dirname, '..', 'test', 'fixtures', 'ingest');

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
];
const GIVEN = [
  '晓明',
  '丽华',
  '建国',
  '秀英',
  '志强',
  '海燕',
  '文博',
  '雅琴',
  '子轩',
  '若曦',
  '浩然',
  '梦瑶',
];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱'];
const REGIONS = ['110105', '310104', '330106', '440305', '510107', '420106', '320102'];
const CITIES = [
  '北京市朝阳区',
  '上海市徐汇区',
  '浙江省杭州市西湖区',
  '广东省深圳市南山区',
  '四川省成都市武侯区',
];
const INDUSTRIES = ['制造业', '批发和零售业', '信息传输、软件和信息技术服务业'];

type Row = string[] | null;

function idNumber(file: number, i: number): string {
  const region = REGIONS[(file + i) % REGIONS.length] as string;
  const year = 1950 + ((file * 7 + i * 3) % 60);
  const month = String(1 + ((file + i) % 12)).padStart(2, '0');
  const day = String(1 + ((file * 5 + i) % 28)).padStart(2, '0');
  const first17 = `${region}${year}${month}${day}9${String(file).padStart(1, '0')}${i % 10}`;
  return first17 + idNumberCheckChar(first17);
}

function uscc(file: number, i: number): string {
  const org8 = `MA${String(file).padStart(2, '0')}${String(i).padStart(2, '0')}7Q`;
  const first17 = `91330100${org8}${orgCodeCheckChar(org8)}`;
  return first17 + usccCheckChar(first17);
}

/** The list of one fixture: 15 individuals (one bad), a blank row, 3 companies, 1 more individual. */
function individuals(file: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < 16; i++) {
    const name = (SURNAMES[(file * 3 + i) % SURNAMES.length] as string) + (GIVEN[i % GIVEN.length] as string);
    const mobile = `1370${file}0${String(i).padStart(2, '0')}${String(file * 16 + i).padStart(3, '0')}`;
    let address = `${CITIES[i % CITIES.length]}示例路${i + 1}号`;
    // A quoted field with an embedded line break and comma.
    if (i === 2) address = `${CITIES[2]}文三路${file + 1}号\n2幢, 301室`;
    let id = idNumber(file, i);
    // The bad row: a wrong check character.
    if (i === 9) id = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    rows.push(['个人', name, mobile, id, `user${file}.${i}@example.cn`, address]);
  }
  return rows;
}

function companies(file: number): Row[] {
  return [0, 1, 2].map((i) => [
    '企业',
    '',
    '',
    '',
    '',
    `${CITIES[(i + 1) % CITIES.length]}园区路${i + 8}号`,
    `示例${file}${'甲乙丙'[i]}科技有限公司`,
    uscc(file, i),
    INDUSTRIES[i] as string,
  ]);
}

/** The whole list as one table (text formats): the blank row sits among the data. */
function textTable(file: number): Row[] {
  const people = individuals(file);
  return [HEADER, ...people.slice(0, 12), null, ...companies(file), ...people.slice(12)];
}

const TOTALS = {
  rowsRead: 19,
  imported: 18,
  merged: 0,
  rejected: 1,
  blank: 1,
  flagged: 0,
  reasons: { ID_CHECKSUM: 1 },
};

function quote(cell: string, delimiter: string): string {
  return /["\r\n]/.test(cell) || cell.includes(delimiter) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

function delimited(rows: Row[], delimiter: string, eol: string): string {
  return (
    rows.map((r) => (r === null ? '' : r.map((c) => quote(c, delimiter)).join(delimiter))).join(eol) + eol
  );
}

interface ExpectedRow {
  sheet: string;
  rowNumber: number;
  cells: string[];
}

/** What a reader must yield: 1-based rows, blank rows with no cells, trailing empty cells dropped. */
function expectedRows(sheet: string, rows: Row[]): ExpectedRow[] {
  return rows.map((r, i) => {
    const cells = r === null ? [] : [...r];
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    return { sheet, rowNumber: i + 1, cells };
  });
}

interface TextFixture {
  file: string;
  encode: (text: string) => Buffer;
  delimiter: string;
  eol: string;
}

const TEXT_FIXTURES: TextFixture[] = [
  { file: 'utf8-bom.csv', encode: (t) => Buffer.from(`\ufeff${t}`, 'utf8'), delimiter: ',', eol: '\r\n' },
  { file: 'utf8.csv', encode: (t) => Buffer.from(t, 'utf8'), delimiter: ',', eol: '\n' },
  { file: 'gbk.csv', encode: (t) => iconv.encode(t, 'gbk'), delimiter: ',', eol: '\r\n' },
  {
    file: 'utf16le.csv',
    encode: (t) => iconv.encode(t, 'utf16le', { addBOM: true }),
    delimiter: ',',
    eol: '\r\n',
  },
  { file: 'utf8.tsv', encode: (t) => Buffer.from(t, 'utf8'), delimiter: '\t', eol: '\r\n' },
];

async function writeXlsx(path: string, file: number): Promise<ExpectedRow[]> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Custodian fixtures';
  book.created = new Date(Date.UTC(2025, 0, 1));
  book.modified = new Date(Date.UTC(2025, 0, 1));
  const people = individuals(file);
  const sheets: Array<[string, Row[]]> = [
    ['个人客户', [HEADER, ...people.slice(0, 12), null, ...people.slice(12)]],
    ['企业客户', [HEADER, ...companies(file)]],
  ];
  const expected: ExpectedRow[] = [];
  for (const [name, rows] of sheets) {
    const sheet = book.addWorksheet(name);
    rows.forEach((r, i) => {
      if (r === null) return;
      const row = sheet.getRow(i + 1);
      r.forEach((cell, c) => {
        if (cell === '') return;
        const target = row.getCell(c + 1);
        target.numFmt = '@';
        target.value = cell;
      });
      row.commit();
    });
    expected.push(...expectedRows(name, rows));
  }
  await book.xlsx.writeFile(path);
  return expected;
}

function escapeMarkup(cell: string): string {
  return cell.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** An admin page's "导出Excel": an HTML table in GBK, declared gb2312, saved as .xls; line breaks as <br>. */
function htmlTable(rows: Row[]): string {
  const body = rows
    .map((r) =>
      r === null
        ? '<tr></tr>'
        : `<tr>${r.map((c) => `<td style="mso-number-format:'\\@'">${escapeMarkup(c).replaceAll('\n', '<br>')}</td>`).join('')}</tr>`,
    )
    .join('\r\n');
  return `<html xmlns:x="urn:schemas-microsoft-com:office:excel">\r\n<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>\r\n<body><table border="1">\r\n${body}\r\n</table></body></html>\r\n`;
}

/** Excel 2003 XML as old .NET exporters write it: empty cells left out (the next cell's ss:Index), no blank rows. */
function spreadsheetMl(file: number): { xml: string; expected: ExpectedRow[] } {
  const people = individuals(file);
  const sheets: Array<[string, Row[]]> = [
    ['个人客户', [HEADER, ...people.slice(0, 12), null, ...people.slice(12)]],
    ['企业客户', [HEADER, ...companies(file)]],
  ];
  const data = (c: string) => `<Data ss:Type="String">${escapeMarkup(c).replaceAll('\n', '&#10;')}</Data>`;
  const worksheets = sheets.map(([name, rows]) => {
    let skipped = false;
    const xmlRows = rows.map((r, i) => {
      if (r === null) {
        skipped = true;
        return '';
      }
      const index = skipped ? ` ss:Index="${i + 1}"` : '';
      skipped = false;
      let gap = false;
      const cells = r.map((c, j) => {
        if (c === '') {
          gap = true;
          return '';
        }
        const at = gap ? ` ss:Index="${j + 1}"` : '';
        gap = false;
        return `<Cell${at}>${data(c)}</Cell>`;
      });
      return `<Row${index}>${cells.join('')}</Row>`;
    });
    return `<Worksheet ss:Name="${name}"><Table>\n${xmlRows.filter(Boolean).join('\n')}\n</Table></Worksheet>`;
  });
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n${worksheets.join('\n')}\n</Workbook>\n`;
  return { xml, expected: sheets.flatMap(([name, rows]) => expectedRows(name, rows)) };
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const written: Array<[string, ExpectedRow[]]> = [];
  for (const [index, fx] of TEXT_FIXTURES.entries()) {
    const rows = textTable(index + 1);
    const text = delimited(rows, fx.delimiter, fx.eol);
    const bytes = fx.encode(text);
    if (fx.file === 'gbk.csv' && iconv.decode(bytes, 'gbk') !== text) throw new Error('not GBK-clean');
    await writeFile(join(OUT, fx.file), bytes);
    written.push([fx.file, expectedRows(fx.file.replace(/\.[^.]+$/, ''), rows)]);
  }
  const xlsx = 'two-sheets.xlsx';
  written.push([xlsx, await writeXlsx(join(OUT, xlsx), TEXT_FIXTURES.length + 1)]);

  const htmlRows = textTable(TEXT_FIXTURES.length + 2);
  const html = iconv.encode(htmlTable(htmlRows), 'gbk');
  await writeFile(join(OUT, 'html-gbk.xls'), html);
  written.push(['html-gbk.xls', expectedRows('html-gbk', htmlRows)]);
  const xml = spreadsheetMl(TEXT_FIXTURES.length + 3);
  await writeFile(join(OUT, 'excel2003.xls'), xml.xml);
  written.push(['excel2003.xls', xml.expected]);

  const totals: Record<string, typeof TOTALS> = {};
  for (const [file, expected] of written) {
    // Cross-check against the reader now, so a regenerated fixture never disagrees with its golden rows.
    const actual: ExpectedRow[] = [];
    for await (const r of (await openTable(join(OUT, file))).rows()) {
      actual.push({ sheet: r.sheet, rowNumber: r.rowNumber, cells: r.cells });
    }
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      console.error(JSON.stringify({ file, expected, actual }, null, 1));
      throw new Error(`openTable disagrees with the intended rows of ${file}`);
    }
    await writeFile(join(OUT, `${file}.expected.json`), `${JSON.stringify(expected, null, 2)}\n`);
    totals[file] = TOTALS;
  }
  await writeFile(join(OUT, 'expected-totals.json'), `${JSON.stringify(totals, null, 2)}\n`);
  // Commit-ready: the JSON in the layout `biome check` wants.
  execFileSync('npx', ['biome', 'format', '--write', OUT], { stdio: 'inherit' });
  console.log(`wrote ${written.length} fixtures to ${OUT}`);
}

await main();
