import { mkdir } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { fileFacts } from '../file-scan.js';
import { looksLikeHeaderRow } from '../header-mapping.js';
import { SAMPLE_BYTES } from './encoding.js';
import { openTable } from './index.js';
import { appErrorOf, collectRows, scratchFixtures } from './test-support.js';
import { swallowedRowsCell } from './text-reader.js';

const { fixture, path: scratchPath } = scratchFixtures();

/** Line breaks as the parser counts them: CRLF, LF or a lone CR. */
function breaksIn(bytes: Buffer): number {
  return bytes.toString('latin1').match(/\r\n|\r|\n/g)?.length ?? 0;
}

const CUSTOMERS =
  '*姓名,手机号码（必填）,地址\r\n张三,13812345678,浙江省杭州市滨江区\r\n李四,13987654321,北京市朝阳区\r\n';
const EXPECTED_CELLS = [
  ['*姓名', '手机号码（必填）', '地址'],
  ['张三', '13812345678', '浙江省杭州市滨江区'],
  ['李四', '13987654321', '北京市朝阳区'],
];

describe('delimited text reader', () => {
  it('reads a GBK CSV as exported by Chinese Excel', async () => {
    const source = await openTable(await fixture('客户.csv', iconv.encode(CUSTOMERS, 'gbk')));
    expect(source).toMatchObject({ format: 'csv', encoding: 'gb18030', sheets: ['客户'] });
    const rows = await collectRows(source);
    expect(rows.map((r) => r.cells)).toEqual(EXPECTED_CELLS);
    expect(rows.map((r) => [r.sheet, r.rowNumber, r.isHeader])).toEqual([
      ['客户', 1, true],
      ['客户', 2, false],
      ['客户', 3, false],
    ]);
  });

  it('reads the euro sign as code page 936 writes it (byte 0x80), as a GBK export from Excel or Custodian has it', async () => {
    const bytes = Buffer.concat([
      iconv.encode('姓名,备注\n张三,单价 5', 'gbk'),
      Buffer.from([0x80]),
      Buffer.from('\n'),
    ]);
    const source = await openTable(await fixture('euro.csv', bytes));
    expect(source.encoding).toBe('gb18030');
    expect((await collectRows(source))[1]?.cells).toEqual(['张三', '单价 5€']);
  });

  it('reads UTF-16LE text with BOM, as Excel saves "Unicode text", sniffing the tab delimiter', async () => {
    const text = CUSTOMERS.replaceAll(',', '\t');
    const source = await openTable(
      await fixture('unicode.txt', iconv.encode(text, 'utf16le', { addBOM: true })),
    );
    expect(source).toMatchObject({ format: 'txt', encoding: 'utf16le' });
    expect((await collectRows(source)).map((r) => r.cells)).toEqual(EXPECTED_CELLS);
  });

  it('reads UTF-16LE CSV and strips the BOM from the first header', async () => {
    const path = await fixture('utf16.csv', iconv.encode(CUSTOMERS, 'utf16le', { addBOM: true }));
    const rows = await collectRows(await openTable(path));
    expect(rows[0]?.cells[0]).toBe('*姓名');
  });

  it('strips the UTF-8 BOM', async () => {
    const source = await openTable(await fixture('bom.csv', `\ufeff${CUSTOMERS}`));
    expect(source.encoding).toBe('utf8-bom');
    expect((await collectRows(source))[0]?.cells[0]).toBe('*姓名');
  });

  it('keeps quoted line breaks, delimiters and quotes inside one row and counts rows as Excel does', async () => {
    const csv =
      '姓名,备注,手机\n王五,"第一行\n第二行, 含逗号 ""引号""",13800000000\n\n赵六,,="013912345678"\n';
    const rows = await collectRows(await openTable(await fixture('multiline.csv', csv)));
    expect(rows).toEqual([
      { sheet: 'multiline', rowNumber: 1, cells: ['姓名', '备注', '手机'], isHeader: true },
      {
        sheet: 'multiline',
        rowNumber: 2,
        cells: ['王五', '第一行\n第二行, 含逗号 "引号"', '13800000000'],
        isHeader: false,
      },
      { sheet: 'multiline', rowNumber: 3, cells: [], isHeader: false },
      { sheet: 'multiline', rowNumber: 4, cells: ['赵六', '', '013912345678'], isHeader: false },
    ]);
  });

  it('takes the first non-blank line as the header and drops blank lines at the end', async () => {
    const rows = await collectRows(
      await openTable(await fixture('leading.tsv', '\n \t \n姓名\t手机\n张三\t138\n\n\n')),
    );
    expect(rows.map((r) => [r.rowNumber, r.isHeader, r.cells])).toEqual([
      [1, false, []],
      [2, false, []],
      [3, true, ['姓名', '手机']],
      [4, false, ['张三', '138']],
    ]);
  });

  it('finds the header below a title when told what a header looks like; the rows above are preamble', async () => {
    const isHeader = (cells: readonly string[]) => cells.includes('姓名');
    const text = '2024年客户名单\n制表日期：,2024-03-01\n\n姓名,手机\n张三,138\n';
    const rows = await collectRows(await openTable(await fixture('titled.csv', text), { isHeader }));
    expect(rows.map((r) => [r.rowNumber, r.isHeader, r.preamble ?? false, r.cells])).toEqual([
      [1, false, true, ['2024年客户名单']],
      [2, false, true, ['制表日期：', '2024-03-01']],
      [3, false, false, []],
      [4, true, false, ['姓名', '手机']],
      [5, false, false, ['张三', '138']],
    ]);
    // Without the test the first non-blank row stays the header.
    const plain = await collectRows(await openTable(await fixture('titled.csv', text)));
    expect(plain.filter((r) => r.isHeader).map((r) => r.rowNumber)).toEqual([1]);
  });

  it('combines a two-row header: a group row over the column names, names merged down standing above', async () => {
    const isHeader = (cells: readonly string[]) => looksLikeHeaderRow(cells);
    // As Excel saves a grouped header to CSV: 序号, 姓名 and 备注 merged down over both rows keep their
    // text in the upper row only; 联系方式 spans 手机 and 邮箱.
    const text = '客户名单\n序号,姓名,联系方式,,备注\n,,手机,邮箱,\n1,张三,13812345678,a@b.cn,VIP\n';
    const rows = await collectRows(await openTable(await fixture('grouped.csv', text), { isHeader }));
    expect(
      rows.map((r) => [r.rowNumber, r.isHeader, r.preamble ?? false, r.headerRows ?? 1, r.cells]),
    ).toEqual([
      [1, false, true, 1, ['客户名单']],
      [2, true, false, 2, ['序号', '姓名', '手机', '邮箱', '备注']],
      [4, false, false, 1, ['1', '张三', '13812345678', 'a@b.cn', 'VIP']],
    ]);
  });

  it('combines two header-like rows, the lower naming a column where it has text', async () => {
    const isHeader = (cells: readonly string[]) => looksLikeHeaderRow(cells);
    // The upper row reads as a header itself (姓名, 身份证号 merged down; 联系方式 over two columns).
    const text = '姓名,身份证号,联系方式,\n,,手机,email\n张三,11010519491231002X,13812345678,a@b.cn\n';
    const rows = await collectRows(await openTable(await fixture('grouped2.csv', text), { isHeader }));
    expect(rows.map((r) => [r.rowNumber, r.isHeader, r.headerRows ?? 1, r.cells[2]])).toEqual([
      [1, true, 2, '手机'],
      [3, false, 1, '13812345678'],
    ]);
    expect(rows[0]?.cells).toEqual(['姓名', '身份证号', '手机', 'email']);
  });

  it('keeps a one-row header when the row above is a title or the row below is data', async () => {
    const isHeader = (cells: readonly string[]) => looksLikeHeaderRow(cells);
    // A one-cell title over a header with a blank column is no group row; a blank row breaks adjacency.
    const text = '2024年客户名单\n,姓名,手机\n1,张三,13812345678\n';
    const rows = await collectRows(await openTable(await fixture('titled2.csv', text), { isHeader }));
    expect(rows.map((r) => [r.rowNumber, r.isHeader, r.headerRows ?? 1])).toEqual([
      [1, false, 1],
      [2, true, 1],
      [3, false, 1],
    ]);
    const apart = '姓名,手机,联系方式\n\n,,email\n';
    const split = await collectRows(await openTable(await fixture('apart.csv', apart), { isHeader }));
    expect(split.filter((r) => r.isHeader).map((r) => [r.rowNumber, r.headerRows ?? 1])).toEqual([[1, 1]]);
    // A header that is the last row of its file is still emitted.
    const alone = await collectRows(await openTable(await fixture('alone.csv', '姓名,手机\n'), { isHeader }));
    expect(alone.map((r) => [r.rowNumber, r.isHeader])).toEqual([[1, true]]);
  });

  it('falls back to the first non-blank row when none of the first ten reads as a header', async () => {
    const isHeader = (cells: readonly string[]) => cells.includes('姓名');
    const lines = ['编号,值', ...Array.from({ length: 14 }, (_, i) => `${i + 1},x${i + 1}`)];
    const rows = await collectRows(
      await openTable(await fixture('headless.csv', `${lines.join('\n')}\n`), { isHeader }),
    );
    expect(rows.map((r) => [r.rowNumber, r.isHeader, r.preamble ?? false])).toEqual(
      lines.map((_, i) => [i + 1, i === 0, false]),
    );
    // A sheet shorter than ten rows is flushed at its end the same way.
    const short = await collectRows(
      await openTable(await fixture('short.csv', '编号,值\n1,x\n'), { isHeader }),
    );
    expect(short.map((r) => [r.rowNumber, r.isHeader, r.cells])).toEqual([
      [1, true, ['编号', '值']],
      [2, false, ['1', 'x']],
    ]);
  });

  it('sniffs semicolons and pipes in .txt, and honours an explicit delimiter', async () => {
    const semicolon = await fixture('semi.txt', '姓名;手机;地址\n张三;138;"杭州;滨江"\n');
    expect((await collectRows(await openTable(semicolon)))[1]?.cells).toEqual(['张三', '138', '杭州;滨江']);
    const pipe = await fixture('pipe.txt', '姓名|手机\n张三|138\n');
    expect((await collectRows(await openTable(pipe)))[1]?.cells).toEqual(['张三', '138']);
    const forced = await fixture('forced.csv', '姓名;手机\n张三;138\n');
    expect((await collectRows(await openTable(forced, { delimiter: ';' })))[1]?.cells).toEqual([
      '张三',
      '138',
    ]);
    expect((await appErrorOf(openTable(forced, { delimiter: '""' }))).code).toBe('USAGE');
  });

  it('reads a .csv that is really tab- or semicolon-separated, and says which delimiter it used', async () => {
    const tabs = await fixture(
      'unicode-text.csv',
      '姓名\t手机\t地址\r\n张三\t13812345678\t杭州市, 滨江区\r\n',
    );
    const tabSource = await openTable(tabs);
    expect(tabSource).toMatchObject({ format: 'csv', delimiter: '\t' });
    expect((await collectRows(tabSource))[1]?.cells).toEqual(['张三', '13812345678', '杭州市, 滨江区']);
    const semi = await fixture(
      'european.csv',
      '姓名;手机;累计消费\n张三;13812345678;1,5\n李四;13987654321;2\n',
    );
    expect((await collectRows(await openTable(semi))).map((r) => r.cells.length)).toEqual([3, 3, 3]);
    const commas = await fixture('commas.csv', '姓名,手机,购买记录\n张三,13812345678,电饭煲;台灯\n');
    const commaSource = await openTable(commas);
    expect(commaSource.delimiter).toBe(',');
    expect((await collectRows(commaSource))[1]?.cells).toEqual(['张三', '13812345678', '电饭煲;台灯']);
    // Told otherwise, the reader splits as told.
    expect((await collectRows(await openTable(tabs, { delimiter: 'comma' })))[1]?.cells).toEqual([
      '张三\t13812345678\t杭州市',
      ' 滨江区',
    ]);
  });

  it('marks a row whose stray quote swallowed the lines after it; a two-line address stays unmarked', async () => {
    const path = await fixture(
      'stray-open.csv',
      '姓名,手机,地址\n张三,13812345678,"杭州市\n滨江区"\n李四,"13912345678,上海\n王五,13712345678,广州\n赵六,1,"北京"\n',
    );
    const rows = await collectRows(await openTable(path));
    expect(rows.map((r) => [r.rowNumber, r.spansRows])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, 1],
    ]);
    expect(swallowedRowsCell(['a', 'b\nc,d'], ',')).toBe(-1);
    expect(swallowedRowsCell(['a', 'b\r\nc,d,e'], ',')).toBe(1);
    expect(swallowedRowsCell(['a\tb\tc\nd'], '\t')).toBe(-1);
  });

  it('takes the delimiter from Excel\'s "sep=" first line, which is not a row (Excel hides it)', async () => {
    const sep = await fixture('sep.csv', '\ufeffsep=;\r\n姓名;手机;地址\r\n张三;13812345678;"杭州,滨江"\r\n');
    const rows = await collectRows(await openTable(sep));
    expect(rows.map((r) => [r.rowNumber, r.isHeader, r.cells])).toEqual([
      [1, true, ['姓名', '手机', '地址']],
      [2, false, ['张三', '13812345678', '杭州,滨江']],
    ]);
  });

  it('reads a Big5 list from Taiwan without being told its encoding', async () => {
    const text = '姓名,手機,地址\r\n陳美玲,+886 912 345 678,臺北市大安區忠孝東路四段100號\r\n';
    const source = await openTable(await fixture('台灣客戶.csv', iconv.encode(text, 'big5')));
    expect(source).toMatchObject({ format: 'csv', encoding: 'big5' });
    expect((await collectRows(source)).map((r) => r.cells)).toEqual([
      ['姓名', '手機', '地址'],
      ['陳美玲', '+886 912 345 678', '臺北市大安區忠孝東路四段100號'],
    ]);
  });

  it('honours an encoding override and refuses unknown encoding names', async () => {
    const path = await fixture('gbk-named.csv', iconv.encode(CUSTOMERS, 'gbk'));
    const source = await openTable(path, { encoding: 'GBK' });
    expect(source.encoding).toBe('gbk');
    expect((await collectRows(source))[1]?.cells[0]).toBe('张三');
    const err = await appErrorOf(openTable(path, { encoding: 'no-such-charset' }));
    expect(err.code).toBe('IMPORT_BAD_ENCODING');
    expect(err.params.file).toBe('gbk-named.csv');
  });

  it('reads GB18030 four-byte characters when told the file is GBK', async () => {
    const text = '姓名,地址\r\n王䶮,广东省深圳市𠀾路\r\n';
    const path = await fixture('gb18030-said-gbk.csv', iconv.encode(text, 'gb18030'));
    const source = await openTable(path, { encoding: 'gbk' });
    expect(source.encoding).toBe('gbk');
    expect((await collectRows(source))[1]?.cells).toEqual(['王䶮', '广东省深圳市𠀾路']);
  });

  it('skips a UTF-8 byte order mark in front of GBK text read as GBK or GB18030', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const path = await fixture('bom-gbk.csv', Buffer.concat([bom, iconv.encode(CUSTOMERS, 'gbk')]));
    for (const encoding of ['gbk', 'GB18030']) {
      expect((await collectRows(await openTable(path, { encoding }))).map((r) => r.cells)).toEqual(
        EXPECTED_CELLS,
      );
    }
    // The sample is read without it too: Excel's "sep=" line still names the delimiter.
    const sep = await fixture(
      'bom-gbk-sep.csv',
      Buffer.concat([bom, iconv.encode('sep=;\r\n姓名;地址\r\n张三;杭州,滨江\r\n', 'gbk')]),
    );
    const rows = await collectRows(await openTable(sep, { encoding: 'gbk' }));
    expect(rows.map((r) => r.cells)).toEqual([
      ['姓名', '地址'],
      ['张三', '杭州,滨江'],
    ]);
    // Without --encoding the mark says UTF-8: the error names 姓, after the mark and the asterisk.
    const err = await appErrorOf(collectRows(await openTable(path)));
    expect(err.params).toMatchObject({ line: 1, byte: 4 });
  });

  it('reads a UTF-8 file whose 64 KiB sample ends inside a character', async () => {
    const header = '姓名,备注\n';
    const record = '张三,很长的备注文字\n'; // 28 bytes
    const count = 5000;
    const bytes = Buffer.from(header + record.repeat(count), 'utf8');
    // The first byte after the sample is a continuation byte (10xxxxxx).
    expect((bytes[SAMPLE_BYTES] ?? 0) & 0xc0).toBe(0x80);
    const source = await openTable(await fixture('cutoff.csv', bytes));
    expect(source.encoding).toBe('utf8');
    const rows = await collectRows(source);
    expect(rows.length).toBe(count + 1);
    expect(rows.every((r) => r.isHeader || (r.cells[0] === '张三' && r.cells[1] === '很长的备注文字'))).toBe(
      true,
    );
  });

  it('says a file that ends inside a character was cut short, rather than suggesting another encoding', async () => {
    const whole = Buffer.from('姓名,手机\n张三,13812345678\n李四,13912345678\n', 'utf8');
    // Cut inside 四 (3 bytes in UTF-8; 2 in GBK).
    const utf8 = await fixture('cut.csv', whole.subarray(0, whole.indexOf(Buffer.from('四')) + 1));
    const err = await appErrorOf(collectRows(await openTable(utf8)));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(String(err.details?.reason)).toContain('cut short');
    const gbk = iconv.encode('姓名,手机\n张三,13812345678\n李四', 'gbk');
    const gbkErr = await appErrorOf(
      collectRows(await openTable(await fixture('cut-gbk.csv', gbk.subarray(0, gbk.length - 1)))),
    );
    expect(gbkErr.code).toBe('IMPORT_FILE_CORRUPT');
    expect(String(gbkErr.details?.reason)).toContain('cut short');
  });

  it('says at which line and byte a file stops being valid text, far beyond the sample', async () => {
    // CRLF, LF and a lone CR all end lines, as they end rows.
    const lines = Array.from({ length: 9000 }, (_, i) => `客户${i},1380013${String(i).padStart(4, '0')}`);
    const good = Buffer.from(`姓名,手机\r\n${lines.slice(0, 8000).join('\r\n')}\n备注\r`, 'utf8');
    const bad = iconv.encode('张三', 'gbk');
    const rest = Buffer.from(`,13800000000\r\n${lines.slice(8000).join('\r\n')}\r\n`, 'utf8');
    expect(good.length).toBeGreaterThan(2 * SAMPLE_BYTES);
    const path = await fixture('late-bad.csv', Buffer.concat([good, bad, rest]));
    const line = breaksIn(good) + 1;
    for (const opts of [{}, { encoding: 'utf8' }]) {
      const err = await appErrorOf(collectRows(await openTable(path, opts)));
      expect(err.code).toBe('IMPORT_BAD_ENCODING');
      expect(err.params).toMatchObject({ line, byte: good.length });
      expect(err.messageIn('en')).toContain(`line ${line} (byte ${good.length})`);
      expect(err.messageIn('zh')).toContain(`第 ${line} 行（第 ${good.length} 字节）`);
      // Where, never what: no bytes of the file in the error.
      expect(JSON.stringify(err.params)).not.toMatch(/客户|张三|1380/);
    }
  });

  it('finds the bad byte when its sequence or a CRLF straddles the 64 KiB chunks the file is read in', async () => {
    // A CR ends the first chunk and its LF begins the second; a UTF-8 lead byte ends the second chunk
    // and the byte after it, which should continue the character, begins the third.
    const filler = (length: number) => `${'a,b\r\n'.repeat(Math.floor(length / 5))}${'x'.repeat(length % 5)}`;
    const first = Buffer.from(`${filler(SAMPLE_BYTES - 1)}\r`, 'latin1');
    const second = Buffer.from(`\n${filler(SAMPLE_BYTES - 2)}`, 'latin1');
    const bytes = Buffer.concat([first, second, Buffer.from([0xe5]), Buffer.from(',tail\r\n')]);
    expect(bytes[SAMPLE_BYTES - 1]).toBe(0x0d);
    expect(bytes[SAMPLE_BYTES]).toBe(0x0a);
    expect(bytes[2 * SAMPLE_BYTES - 1]).toBe(0xe5);
    const path = await fixture('straddle.csv', bytes);
    const line = breaksIn(bytes.subarray(0, 2 * SAMPLE_BYTES - 1)) + 1;
    const err = await appErrorOf(collectRows(await openTable(path, { encoding: 'utf8' })));
    expect(err.params).toMatchObject({ line, byte: 2 * SAMPLE_BYTES - 1 });
    // The same in GBK: a lead byte (0xB0) ends the second chunk and a comma, no trail byte, follows.
    const gbk = Buffer.concat([first, second, Buffer.from([0xb0]), iconv.encode(',张三\r\n', 'gbk')]);
    const gbkErr = await appErrorOf(
      collectRows(await openTable(await fixture('straddle-gbk.csv', gbk), { encoding: 'gbk' })),
    );
    expect(gbkErr.params).toMatchObject({ line, byte: 2 * SAMPLE_BYTES - 1 });
    expect(gbkErr.messageIn('en')).toContain(`line ${line} (byte ${2 * SAMPLE_BYTES - 1})`);
  });

  it('refuses UTF-16 cut inside its last character, as it refuses UTF-8 cut so', async () => {
    const text = '姓名,手机,地址\r\n张三,13800138000,北京市朝阳区';
    for (const encoding of ['utf16le', 'utf16be']) {
      const whole = iconv.encode(text, encoding, { addBOM: true });
      const path = await fixture(`cut-${encoding}.csv`, whole.subarray(0, whole.length - 1));
      const err = await appErrorOf(collectRows(await openTable(path)));
      expect(err.code).toBe('IMPORT_FILE_CORRUPT');
      expect(String(err.details?.reason)).toContain('cut short');
    }
    // Cut between the two halves of a surrogate pair (𠀾, a character of rare names).
    const pair = iconv.encode(`${text}𠀾`, 'utf16le', { addBOM: true });
    const halfErr = await appErrorOf(
      collectRows(await openTable(await fixture('cut-pair.csv', pair.subarray(0, pair.length - 2)))),
    );
    expect(halfErr.code).toBe('IMPORT_FILE_CORRUPT');
    expect(String(halfErr.details?.reason)).toContain('cut short');
    // Whole, it reads.
    const rows = await collectRows(await openTable(await fixture('whole-pair.csv', pair)));
    expect(rows[1]?.cells[2]).toBe('北京市朝阳区𠀾');
  });

  it('fails loudly when bytes after an ASCII-only sample are not UTF-8', async () => {
    const ascii = `name,mobile\n${'Zhang San,13812345678\n'.repeat(4000)}`;
    const path = await fixture(
      'late-gbk.csv',
      Buffer.concat([Buffer.from(ascii), iconv.encode('张三,138\n', 'gbk')]),
    );
    const source = await openTable(path);
    const err = await appErrorOf(collectRows(source));
    expect(err.code).toBe('IMPORT_BAD_ENCODING');
    expect(String(err.params.detail)).toContain('plain ASCII');
    // Forcing the encoding reads it, since ASCII is the same in GBK.
    const rows = await collectRows(await openTable(path, { encoding: 'gbk' }));
    expect(rows.at(-1)?.cells).toEqual(['张三', '138']);
  });

  it('refuses a record that never ends instead of buffering the whole file', async () => {
    const path = await fixture('runaway.csv', `姓名,备注\n张三,"${'很长'.repeat(3 * 1024 * 1024)}\n`);
    const err = await appErrorOf(collectRows(await openTable(path)));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.params).toEqual({ file: 'runaway.csv', format: 'csv' });
    expect(err.details).toMatchObject({ row: 2, column: 'B' });
  });

  it('refuses a file that ends inside a quoted field, naming the row and column of the stray quote', async () => {
    const path = await fixture(
      'stray-quote.csv',
      '姓名,手机,地址\n张三,13812345678,北京\n李四,"13912345678,上海\n王五,13712345678,广州\n',
    );
    const err = await appErrorOf(collectRows(await openTable(path)));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.params).toEqual({ file: 'stray-quote.csv', format: 'csv' });
    expect(err.details).toMatchObject({ row: 3, column: 'B' });
    // The reason names the defect, not the cell: no personal data in the error.
    expect(JSON.stringify(err.details)).not.toMatch(/1391|李四|王五/);
    // A .txt's delimiter is sniffed from the same text: the stray quote is reported the same way.
    const txt = await fixture('stray-quote.txt', '姓名\t手机\n张三\t13812345678\n李四\t"13912345678\n');
    const txtErr = await appErrorOf(collectRows(await openTable(txt)));
    expect(txtErr.code).toBe('IMPORT_FILE_CORRUPT');
    expect(txtErr.details).toMatchObject({ row: 3, column: 'B' });
  });

  it('reports an empty or blank file as empty', async () => {
    expect((await appErrorOf(openTable(await fixture('zero.csv', '')))).code).toBe('IMPORT_EMPTY_FILE');
    expect((await appErrorOf(openTable(await fixture('bom-only.csv', '\ufeff\r\n')))).code).toBe(
      'IMPORT_EMPTY_FILE',
    );
  });
});

describe('openTable file checks', () => {
  it('reports a missing file by its base name only', async () => {
    const err = await appErrorOf(openTable(scratchPath('nowhere/客户名单.csv')));
    expect(err.code).toBe('FILE_NOT_FOUND');
    expect(err.params).toEqual({ path: '客户名单.csv' });
  });

  it('says a folder is a folder, not a missing file (the README: FILE_ACCESS_FAILED, exit 3)', async () => {
    await mkdir(scratchPath('a-folder.csv'));
    const err = await appErrorOf(openTable(scratchPath('a-folder.csv')));
    expect(err.code).toBe('FILE_ACCESS_FAILED');
    expect(err.params).toEqual({ path: 'a-folder.csv', detail: 'it is a folder / 这是一个目录' });
    const facts = await appErrorOf(fileFacts(scratchPath('a-folder.csv')));
    expect(facts.code).toBe('FILE_ACCESS_FAILED');
    expect(facts.params).toEqual({ path: 'a-folder.csv', detail: 'it is a folder / 这是一个目录' });
  });

  it('refuses unsupported extensions', async () => {
    const err = await appErrorOf(openTable(await fixture('客户.pdf', '%PDF-1.4')));
    expect(err.code).toBe('IMPORT_FILE_UNSUPPORTED');
    expect(err.params).toEqual({ ext: '.pdf' });
  });

  it('refuses .xls by extension and by OLE2 signature when renamed', async () => {
    const ole2 = Buffer.alloc(1536);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole2);
    ole2.writeUInt16LE(9, 0x1e); // 512-byte sectors
    ole2.writeInt32LE(0, 0x30); // directory in sector 0
    Buffer.from('Workbook', 'utf16le').copy(ole2, 512);
    for (const name of ['old.xls', 'renamed.xlsx', 'renamed.csv']) {
      const err = await appErrorOf(openTable(await fixture(name, ole2)));
      expect(err.code).toBe('IMPORT_XLS_UNSUPPORTED');
      expect(err.params).toEqual({ file: name });
    }
  });

  it('tells a password-protected workbook apart from a legacy .xls', async () => {
    const ole2 = Buffer.alloc(1536);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole2);
    ole2.writeUInt16LE(9, 0x1e);
    ole2.writeInt32LE(0, 0x30);
    Buffer.from('EncryptedPackage', 'utf16le').copy(ole2, 512 + 128);
    const err = await appErrorOf(openTable(await fixture('locked.xlsx', ole2)));
    expect(err.code).toBe('IMPORT_FILE_CORRUPT');
    expect(err.details).toMatchObject({ reason: expect.stringContaining('password') });
  });

  it('refuses binary content under a text extension', async () => {
    const err = await appErrorOf(
      openTable(await fixture('binary.csv', Buffer.from([1, 0, 2, 0, 0, 0, 3, 255]))),
    );
    expect(err.code).toBe('IMPORT_BAD_ENCODING');
    expect(err.params).toMatchObject({ line: 1, byte: 1 });
  });

  it('reads a file padded with NUL bytes at its end as the text before them', async () => {
    const padded = Buffer.concat([iconv.encode(CUSTOMERS, 'gbk'), Buffer.alloc(4096)]);
    const source = await openTable(await fixture('padded.csv', padded));
    expect(source.encoding).toBe('gb18030');
    expect((await collectRows(source)).map((r) => r.cells)).toEqual(EXPECTED_CELLS);
  });

  it('drops NUL padding that starts after the detection sample, and refuses NULs with text after them', async () => {
    const body = `姓名,手机\n${Array.from({ length: 4000 }, (_, i) => `客户${i},1381234${String(i).padStart(4, '0')}`).join('\n')}`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(SAMPLE_BYTES);
    const padded = await openTable(
      await fixture('padded-late.csv', Buffer.concat([Buffer.from(body), Buffer.alloc(70_000)])),
    );
    const rows = await collectRows(padded);
    expect(rows).toHaveLength(4001);
    expect(rows.at(-1)?.cells).toEqual(['客户3999', '13812343999']);

    const inside = Buffer.concat([Buffer.from(body), Buffer.alloc(16), Buffer.from('\n客户x,13800000000\n')]);
    const err = await appErrorOf(collectRows(await openTable(await fixture('nul-inside.csv', inside))));
    expect(err.code).toBe('IMPORT_BAD_ENCODING');
    expect(err.params).toMatchObject({ detail: expect.stringContaining('NUL') });
    // The byte where the NUL bytes begin, not where the chunk holding them was read from.
    const byte = Buffer.byteLength(body);
    expect(err.params).toMatchObject({ line: 4001, byte });
    expect(err.messageIn('en')).toContain(`line 4001 (byte ${byte})`);
  });

  it('says where NUL bytes inside UTF-16 text are', async () => {
    const text = '姓名,手机\r\n张三,13800138000\r\n李\0四,13900139000\r\n';
    const path = await fixture('nul-utf16.csv', iconv.encode(text, 'utf16be', { addBOM: true }));
    const err = await appErrorOf(collectRows(await openTable(path)));
    expect(err.code).toBe('IMPORT_BAD_ENCODING');
    // The BOM, then two bytes a character.
    expect(err.params).toMatchObject({ line: 3, byte: 2 + 2 * text.indexOf('\0') });
  });
});
