import { describe, expect, it } from 'vitest';
import { sampleSheets } from './file-scan.js';
import { looksLikeHeaderRow } from './header-mapping.js';
import { openTable } from './readers/index.js';
import { appErrorOf, scratchFixtures } from './readers/test-support.js';

const { fixture } = scratchFixtures();

const open = async (name: string, content: string) =>
  openTable(await fixture(name, content), { isHeader: (cells) => looksLikeHeaderRow(cells) });

describe('sampleSheets and a file without a header row', () => {
  it('refuses a first row holding identifiers, naming the cell and its kind but not the value', async () => {
    const source = await open(
      '无表头.csv',
      '王小明,13866667777,110105199003071239,wxm@example.com\n李小花,13866668888,11010519491231002X,lxh@example.com\n',
    );
    const err = await appErrorOf(sampleSheets(source));
    expect(err.code).toBe('IMPORT_NO_HEADER');
    expect(err.params).toEqual({
      sheet: '无表头',
      row: 1,
      column: 'B',
      kindZh: '手机号',
      kind: 'a mobile number',
    });
    expect(err.message).not.toContain('13866667777');
    expect(err.message).not.toContain('王小明');
  });

  it('finds an ID number or an email in the fallback header too', async () => {
    const id = await appErrorOf(sampleSheets(await open('id.csv', '客户甲,11010519491231002X\n')));
    expect(id.params).toMatchObject({ column: 'B', kind: 'an ID number' });
    const mail = await appErrorOf(sampleSheets(await open('mail.csv', '备注,a.b@example.com\n')));
    expect(mail.params).toMatchObject({ column: 'B', kind: 'an email address' });
  });

  it('takes headers with notes, numbers and symbols as headers', async () => {
    const samples = await sampleSheets(
      await open(
        'ok.csv',
        '序号,姓名,手机号码（必填）,2024年消费,邮箱(E-mail)\n1,张三,13800138000,100,a@b.cn\n',
      ),
    );
    expect(samples.get('ok')?.headers).toEqual([
      '序号',
      '姓名',
      '手机号码（必填）',
      '2024年消费',
      '邮箱(E-mail)',
    ]);
    expect(samples.get('ok')?.rows).toBe(1);
  });
});
