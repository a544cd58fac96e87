import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { looksLikeHeaderRow } from '../header-mapping.js';
import { openTable } from './index.js';
import { decodeEntities, type MarkupToken, MarkupTokenizer } from './markup-tokenizer.js';
import { appErrorOf, collectRows, scratchFixtures } from './test-support.js';

const { fixture } = scratchFixtures();

const isHeader = (cells: readonly string[]) => looksLikeHeaderRow(cells);

/** What a PHP or Java admin page sends as "导出Excel": an HTML table, GBK, saved as .xls. */
const HTML_EXPORT = `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">
<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>客户</x:Name>
</x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]-->
<style>td { mso-number-format:"\\@"; } .t > b { color: red }</style></head>
<body><table border=1>
<tr><td colspan="4" align=center><b>2024年客户名单</b></td></tr>
<tr><th>客户名称</th><th>姓名</th><th>手机号码</th><th>地址</th></tr>
<tr><td rowspan="2">杭州某某科技有限公司</td><td>张三</td><td style='mso-number-format:"\\@"'>13812345678</td><td>浙江省杭州市<br>滨江区&nbsp;江南大道1号</td></tr>
<tr><td><font color=red>李四</font></td><td>13987654321</td><td>&nbsp;</td></tr>
<tr><td>A&amp;B 贸易 &lt;上海&gt;</td><td>王&#20116;</td><td>13700000000
<td>&#x4e0a;海市</td>
</table></body></html>`;

describe('HTML tables saved as .xls', () => {
  it('reads a GBK table export: its charset, a title above the header, rowspan, <br>, entities, unclosed cells', async () => {
    const path = await fixture('客户导出.xls', iconv.encode(HTML_EXPORT, 'gbk'));
    const source = await openTable(path, { isHeader });
    expect(source).toMatchObject({ format: 'html', encoding: 'gb18030', sheets: ['客户导出'] });
    const rows = await collectRows(source);
    expect(rows.map((r) => [r.rowNumber, r.isHeader, r.preamble ?? false, r.cells])).toEqual([
      [1, false, true, ['2024年客户名单']],
      [2, true, false, ['客户名称', '姓名', '手机号码', '地址']],
      [3, false, false, ['杭州某某科技有限公司', '张三', '13812345678', '浙江省杭州市\n滨江区 江南大道1号']],
      // The company name spans down over 李四's row, as a merged cell does in a workbook.
      [4, false, false, ['杭州某某科技有限公司', '李四', '13987654321']],
      [5, false, false, ['A&B 贸易 <上海>', '王五', '13700000000', '上海市']],
    ]);
  });

  it('combines a grouped header (colspan over its columns, rowspan down beside them)', async () => {
    const html = `<table>
      <tr><th rowspan=2>姓名</th><th colspan=2>联系方式</th></tr>
      <tr><th>手机</th><th>邮箱</th></tr>
      <tr><td>张三</td><td>13812345678</td><td>z@example.cn</td></tr></table>`;
    const rows = await collectRows(await openTable(await fixture('grouped.html', html), { isHeader }));
    expect(rows[0]).toMatchObject({ isHeader: true, headerRows: 2, cells: ['姓名', '手机', '邮箱'] });
    expect(rows[1]?.cells).toEqual(['张三', '13812345678', 'z@example.cn']);
  });

  it("makes each top-level table a sheet, --sheet picks one; a table inside a cell is that cell's text", async () => {
    const html = `\ufeff<!DOCTYPE html><html><body>
      <table><tr><td>姓名</td><td>手机</td></tr><tr><td>张三</td><td>13812345678</td></tr></table>
      <p>第二页</p>
      <table><tr><td>姓名</td><td>备注</td></tr>
      <tr><td>李四</td><td><table><tr><td>老客户</td></tr><tr><td>VIP</td></tr></table></td></tr></table>`;
    const path = await fixture('两页.htm', html);
    const source = await openTable(path);
    expect(source).toMatchObject({ format: 'html', encoding: 'utf8', sheets: ['两页', '两页 (2)'] });
    const rows = await collectRows(source);
    expect(rows.map((r) => [r.sheet, r.cells])).toEqual([
      ['两页', ['姓名', '手机']],
      ['两页', ['张三', '13812345678']],
      ['两页 (2)', ['姓名', '备注']],
      ['两页 (2)', ['李四', '老客户\nVIP']],
    ]);
    const second = await collectRows(await openTable(path, { sheet: '两页 (2)' }));
    expect(second.map((r) => r.sheet)).toEqual(['两页 (2)', '两页 (2)']);
    expect((await appErrorOf(openTable(path, { sheet: '三页' }))).code).toBe('IMPORT_SHEET_NOT_FOUND');
  });

  it('refuses a row laid out wider than Excel allows (colspans of a hostile file), naming the row', async () => {
    const wide = `<table><tr><td>姓名</td></tr><tr>${'<td colspan="1000">x</td>'.repeat(20)}</tr></table>`;
    const err = await appErrorOf(collectRows(await openTable(await fixture('wide.html', wide))));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.details).toMatchObject({ reason: expect.stringContaining('row 2') });
  });

  it('decodes by the charset a page declares, even one that is neither UTF-8 nor GBK', async () => {
    const page =
      '<html><head><meta charset="windows-1252"></head><body><table><tr><th>Name</th><th>Email</th></tr><tr><td>René Müller</td><td>jm@example.de</td></tr></table></body></html>';
    const source = await openTable(await fixture('export-1252.xls', iconv.encode(page, 'windows-1252')));
    expect(source).toMatchObject({ format: 'html', encoding: 'windows-1252' });
    expect((await collectRows(source)).map((r) => r.cells)).toEqual([
      ['Name', 'Email'],
      ['René Müller', 'jm@example.de'],
    ]);
  });

  it('reads an XHTML export that opens with an XML declaration', async () => {
    const xhtml = `<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><table>
      <tr><th>姓名</th><th>手机</th></tr><tr><td>张三</td><td>13812345678</td></tr></table></body></html>`;
    const source = await openTable(await fixture('xhtml.xls', xhtml));
    expect(source.format).toBe('html');
    expect((await collectRows(source)).map((r) => r.cells)).toEqual([
      ['姓名', '手机'],
      ['张三', '13812345678'],
    ]);
  });

  it('fails a cell that never closes, and a page without a table, with what to look for', async () => {
    const runaway = `<table><tr><td>姓名</td></tr><tr><td><!-- x -->${'长'.repeat(300_000)}</table>`;
    const err = await appErrorOf(collectRows(await openTable(await fixture('runaway.xls', runaway))));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.details).toMatchObject({ reason: expect.stringContaining('row 2') });
    const page = await fixture('page.html', '<html><body><p>没有表格</p></body></html>');
    expect((await appErrorOf(collectRows(await openTable(page)))).code).toBe('IMPORT_EMPTY_FILE');
  });
});

describe('other content saved as .xls', () => {
  it('reads tab-separated GBK text saved as .xls', async () => {
    const tsv = '姓名\t手机\t地址\r\n张三\t13812345678\t北京市朝阳区\r\n';
    const source = await openTable(await fixture('导出.xls', iconv.encode(tsv, 'gbk')));
    expect(source).toMatchObject({ format: 'txt', encoding: 'gb18030' });
    expect((await collectRows(source)).map((r) => r.cells)).toEqual([
      ['姓名', '手机', '地址'],
      ['张三', '13812345678', '北京市朝阳区'],
    ]);
  });

  it('reads Excel 2003 XML: sheets (hidden ones named), ss:Index, merges down, dates, notes left out', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="客户列表">
  <Table>
   <Row><Cell><Data ss:Type="String">客户名称</Data></Cell><Cell><Data ss:Type="String">姓名</Data></Cell>
    <Cell><Data ss:Type="String">手机</Data></Cell><Cell><Data ss:Type="String">生日</Data></Cell></Row>
   <Row><Cell ss:MergeDown="1"><Data ss:Type="String">某某有限公司</Data><Comment><ss:Data>核对过</ss:Data></Comment></Cell>
    <Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>张</B>三</ss:Data></Cell>
    <Cell><Data ss:Type="Number">13812345678</Data></Cell><Cell><Data ss:Type="DateTime">1990-03-07T00:00:00.000</Data></Cell></Row>
   <Row><Cell ss:Index="2"><Data ss:Type="String">李四</Data></Cell><Cell ss:Index="4"><Data ss:Type="DateTime">1985-11-20T08:30:00.000</Data></Cell></Row>
   <Row ss:Index="5"><Cell><Data ss:Type="String">A&amp;B&#10;公司</Data></Cell><Cell><Data ss:Type="String">王五</Data></Cell></Row>
   <Row ss:Index="20000"><Cell><Data ss:Type="String">赵六</Data></Cell></Row>
  </Table>
 </Worksheet>
 <Worksheet ss:Name="下拉选项">
  <Table><Row><Cell><Data ss:Type="String">个人</Data></Cell></Row></Table>
  <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible></WorksheetOptions>
 </Worksheet>
</Workbook>`;
    const path = await fixture('crm2003.xls', xml);
    const source = await openTable(path);
    expect(source).toMatchObject({
      format: 'spreadsheetml',
      sheets: ['客户列表'],
      hiddenSheets: ['下拉选项'],
    });
    const rows = await collectRows(source);
    expect(rows.map((r) => [r.rowNumber, r.cells])).toEqual([
      [1, ['客户名称', '姓名', '手机', '生日']],
      [2, ['某某有限公司', '张三', '13812345678', '1990-03-07']],
      [3, ['某某有限公司', '李四', '', '1985-11-20 08:30:00']],
      [4, []],
      [5, ['A&B\n公司', '王五']],
      ...Array.from({ length: 19_994 }, (_, i) => [i + 6, []]),
      [20_000, ['赵六']],
    ]);
    const hidden = await collectRows(await openTable(path, { sheet: '下拉选项' }));
    expect(hidden.map((r) => r.cells)).toEqual([['个人']]);
  });

  it('still refuses a real .xls (OLE2) with advice to save as .xlsx', async () => {
    const ole2 = Buffer.alloc(1536);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole2);
    expect((await appErrorOf(openTable(await fixture('real.xls', ole2)))).code).toBe(
      'IMPORT_XLS_UNSUPPORTED',
    );
  });
});

describe('MarkupTokenizer', () => {
  const tokensOf = (chunks: string[]): MarkupToken[] => {
    const t = new MarkupTokenizer();
    const out: MarkupToken[] = [];
    for (const c of chunks) out.push(...t.push(c));
    out.push(...t.end());
    // Text runs cut by a chunk boundary arrive in pieces: join neighbours to compare.
    return out.reduce<MarkupToken[]>((acc, tok) => {
      const last = acc.at(-1);
      if (tok.type === 'text' && last?.type === 'text')
        acc[acc.length - 1] = { type: 'text', text: last.text + tok.text };
      else acc.push(tok);
      return acc;
    }, []);
  };

  it('gives the same tokens however the text is cut into chunks', () => {
    const whole = tokensOf([HTML_EXPORT]);
    expect(whole.filter((t) => t.type === 'open').map((t) => t.type === 'open' && t.name)).toContain('td');
    // Neither the conditional comment nor the style body is text.
    const text = whole.map((t) => (t.type === 'text' ? t.text : '')).join('');
    expect(text).not.toContain('ExcelWorkbook');
    expect(text).not.toContain('mso-number-format');
    for (let cut = 1; cut < HTML_EXPORT.length; cut += 7) {
      expect(tokensOf([HTML_EXPORT.slice(0, cut), HTML_EXPORT.slice(cut)])).toEqual(whole);
    }
  });

  it('reads a lone < as text and quotes that hold >', () => {
    expect(tokensOf(['a < b <td title="x>y">c'])).toEqual([
      { type: 'text', text: 'a < b ' },
      { type: 'open', name: 'td', attrs: ' title="x>y"', selfClosing: false },
      { type: 'text', text: 'c' },
    ]);
    expect(decodeEntities('&lt;&#x41;&#66;&unknown;&amp')).toBe('<AB&unknown;&');
  });
});
