import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBytes } from './file-access.js';
import { SPREADSHEET_NS, scratchDir, writeOneSheetWorkbook } from './test-support.js';
import { readWorkbookManifest } from './workbook-manifest.js';
import { SharedStringTable } from './xlsx-shared-strings.js';
import {
  type CellFormats,
  readCellFormats,
  type SheetRow,
  sheetRows,
  UncalculatedFormulaError,
} from './xlsx-sheet-parser.js';

let dir: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  dir = await scratchDir();
});
afterAll(() => dir.remove());

const strings = new SharedStringTable();
for (const s of ['姓名', '张三', '']) strings.add(s);
strings.finish();

/** Style 1 shows dates, style 2 is a number format; anything else is General. */
const formats: CellFormats = (style) => (style === 1 ? 'yyyy-mm-dd' : style === 2 ? '0.00' : undefined);

async function* pieces(...parts: string[]): AsyncGenerator<string> {
  for (const p of parts) yield p;
}

async function rowsOf(...parts: string[]): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const row of sheetRows(pieces(...parts), strings, formats, false)) out.push(row);
  return out;
}

const SHEET = `<worksheet ${SPREADSHEET_NS}><sheetPr/><dimension ref="A1:H4"/><cols><col min="1" max="2" width="9"/></cols><sheetData>
<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><r><t>手</t></r><r><t xml:space="preserve">机 </t></r></is></c></row>
<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>13812345678</v></c><c r="C3" s="1"><v>32874</v></c><c r="D3" t="b"><v>1</v></c><c r="E3" t="e"><v>#N/A</v></c><c r="F3" t="str"><f>A3&amp;"!"</f><v>张三 &amp; 李四</v></c><c r="G3" s="2"><v>1.10101199001011E+17</v></c><c r="H3" s="1"/></row>
<row><c t="s"><v>2</v></c><c t="e"><f>1/0</f><v>#DIV/0!</v></c><c t="d"><v>2024-02-29T08:30:00Z</v></c></row>
<row r="9"/></sheetData><mergeCells count="0"/></worksheet>`;

const EXPECTED: SheetRow[] = [
  { rowNumber: 1, cells: ['姓名', '', '手机 '] },
  {
    rowNumber: 3,
    // G3 keeps its stored exponent: its last three digits are not in the file (ID_PRECISION_LOST).
    cells: ['张三', '13812345678', '1990-01-01', 'TRUE', '#N/A', '张三 & 李四', '1.10101199001011E+17'],
  },
  { rowNumber: 4, cells: ['', '#DIV/0!', '2024-02-29 08:30:00'] },
  { rowNumber: 9, cells: [] },
];

describe('sheetRows', () => {
  it('refuses a formula the file holds no result of, naming its cell (read as empty, a value would be lost)', async () => {
    const sheet = `<worksheet ${SPREADSHEET_NS}><sheetData><row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3"><f>"139"&amp;"00139000"</f></c></row></sheetData></worksheet>`;
    const err = await rowsOf(sheet).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UncalculatedFormulaError);
    expect(err).toMatchObject({ rowNumber: 3, column: 'B' });
  });

  it('reads each cell type as Excel shows its value', async () => {
    expect(await rowsOf(SHEET)).toEqual(EXPECTED);
  });

  it('gives the same rows wherever the inflated chunks split the markup', async () => {
    for (let at = 1; at < SHEET.length; at += 7) {
      const second = Math.min(SHEET.length, at + 97);
      expect(await rowsOf(SHEET.slice(0, at), SHEET.slice(at, second), SHEET.slice(second))).toEqual(
        EXPECTED,
      );
    }
  });

  it('reads two sheets in turn as it reads each alone (the patterns are shared)', async () => {
    const one = sheetRows(pieces(SHEET.slice(0, 300), SHEET.slice(300)), strings, formats, false);
    const other = sheetRows(pieces(SHEET), strings, formats, false);
    const turns: SheetRow[][] = [[], []];
    for (;;) {
      const [a, b] = [await one.next(), await other.next()];
      if (!a.done) turns[0]?.push(a.value);
      if (!b.done) turns[1]?.push(b.value);
      if (a.done && b.done) break;
    }
    expect(turns).toEqual([EXPECTED, EXPECTED]);
  });

  it('reads prefixed elements and cells without references', async () => {
    const prefixed = `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row><x:c t="s"><x:v>1</x:v></x:c><x:c><x:v>7</x:v></x:c></x:row><x:row r="5"><x:c r="b5" t="inlineStr"><x:is><x:t>&#x4E2D;</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`;
    expect(await rowsOf(prefixed)).toEqual([
      { rowNumber: 1, cells: ['张三', '7'] },
      { rowNumber: 5, cells: ['', '中'] },
    ]);
  });
});

describe('sheetRows: values a double or XML would alter', () => {
  const sheet = (rows: string): string =>
    `<worksheet ${SPREADSHEET_NS}><sheetData>${rows}</sheetData></worksheet>`;

  it('keeps a long whole number as written and a large inexact one as stored, never through a double', async () => {
    const rows = await rowsOf(
      sheet(
        '<row r="2"><c r="A2"><v>110101199003074258</v></c><c r="B2"><v>6.22202123456789E+18</v></c><c r="C2" s="2"><v>13800138000</v></c><c r="D2" s="1"><v>43831</v></c></row>',
      ),
    );
    expect(rows).toEqual([
      { rowNumber: 2, cells: ['110101199003074258', '6.22202123456789E+18', '13800138000', '2020-01-01'] },
    ]);
  });

  it("decodes Excel's _xHHHH_ escapes in inline strings and formula text", async () => {
    const rows = await rowsOf(
      sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>地址A_x000D_\n地址B</t></is></c><c r="B1" t="str"><f>A1</f><v>_x005F_x000D_</v></c></row>',
      ),
    );
    expect(rows).toEqual([{ rowNumber: 1, cells: ['地址A\r\n地址B', '_x000D_'] }]);
  });

  it('refuses a worksheet cut short rather than ending with the rows before the cut', async () => {
    const whole = sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>');
    const cut = whole.slice(0, whole.indexOf('<row r="2">') + 15);
    await expect(rowsOf(cut)).rejects.toThrow(/cut short/);
    await expect(rowsOf(whole.slice(0, whole.indexOf('</sheetData>')))).rejects.toThrow(/cut short/);
    // Split anywhere, a whole part still reads; an empty one too.
    expect(await rowsOf(whole.slice(0, -5), whole.slice(-5))).toHaveLength(2);
    expect(await rowsOf(`<x:worksheet ${SPREADSHEET_NS}><x:sheetData/></x:worksheet>`)).toEqual([]);
  });
});

describe('readCellFormats', () => {
  it('gives each cell style its number format: custom, built-in dates and the East Asian ones', async () => {
    const path = dir.path('styles.xlsx');
    await writeOneSheetWorkbook(path, {
      styles: `<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0"/><xf numFmtId="176" applyNumberFormat="1"/><xf numFmtId="14"/><xf numFmtId="31"><alignment/></xf><xf numFmtId="49"/></cellXfs>`,
      sheetData: '',
    });
    const handle = await openBytes(path);
    const manifest = await readWorkbookManifest(handle, (await stat(path)).size);
    await handle.close();
    const styles = await readCellFormats(path, manifest.styles);
    expect([0, 1, 2, 3, 4, 5].map(styles)).toEqual([
      undefined,
      'yyyy"年"m"月"d"日"',
      'mm-dd-yy',
      'yyyy-mm-dd',
      undefined,
      undefined,
    ]);
    expect((await readCellFormats(path, null))(1)).toBeUndefined();
  });
});
