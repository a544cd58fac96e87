import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../kernel/errors/app-error.js';
import { detectEncoding, resolveEncodingName, SAMPLE_BYTES } from './encoding.js';
import { appErrorThrownBy } from './test-support.js';

const CSV = '姓名,手机号码,地址\n张三,13812345678,浙江省杭州市滨江区\n李四,13987654321,北京市朝阳区\n';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
  return undefined;
}

describe('detectEncoding', () => {
  it('trusts byte order marks first', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({
      encoding: 'utf8-bom',
      confidence: 1,
    });
    expect(detectEncoding(iconv.encode(CSV, 'utf16le', { addBOM: true })).encoding).toBe('utf16le');
    expect(detectEncoding(iconv.encode(CSV, 'utf16be', { addBOM: true })).encoding).toBe('utf16be');
  });

  it('recognises UTF-8 and GBK Chinese text', () => {
    const utf8 = detectEncoding(Buffer.from(CSV, 'utf8'));
    expect(utf8.encoding).toBe('utf8');
    expect(utf8.confidence).toBeGreaterThan(0.9);
    const gbk = detectEncoding(iconv.encode(CSV, 'gbk'));
    expect(gbk.encoding).toBe('gb18030');
    expect(gbk.confidence).toBeGreaterThan(0.9);
  });

  it('recognises Big5 (traditional Chinese from Taiwan and Hong Kong) only where GBK makes no sense', () => {
    const taiwan =
      '姓名,手機,地址,公司名稱\n陳美玲,+886 912 345 678,臺北市大安區忠孝東路四段100號,台灣積體電路製造股份有限公司\n' +
      '林志明,0922-111-222,高雄市前鎮區中山二路5號,鴻海精密工業股份有限公司\n黃淑芬,0933222333,新北市板橋區文化路一段50號,\n';
    expect(detectEncoding(iconv.encode(taiwan, 'big5')).encoding).toBe('big5');
    // Hong Kong: 香港九龍旺角彌敦道.
    const hongKong =
      '姓名,電話,地址\n李嘉欣,+852 9123 4567,香港九龍旺角彌敦道688號\n張學友,+852 6123 4567,香港島中環皇后大道中99號\n';
    expect(detectEncoding(iconv.encode(hongKong, 'big5')).encoding).toBe('big5');
    // Simplified text stays GBK even where its bytes would also decode as Big5.
    expect(detectEncoding(iconv.encode(CSV, 'gbk')).encoding).toBe('gb18030');
  });

  it('reports low confidence for plain ASCII, which says nothing about later bytes', () => {
    expect(detectEncoding(Buffer.from('name,mobile\nZhang San,13812345678\n'))).toEqual({
      encoding: 'utf8',
      confidence: 0.5,
    });
  });

  it('accepts a sample whose 64 KiB cut-off falls inside a multi-byte character', () => {
    const text = `姓名,备注\n${'张三,很长的备注文字\n'.repeat(5000)}`;
    const bytes = Buffer.from(text, 'utf8');
    // 姓名,备注\n is 14 bytes and each record 28, so byte 65536 is inside a 3-byte character.
    const cut = bytes.subarray(0, SAMPLE_BYTES);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(cut)).toThrow();
    expect(detectEncoding(cut).encoding).toBe('utf8');
  });

  it('accepts a GBK sample cut inside a two-byte character', () => {
    const bytes = iconv.encode(`姓名\n${'张三\n'.repeat(20000)}`, 'gbk');
    expect(detectEncoding(bytes.subarray(0, 1000 * 5 + 6)).encoding).toBe('gb18030');
  });

  it('catches UTF-16 without a byte order mark before reading it as UTF-8', () => {
    expect(detectEncoding(iconv.encode(CSV, 'utf16le')).encoding).toBe('utf16le');
    expect(detectEncoding(iconv.encode(CSV, 'utf16be')).encoding).toBe('utf16be');
  });

  it('refuses text that is neither UTF-8 nor plausible GB18030 or Big5', () => {
    expect(codeOf(() => detectEncoding(iconv.encode('Müller,Straße,café\n', 'latin1')))).toBe(
      'IMPORT_BAD_ENCODING',
    );
    expect(codeOf(() => detectEncoding(Buffer.from([0x41, 0, 0, 0, 7, 0, 0, 0x42, 0x43])))).toBe(
      'IMPORT_BAD_ENCODING',
    );
  });
});

describe('where detection fails', () => {
  it('gives the line and byte of NUL bytes in the sample', () => {
    const bytes = Buffer.from('name,mobile\r\nZhang\0San,13812345678\n', 'latin1');
    const err = appErrorThrownBy(() => detectEncoding(bytes, 'nul.csv'));
    expect(err.code).toBe('IMPORT_BAD_ENCODING');
    expect(err.params).toMatchObject({ file: 'nul.csv', line: 2, byte: 18 });
    expect(err.messageIn('en')).toContain('binary content (NUL bytes) at line 2 (byte 18)');
    expect(err.messageIn('zh')).toContain('第 2 行（第 18 字节）');
  });

  it('calls UTF-8 with a few bad bytes damaged, saying where, instead of advising another encoding', () => {
    const lines = Array.from(
      { length: 60 },
      (_, i) => `客户${i},1380013${String(i).padStart(4, '0')},浙江省杭州市`,
    );
    const before = Buffer.from(`${lines.slice(0, 50).join('\r\n')}\r\n客户50,`, 'utf8');
    const after = Buffer.from(`,杭州\r\n${lines.slice(51).join('\r\n')}\r\n`, 'utf8');
    // Two bytes of GBK (你) pasted into line 51.
    const sample = Buffer.concat([before, Buffer.from([0xc4, 0xe3]), after]);
    const err = appErrorThrownBy(() => detectEncoding(sample, 'damaged.csv'));
    expect(err.code).toBe('IMPORT_BAD_ENCODING');
    expect(err.params).toMatchObject({ line: 51, byte: before.length });
    expect(err.messageIn('en')).toContain(`line 51 (byte ${before.length})`);
    expect(err.messageIn('en')).toContain('damaged');
    expect(err.messageIn('en')).not.toContain('set --encoding');
    expect(err.messageIn('zh')).toContain(`第 51 行（第 ${before.length} 字节）`);
    expect(err.messageIn('zh')).not.toContain('可用 --encoding 指定');
    // Whole GBK text is still GBK: its byte pairs only now and then form UTF-8.
    expect(detectEncoding(iconv.encode(lines.join('\r\n'), 'gbk')).encoding).toBe('gb18030');
  });
});

describe('resolveEncodingName', () => {
  it('accepts the usual names and refuses unknown ones', () => {
    // GBK and GB2312 are read as GB18030, their superset, so four-byte characters (䶮) are not refused.
    expect(resolveEncodingName('GBK', 'a.csv')).toBe('gb18030');
    expect(resolveEncodingName('gb2312', 'a.csv')).toBe('gb18030');
    expect(resolveEncodingName('utf-16le', 'a.csv')).toBe('utf-16le');
    expect(resolveEncodingName('utf8-bom', 'a.csv')).toBe('utf8');
    expect(codeOf(() => resolveEncodingName('klingon-8', 'a.csv'))).toBe('IMPORT_BAD_ENCODING');
  });
});
