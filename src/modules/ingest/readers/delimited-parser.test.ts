import { describe, expect, it } from 'vitest';
import { DelimitedParser, RecordTooLongError, UnclosedQuoteError } from './delimited-parser.js';
import { sniffDelimiter } from './delimiter-sniffer.js';

function parseAll(text: string, delimiter = ',', chunkSize = text.length || 1): string[][] {
  const parser = new DelimitedParser(delimiter);
  const records: string[][] = [];
  for (let i = 0; i < text.length; i += chunkSize) records.push(...parser.push(text.slice(i, i + chunkSize)));
  records.push(...parser.end());
  return records;
}

const TRICKY = 'a,"b,1","say ""hi""\r\nnext line"\r\n"",x,\n\nlast,"q"';
const EXPECTED = [['a', 'b,1', 'say "hi"\r\nnext line'], ['', 'x', ''], [''], ['last', 'q']];

describe('DelimitedParser', () => {
  it('handles quoted delimiters, line breaks and doubled quotes', () => {
    expect(parseAll(TRICKY)).toEqual(EXPECTED);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 5, 7]) expect(parseAll(TRICKY, ',', size)).toEqual(EXPECTED);
  });

  it('ends records at CRLF, LF and lone CR, and does not invent a record after the last break', () => {
    expect(parseAll('a\r\nb\rc\nd\n')).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(parseAll('a,b,')).toEqual([['a', 'b', '']]);
    expect(parseAll('')).toEqual([]);
  });

  it('keeps text after a closing quote and quotes inside unquoted text, as Excel does', () => {
    expect(parseAll('"ab"c,d"e\n')).toEqual([['abc', 'd"e']]);
  });

  it('refuses text that ends inside a quoted field, naming the record and the field it opened', () => {
    // Read as one field, the rest of the file would land in a customer's cell and its rows vanish.
    const parser = new DelimitedParser(',');
    expect(parser.push('h1,h2\nx,y\na,"open\nstill,more\n')).toEqual([
      ['h1', 'h2'],
      ['x', 'y'],
    ]);
    expect(() => parser.end()).toThrow(UnclosedQuoteError);
    expect(() => new DelimitedParser(',').end()).not.toThrow();
    const again = new DelimitedParser(',');
    again.push('h1,h2\nx,y\na,"open\nstill,more\n');
    expect(() => again.end()).toThrow(expect.objectContaining({ recordNumber: 3, fieldIndex: 1 }));
    // A quoted field closed by the last character is complete.
    expect(parseAll('a,"closed"')).toEqual([['a', 'closed']]);
    expect(parseAll('a,"say ""hi"""')).toEqual([['a', 'say "hi"']]);
  });

  it('bounds the size of one record', () => {
    const parser = new DelimitedParser(',', 10);
    expect(() => parser.push('ok\n"this never ends')).toThrow(RecordTooLongError);
    const wide = new DelimitedParser(',', 10);
    expect(() => wide.push('a,b,"this never ends')).toThrow(
      expect.objectContaining({ recordNumber: 1, fieldIndex: 2 }),
    );
  });

  it('supports other delimiters, including regex metacharacters', () => {
    expect(parseAll('a|b|"c|d"\n', '|')).toEqual([['a', 'b', 'c|d']]);
    expect(parseAll('a\tb\n', '\t')).toEqual([['a', 'b']]);
  });
});

describe('sniffDelimiter', () => {
  it('picks the delimiter that splits the lines consistently', () => {
    expect(sniffDelimiter('姓名\t手机\t备注\n张三\t138\t"a,b"\n', true)).toBe('\t');
    expect(sniffDelimiter('姓名;手机;地址\n张三;138;"杭州, 滨江"\n李四;139;北京\n', true)).toBe(';');
    expect(sniffDelimiter('姓名|手机\n张三|138\n', true)).toBe('|');
    expect(sniffDelimiter('name,mobile,notes\nZhang,138,"a;b;c"\n', true)).toBe(',');
  });

  it('treats a file without any candidate as one column', () => {
    expect(sniffDelimiter('13812345678\n13987654321\n', true)).toBe('\t');
    expect(sniffDelimiter('13812345678\n13987654321\n', true, ',')).toBe(',');
  });

  it("keeps a .csv's comma unless another delimiter explains more of its records", () => {
    // Unquoted ;-separated multi-values vary from row to row; the commas do not.
    const multiValues = '姓名,手机,购买记录\n张三,138,电饭煲;台灯\n李四,139,茶叶\n王五,137,a;b;c\n';
    expect(sniffDelimiter(multiValues, true, ',')).toBe(',');
    // Even where semicolons happen to agree as often: ties go to the comma.
    expect(sniffDelimiter('姓名,备注\n张三,a;b\n李四,c;d\n', true, ',')).toBe(',');
    // Excel's "Unicode text" saved as .csv: tabs, with commas inside addresses.
    const tabs = '姓名\t手机\t地址\n张三\t138\t杭州市, 滨江区\n李四\t139\t北京市\n';
    expect(sniffDelimiter(tabs, true, ',')).toBe('\t');
    // European Excel: semicolons, decimal commas in amounts.
    const semicolons = '姓名;手机;累计消费\n张三;138;1,5\n李四;139;2\n王五;137;3,25\n';
    expect(sniffDelimiter(semicolons, true, ',')).toBe(';');
  });
});
