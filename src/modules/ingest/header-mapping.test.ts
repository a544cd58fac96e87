import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors/app-error.js';
import {
  HEADER_SYNONYMS,
  loadMappingFile,
  looksLikeHeaderRow,
  mapHeaders,
  normaliseHeader,
  PHONE_HEADERS,
} from './header-mapping.js';
import { appErrorThrownBy } from './readers/test-support.js';

function fieldsOf(headers: string[], override?: Record<string, string>): (string | null)[] {
  return mapHeaders(headers, override).map((m) => m.field);
}

describe('normaliseHeader', () => {
  it('ignores width, case, required marks, spaces and bracketed notes', () => {
    expect(normaliseHeader(' *手机号码（必填） ')).toBe('手机号码');
    expect(normaliseHeader('＊客户名称【必填】')).toBe('客户名称');
    expect(normaliseHeader('出生日期(yyyy-mm-dd)')).toBe('出生日期');
    expect(normaliseHeader('【选填】邮箱')).toBe('邮箱');
    expect(normaliseHeader('Ｅ－ｍａｉｌ')).toBe('email');
    expect(normaliseHeader('Full  Name')).toBe('fullname');
    expect(normaliseHeader('（备注）')).toBe('备注');
    expect(normaliseHeader('\ufeff姓名')).toBe('姓名');
  });
});

describe('HEADER_SYNONYMS', () => {
  it('never gives one header text to two fields', () => {
    const owner = new Map<string, string>();
    for (const [field, synonyms] of Object.entries(HEADER_SYNONYMS)) {
      for (const synonym of [field, ...synonyms]) {
        const key = normaliseHeader(synonym);
        expect(owner.get(key) ?? field, `${synonym} is claimed twice`).toBe(field);
        owner.set(key, field);
      }
    }
    // A phone header (mobile or landline, decided per sheet) is no field's synonym.
    for (const phone of PHONE_HEADERS) expect(owner.get(normaliseHeader(phone)), phone).toBeUndefined();
  });
});

describe('mapHeaders', () => {
  it('maps the headers of a typical CRM export by synonym', () => {
    const headers = [
      '*客户名称',
      '联系人',
      '手机号码（必填）',
      '身份证号',
      'E-mail',
      'QQ号',
      '备注',
      '自定义字段',
    ];
    expect(mapHeaders(headers)).toEqual([
      { column: 1, header: '*客户名称', field: 'companyName', via: 'synonym' },
      { column: 2, header: '联系人', field: 'name', via: 'synonym' },
      { column: 3, header: '手机号码（必填）', field: 'mobile', via: 'synonym' },
      { column: 4, header: '身份证号', field: 'idNumber', via: 'synonym' },
      { column: 5, header: 'E-mail', field: 'email', via: 'synonym' },
      { column: 6, header: 'QQ号', field: 'qq', via: 'synonym' },
      { column: 7, header: '备注', field: 'notes', via: 'synonym' },
      { column: 8, header: '自定义字段', field: null, via: 'none' },
    ]);
  });

  it('maps a member list with units in its headers and the business fields shops keep', () => {
    expect(
      fieldsOf([
        '会员姓名',
        '会员等级',
        '累计消费金额(元)',
        '消费总额（元）',
        '来源渠道',
        '护照号码',
        '出生年月日',
        '微信账号',
        '最近跟进时间',
        '下次跟进时间',
        '客户标签',
        '公司简称',
        '首次购买日期',
      ]),
    ).toEqual([
      'name',
      'level',
      'amount',
      null, // the amount is taken by the column before
      'source',
      'passport',
      'birthday',
      'wechat',
      'lastFollowAt',
      'nextFollowAt',
      'tags',
      'shortName', // in a contact's row, it goes to the contact's company
      null,
    ]);
  });

  it('maps the traditional-character headers of lists from Taiwan and Hong Kong', () => {
    expect(
      fieldsOf([
        '姓名',
        '手機號碼',
        '行動電話',
        '電子郵件',
        '聯絡地址',
        '公司名稱',
        '客戶級別',
        '備註',
        '統一編號',
      ]),
    ).toEqual([
      'name',
      'mobile',
      null, // the mobile is taken by the column before
      'email',
      'address',
      'companyName',
      'level',
      'notes',
      null, // Taiwan's 8-digit business number is no USCC
    ]);
    expect(fieldsOf(['聯絡人', '聯絡電話'])).toEqual(['name', 'mobile']);
  });

  it('reads back field keys used as headers', () => {
    expect(fieldsOf(['idNumber', 'companyName', 'bankAccount'])).toEqual([
      'idNumber',
      'companyName',
      'bankAccount',
    ]);
  });

  it('keeps the first of two columns aiming at one field', () => {
    expect(mapHeaders(['手机', '手机号码', ''])).toEqual([
      { column: 1, header: '手机', field: 'mobile', via: 'synonym' },
      { column: 2, header: '手机号码', field: null, via: 'none' },
      { column: 3, header: '', field: null, via: 'none' },
    ]);
  });

  it('maps a 电话 column to the mobile, or to the landline when a column names the mobile, wherever it stands', () => {
    const fields = (headers: string[]) => mapHeaders(headers).map((m) => m.field);
    expect(fields(['姓名', '联系电话'])).toEqual(['name', 'mobile']);
    expect(fields(['姓名', '电话', '手机号'])).toEqual(['name', 'landline', 'mobile']);
    expect(fields(['联系方式', '座机', '手机'])).toEqual([null, 'landline', 'mobile']);
    expect(fields(['电话', 'Tel'])).toEqual(['mobile', 'landline']);
    // An override still wins, and leaves the phone column the field it did not take.
    expect(mapHeaders(['电话', '备用'], { 备用: 'mobile' }).map((m) => m.field)).toEqual([
      'landline',
      'mobile',
    ]);
  });

  it('applies overrides by header text, column letter and number, and "-" to ignore', () => {
    const headers = ['客户', '电话', '手机', '微信'];
    expect(mapHeaders(headers, { 客户: 'name', B: 'landline', '3': '-', 微信: 'notes' })).toEqual([
      { column: 1, header: '客户', field: 'name', via: 'override' },
      { column: 2, header: '电话', field: 'landline', via: 'override' },
      { column: 3, header: '手机', field: null, via: 'override' },
      { column: 4, header: '微信', field: 'notes', via: 'override' },
    ]);
  });

  it('keeps the first of two overrides aiming at one field', () => {
    expect(mapHeaders(['甲', '乙'], { A: 'mobile', B: 'mobile' }).map((m) => [m.field, m.via])).toEqual([
      ['mobile', 'override'],
      [null, 'none'],
    ]);
  });

  it('lets an override win a field over an earlier synonym column', () => {
    expect(mapHeaders(['手机', '常用手机'], { 常用手机: 'mobile' })).toEqual([
      { column: 1, header: '手机', field: null, via: 'none' },
      { column: 2, header: '常用手机', field: 'mobile', via: 'override' },
    ]);
  });

  it('prefers a header called like a column letter over the letter', () => {
    expect(fieldsOf(['姓名', '手机', 'QQ'], { qq: 'wechat' })).toEqual(['name', 'mobile', 'wechat']);
  });

  it('ignores override headers absent from the file but refuses bad targets and columns', () => {
    expect(fieldsOf(['姓名'], { 不存在的列: 'mobile' })).toEqual(['name']);
    expect(appErrorThrownBy(() => mapHeaders(['姓名'], { 姓名: 'not a key!' })).code).toBe(
      'IMPORT_MAPPING_INVALID',
    );
    expect(appErrorThrownBy(() => mapHeaders(['姓名'], { D: 'mobile' })).code).toBe('IMPORT_MAPPING_INVALID');
    expect(appErrorThrownBy(() => mapHeaders(['姓名', '手机'], { A: 'name', 姓名: 'notes' })).code).toBe(
      'IMPORT_MAPPING_INVALID',
    );
  });
});

describe('loadMappingFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custodian-mapping-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function file(name: string, content: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  it('reads the wrapped and the flat form, with or without BOM', async () => {
    const wrapped = await file('wrapped.json', '\ufeff{"columns": {"客户": "name", "C": "-"}, "version": 1}');
    expect(await loadMappingFile(wrapped)).toEqual({ 客户: 'name', C: '-' });
    const flat = await file('flat.json', '{"电话": "landline"}');
    expect(await loadMappingFile(flat)).toEqual({ 电话: 'landline' });
  });

  it('keeps a column whose header is __proto__ like any other (an object literal would drop it)', async () => {
    const odd = await loadMappingFile(await file('proto.json', '{"columns": {"__proto__": "email"}}'));
    expect(Object.keys(odd)).toEqual(['__proto__']);
    expect(fieldsOf(['姓名', '__proto__'], odd)).toEqual(['name', 'email']);
  });

  it('refuses bad shapes without quoting the file', async () => {
    const cases: Record<string, string> = {
      'broken.json': '{"客户": ',
      'array.json': '["name"]',
      'number.json': '{"columns": {"客户": 3}}',
      'bad-key.json': '{"客户": "name; drop"}',
    };
    for (const [name, content] of Object.entries(cases)) {
      const err = await loadMappingFile(await file(name, content)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('IMPORT_MAPPING_INVALID');
      expect(String((err as AppError).params.detail)).not.toContain(dir);
    }
  });

  it('reports a missing file by base name', async () => {
    const err = (await loadMappingFile(join(dir, 'missing.json')).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('FILE_NOT_FOUND');
    expect(err.params).toEqual({ path: 'missing.json' });
    const folder = (await loadMappingFile(dir).catch((e: unknown) => e)) as AppError;
    expect(folder.code).toBe('FILE_ACCESS_FAILED');
    expect(folder.params).toEqual({ path: basename(dir), detail: 'it is a folder / 这是一个目录' });
  });
});

describe('looksLikeHeaderRow', () => {
  it('takes rows of known headers, not titles, notes or data', () => {
    expect(looksLikeHeaderRow(['姓名', '手机号码（必填）', '备注'])).toBe(true);
    expect(looksLikeHeaderRow(['手机'])).toBe(true);
    expect(looksLikeHeaderRow(['2024年客户名单'])).toBe(false);
    expect(looksLikeHeaderRow(['制表日期：', '2024-03-01'])).toBe(false);
    expect(looksLikeHeaderRow(['张三', '13812345678', '浙江省杭州市'])).toBe(false);
    // One known header among several unknown ones is not enough.
    expect(looksLikeHeaderRow(['客户名单', '姓名', '2024'])).toBe(false);
    expect(looksLikeHeaderRow([])).toBe(false);
  });

  it('counts headers the mapping file names, but not its column letters', () => {
    expect(looksLikeHeaderRow(['会员号', '联络人'], { 会员号: 'custom1', 联络人: 'name' })).toBe(true);
    expect(looksLikeHeaderRow(['甲', '乙'], { A: 'name', B: 'mobile' })).toBe(false);
  });
});
