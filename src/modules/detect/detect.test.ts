import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors/app-error.js';
import { idNumberCheckChar } from '../../kernel/identifiers/checksums.js';
import { detectFile, isFilePath } from './detect.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-detect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('isFilePath', () => {
  const codeOf = (arg: string): string => {
    try {
      return String(isFilePath(arg));
    } catch (err) {
      return err instanceof AppError ? err.code : 'thrown';
    }
  };

  it('reads an existing file, scans text, and refuses a file name that names no file or a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-isfile-'));
    try {
      writeFileSync(join(dir, 'a.csv'), '姓名\n');
      expect(codeOf(join(dir, 'a.csv'))).toBe('true');
      expect(codeOf('手机13912345678，附件 a.csv')).toBe('false');
      // A mistyped name scanned as text would say "nothing found", as if the file held no personal data.
      expect(codeOf(join(dir, 'b.csv'))).toBe('FILE_NOT_FOUND');
      expect(codeOf('客户名单.XLSX')).toBe('FILE_NOT_FOUND');
      expect(codeOf(dir)).toBe('FILE_ACCESS_FAILED');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('detectFile', () => {
  it('maps columns as an import would: region parts, a number column by content, 序号 left out', async () => {
    const path = join(dir, 'list.csv');
    writeFileSync(
      path,
      [
        '序号,姓名,号码,省份,城市,累计消费金额(元)',
        '1,张伟,13812345678,浙江省,杭州市,"1,280.00"',
        '2,李娜,139-1234-5679,上海市,上海市,560',
        '3,王芳,+852 9123 4567,香港,,12000',
      ].join('\n'),
    );
    const r = await detectFile(path);
    if (r.mode !== 'file') throw new Error('expected a file result');
    const by = new Map(r.columns.map((c) => [c.header, c]));
    expect(by.get('序号')).toMatchObject({ mappedField: null, suggestedField: null });
    expect(by.get('姓名')).toMatchObject({ mappedField: 'name' });
    expect(by.get('号码')).toMatchObject({
      mappedField: null,
      suggestedField: 'mobile',
      detected: { kind: 'mobile', matched: 3 },
      examples: ['138****5678', '139****5679', '+852 ****4567'],
    });
    expect(by.get('省份')?.mappedField).toBe('region');
    expect(by.get('城市')?.mappedField).toBe('region');
    expect(by.get('累计消费金额(元)')).toMatchObject({
      mappedField: 'amount',
      examples: ['***', '***', '***'],
    });
  });

  it("counts the children under 14 among an ID-number column's values (PIPL Art. 28, 31)", async () => {
    const id = (first17: string) => first17 + idNumberCheckChar(first17);
    const path = join(dir, 'family.csv');
    // Born 2020: under 14 until 2034.
    writeFileSync(
      path,
      ['姓名,身份证号', `张小宝,${id('11010520200301001')}`, `张伟,${id('11010519800301001')}`].join('\n'),
    );
    const r = await detectFile(path);
    if (r.mode !== 'file') throw new Error('expected a file result');
    expect(r.columns.find((c) => c.header === '身份证号')?.detected).toMatchObject({
      kind: 'id-number',
      sensitive: true,
      minorsUnder14: 1,
    });
  });
});
