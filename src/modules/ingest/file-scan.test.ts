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

  it('refuses a first row of a name and an address when no cell is a known column name', async () => {
    const names = await appErrorOf(
      sampleSheets(await open('names.csv', '金卡,王小明,会员\n银卡,李小花,会员\n普卡,赵大海,非会员\n')),
    );
    expect(names.code).toBe('IMPORT_NO_HEADER');
    expect(names.params).toMatchObject({ row: 1, column: 'B', kind: 'a personal name', kindZh: '人名' });
    expect(names.message).not.toContain('王小明');
    const address = await appErrorOf(
      sampleSheets(
        await open('addr.csv', '金卡,上海市浦东新区世纪大道 100 号\n银卡,广州市天河区体育西路 1 号\n'),
      ),
    );
    expect(address.params).toMatchObject({ column: 'B', kind: 'an address', kindZh: '地址' });
    expect(address.message).not.toContain('世纪大道');
    // A header that reads as an address, over values that are not addresses, is a header.
    const street = await sampleSheets(
      await open('street.csv', '所在省市区街道门牌号,会员\n是,金卡\n否,银卡\n'),
    );
    expect(street.get('street')?.headers).toEqual(['所在省市区街道门牌号', '会员']);
  });

  it('takes a row with one known column name, or names the mapping file gives, as the header', async () => {
    // 地址 is known, so 王经理 is a column name here, not a customer.
    const known = await sampleSheets(await open('known.csv', '王经理,地址\n金卡,北京市朝阳区建国路 8 号\n'));
    expect(known.get('known')?.headers).toEqual(['王经理', '地址']);
    // Words that read as names head columns of numbers and dates: a header.
    const amounts = await sampleSheets(await open('amounts.csv', '成交价,金额数,日期\n100,200,2024-01-02\n'));
    expect(amounts.get('amounts')?.headers).toEqual(['成交价', '金额数', '日期']);
    // Names above names, but the mapping file names the columns.
    const custom = '王经理,李经理\n张小明,赵大海\n';
    expect((await appErrorOf(sampleSheets(await open('custom.csv', custom)))).code).toBe('IMPORT_NO_HEADER');
    const mapped = await sampleSheets(await open('mapped.csv', custom), 1000, 200, { 王经理: 'notes' });
    expect(mapped.get('mapped')?.headers).toEqual(['王经理', '李经理']);
  });
});
