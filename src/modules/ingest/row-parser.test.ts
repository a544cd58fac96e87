import { describe, expect, it } from 'vitest';
import { idNumberCheckChar } from '../../kernel/identifiers/checksums.js';
import type { FieldDef } from '../customers/customer-types.js';
import { DEFAULT_FIELDS } from '../customers/default-fields.js';
import { ColumnStats } from './column-stats.js';
import { cellText } from './readers/cell-text.js';
import { kindFromCell, parseRow } from './row-parser.js';
import { planSheet } from './sheet-plan.js';

const catalog = new Map<string, FieldDef>(DEFAULT_FIELDS.map((d) => [d.key, { ...d, builtin: true }]));
const plan = planSheet(
  's',
  ['客户类型', '姓名', '手机', '身份证号', '邮箱', '客户名称', '统一社会信用代码', '标签', '备注2'],
  {},
  catalog,
);
const strict = { lenient: false, defaultKind: null };

describe('parseRow', () => {
  it('maps the 客户类型 column and leaves unknown headers unmapped', () => {
    expect(plan.kindColumn).toBe(0);
    expect(plan.columns.map((c) => c.field)).toEqual([
      'kind',
      'name',
      'mobile',
      'idNumber',
      'email',
      'companyName',
      'uscc',
      'tags',
      null,
    ]);
    expect(kindFromCell(' 企业 ')).toBe('company');
    expect(kindFromCell('Contact')).toBe('contact');
    expect(kindFromCell('供应商')).toBeNull();
    expect(kindFromCell('個人')).toBe('individual');
    expect(kindFromCell('企業客戶')).toBe('company');
    expect(kindFromCell('聯絡人')).toBe('contact');
    expect(kindFromCell('个体工商户')).toBe('company');
  });

  it('infers the kind: person + company -> contact, company only -> company, else individual', () => {
    const contact = parseRow(plan, ['', '王五', '13800138000', '', '', '某某有限公司'], strict);
    expect(contact).toMatchObject({
      type: 'valid',
      kind: 'contact',
      company: { companyName: '某某有限公司' },
    });
    expect(parseRow(plan, ['', '', '', '', '', '某某有限公司', '91350100M000100Y43'], strict)).toMatchObject({
      kind: 'company',
    });
    expect(parseRow(plan, ['', '王五', '+86 138-0013-8000'], strict)).toMatchObject({
      kind: 'individual',
      values: { name: '王五', mobile: '13800138000' },
    });
  });

  it('splits list fields on ; and ；', () => {
    expect(parseRow(plan, ['个人', '王五', '', '', '', '', '', '重要；老客户;VIP'], strict)).toMatchObject({
      values: { tags: ['重要', '老客户', 'VIP'] },
    });
  });

  it('rejects with one reason per invalid cell, naming column and header but never the value', () => {
    const r = parseRow(plan, ['个人', '王五', '1380013800', '110105194912310021', 'a@@b.cn'], strict);
    expect(r.type).toBe('rejected');
    if (r.type !== 'rejected') return;
    expect(r.reasons).toEqual([
      { code: 'MOBILE_FORMAT', column: 'C', header: '手机', field: 'mobile' },
      { code: 'ID_CHECKSUM', column: 'D', header: '身份证号', field: 'idNumber' },
      { code: 'EMAIL_FORMAT', column: 'E', header: '邮箱', field: 'email' },
    ]);
    expect(JSON.stringify(r)).not.toContain('1380013800');
  });

  it('lenient: drops the invalid cell and flags it; still rejects a row left with nothing identifying', () => {
    const r = parseRow(plan, ['个人', '王五', '', '110105194912310021'], {
      lenient: true,
      defaultKind: null,
    });
    expect(r).toMatchObject({ type: 'valid', flags: ['lenient:idNumber'], values: { name: '王五' } });
    const empty = parseRow(plan, ['个人', '', '', '110105194912310021'], {
      lenient: true,
      defaultKind: null,
    });
    expect(empty).toMatchObject({
      type: 'rejected',
      reasons: [{ code: 'ID_CHECKSUM' }, { code: 'NOT_IDENTIFYING', column: null }],
    });
  });

  it('rejects a contact without its company, an unknown type and blank rows are blank', () => {
    expect(parseRow(plan, ['联系人', '王五', '13800138000'], strict)).toMatchObject({
      reasons: [{ code: 'PARENT_REQUIRED' }],
    });
    expect(parseRow(plan, ['供应商', '王五'], strict)).toMatchObject({
      reasons: [{ code: 'KIND_UNKNOWN', column: 'A' }],
    });
    expect(parseRow(plan, ['  ', ''], strict)).toEqual({ type: 'blank' });
    expect(parseRow(plan, ['个人', '', '', '', '', '某公司'], strict)).toMatchObject({
      reasons: [{ code: 'FIELD_NOT_FOR_KIND', column: 'F' }, { code: 'NOT_IDENTIFYING' }],
    });
  });

  it("gives a contact row's company-only fields (公司网址, 简称) to its company; others keep none", () => {
    const list = planSheet('s', ['客户名称', '姓名', '手机', '公司网址', '公司简称', '性别'], {}, catalog);
    expect(
      parseRow(list, ['某某有限公司', '王五', '13800138000', 'www.mm.cn', '某某', '男'], strict),
    ).toEqual({
      type: 'valid',
      kind: 'contact',
      values: { companyName: '某某有限公司', name: '王五', mobile: '13800138000', gender: '男' },
      flags: [],
      company: { companyName: '某某有限公司', values: { website: 'www.mm.cn', shortName: '某某' } },
    });
    // An individual has no company to give them to: the cell is refused, the row stays a person's.
    expect(parseRow(list, ['', '王五', '13800138000', 'www.mm.cn', '', ''], strict)).toMatchObject({
      reasons: [{ code: 'FIELD_NOT_FOR_KIND', column: 'D', field: 'website' }],
    });
    // A company's own row keeps them.
    expect(parseRow(list, ['某某有限公司', '', '', 'www.mm.cn', '', ''], strict)).toMatchObject({
      kind: 'company',
      values: { companyName: '某某有限公司', website: 'www.mm.cn' },
      company: null,
    });
  });

  it("makes a contact of the person a company's own row names (联系人, 手机); the company keeps its fields", () => {
    const crm = planSheet(
      's',
      ['客户类型', '客户名称', '联系人', '手机', '职务', '地址', '网址'],
      {},
      catalog,
    );
    expect(
      parseRow(
        crm,
        ['企业', '某某有限公司', '王五', '13800138000', '经理', '北京市朝阳区', 'www.mm.cn'],
        strict,
      ),
    ).toEqual({
      type: 'valid',
      kind: 'contact',
      values: { companyName: '某某有限公司', name: '王五', mobile: '13800138000', title: '经理' },
      flags: ['import:contact-from-company-row'],
      company: {
        companyName: '某某有限公司',
        values: { address: '北京市朝阳区', website: 'www.mm.cn' },
      },
    });
    // Without a person in it, a company row stays a company.
    expect(parseRow(crm, ['企业', '某某有限公司', '', '', '', '北京市朝阳区', ''], strict)).toMatchObject({
      kind: 'company',
      values: { companyName: '某某有限公司', address: '北京市朝阳区' },
    });
  });

  it("flags a child under 14 by the ID number's birth date, else by 生日 (PIPL Art. 28, 31)", () => {
    const today = new Date('2025-06-01T00:00:00+08:00');
    const kids = planSheet('s', ['姓名', '身份证号', '生日'], {}, catalog);
    const id = (first17: string) => first17 + idNumberCheckChar(first17);
    const at = { ...strict, today };
    // Born 2011-06-02: 13 on 2025-06-01. Born 2011-06-01: 14 that day.
    expect(parseRow(kids, ['张小宝', id('11010520110602001'), ''], at)).toMatchObject({
      flags: ['minor:under-14'],
    });
    expect(parseRow(kids, ['张大宝', id('11010520110601001'), ''], at)).toMatchObject({ flags: [] });
    expect(parseRow(kids, ['李小宝', '', '2015-03-01'], at)).toMatchObject({ flags: ['minor:under-14'] });
    expect(parseRow(kids, ['王大宝', '', '1990-03-01'], at)).toMatchObject({ flags: [] });
  });

  it("gives 公司地址 and 公司电话 to the row's company: a contact's company, a company row itself", () => {
    const list = planSheet('s', ['客户名称', '姓名', '手机', '地址', '公司地址', '公司电话'], {}, catalog);
    expect(list.columns.map((c) => c.field)).toEqual([
      'companyName',
      'name',
      'mobile',
      'address',
      'company.address',
      'company.landline',
    ]);
    const contact = parseRow(
      list,
      ['某某有限公司', '王五', '13800138000', '王五家', '北京市朝阳区建国路1号', '010-65521234'],
      strict,
    );
    expect(contact).toMatchObject({
      kind: 'contact',
      values: { name: '王五', address: '王五家' },
      company: {
        companyName: '某某有限公司',
        values: { address: '北京市朝阳区建国路1号', landline: '010-65521234' },
      },
    });
    // A company's own row: the company's fields; two different addresses are refused, one kept twice is not.
    expect(parseRow(list, ['某某有限公司', '', '', '', '北京市朝阳区建国路1号', ''], strict)).toMatchObject({
      kind: 'company',
      values: { companyName: '某某有限公司', address: '北京市朝阳区建国路1号' },
    });
    expect(parseRow(list, ['某某有限公司', '', '', '甲地', '乙地', ''], strict)).toMatchObject({
      reasons: [{ code: 'FIELD_TWICE', column: 'E', field: 'company.address' }],
    });
    expect(parseRow(list, ['某某有限公司', '', '', '甲地', '甲地', ''], strict)).toMatchObject({
      type: 'valid',
    });
    // An individual has no company to give it to.
    expect(parseRow(list, ['', '王五', '13800138000', '', '乙地', ''], strict)).toMatchObject({
      reasons: [{ code: 'FIELD_NOT_FOR_KIND', column: 'E' }],
    });
  });

  it('rejects a row with cells right of the last header (a shifted row), naming the first such column', () => {
    // Nine headers (A to I): an unquoted comma in a cell pushes the row's tail into column J and on.
    const shifted = ['个人', '王五', '13800138000', '', '', '', '', '', '北京市', '朝阳区'];
    expect(parseRow(plan, shifted, strict)).toEqual({
      type: 'rejected',
      reasons: [{ code: 'EXTRA_CELLS', column: 'J', header: null, field: null }],
    });
    // Blank cells there are not content (Excel often writes a few).
    expect(parseRow(plan, [...shifted.slice(0, 9), ' ', ''], strict)).toMatchObject({ type: 'valid' });
    // Lenient: imported without them, and flagged for review.
    expect(parseRow(plan, shifted, { lenient: true, defaultKind: null })).toMatchObject({
      type: 'valid',
      values: { name: '王五', mobile: '13800138000' },
      flags: ['lenient:extra-cells'],
    });
    // A row rejected for another reason names both.
    expect(parseRow(plan, ['个人', '', '', '', '', '', '', '', '', 'x'], strict)).toMatchObject({
      reasons: [{ code: 'EXTRA_CELLS', column: 'J' }, { code: 'NOT_IDENTIFYING' }],
    });
  });

  it('rejects a row whose cell swallowed the rows after it, even under --lenient (they would be lost)', () => {
    const row = ['个人', '王五', '13800138000', '', '', '', '', '', '北京市\n个人,李四,13900139000'];
    expect(parseRow(plan, row, { ...strict, spansRows: 8 })).toMatchObject({
      type: 'rejected',
      reasons: [{ code: 'CELL_SPANS_ROWS', column: 'I', header: '备注2' }],
    });
    expect(parseRow(plan, row, { lenient: true, defaultKind: null, spansRows: 8 })).toMatchObject({
      type: 'rejected',
      reasons: [{ code: 'CELL_SPANS_ROWS', column: 'I' }],
    });
    // Without the reader's mark the same cells are an ordinary row.
    expect(parseRow(plan, row, strict)).toMatchObject({ type: 'valid' });
  });

  it("names Excel's lost digits when an ID number was a number in the workbook", () => {
    // 11010519491231002X typed into a numeric cell: Excel keeps 110105194912310000.
    const cell = cellText(110105194912310000, 'General', false);
    expect(parseRow(plan, ['个人', '王五', '', cell], strict)).toMatchObject({
      type: 'rejected',
      reasons: [{ code: 'ID_PRECISION_LOST', column: 'D', header: '身份证号' }],
    });
  });

  it('rejects a 合计 / 小计 row as SUMMARY_ROW rather than importing a customer named 合计', () => {
    expect(parseRow(plan, ['', '合计', '', '', '', '', '', '', '3'], strict)).toEqual({
      type: 'rejected',
      reasons: [{ code: 'SUMMARY_ROW', column: 'B', header: '姓名', field: 'name' }],
    });
    expect(parseRow(plan, ['小计：'], strict)).toMatchObject({
      reasons: [{ code: 'SUMMARY_ROW', column: 'A' }],
    });
    expect(parseRow(plan, ['', '共计：2人'], strict)).toMatchObject({ reasons: [{ code: 'SUMMARY_ROW' }] });
    expect(parseRow(plan, ['合计 1,280元'], strict)).toMatchObject({ reasons: [{ code: 'SUMMARY_ROW' }] });
    // A name that merely contains the word is a name.
    expect(parseRow(plan, ['个人', '合计辉', '13800138000'], strict)).toMatchObject({ type: 'valid' });
  });

  it('refuses an Excel error value (#N/A of a failed VLOOKUP) as EXCEL_ERROR_VALUE; lenient leaves it out', () => {
    const list = planSheet('s', ['姓名', '手机', '客户等级'], {}, catalog);
    expect(parseRow(list, ['王五', '13800138000', '#N/A'], strict)).toEqual({
      type: 'rejected',
      reasons: [{ code: 'EXCEL_ERROR_VALUE', column: 'C', header: '客户等级', field: 'level' }],
    });
    expect(parseRow(list, ['王五', ' #REF! ', ''], strict)).toEqual({
      type: 'rejected',
      reasons: [{ code: 'EXCEL_ERROR_VALUE', column: 'B', header: '手机', field: 'mobile' }],
    });
    expect(parseRow(list, ['王五', '13800138000', '#div/0!'], { ...strict, lenient: true })).toMatchObject({
      type: 'valid',
      values: { name: '王五', mobile: '13800138000' },
      flags: ['lenient:level'],
    });
    // A level that merely starts with # is a value.
    expect(parseRow(list, ['王五', '13800138000', '#1 金卡'], strict)).toMatchObject({ type: 'valid' });
  });

  it('rejects masked values (a masked export imported again) as MASKED_VALUE, never storing the stars', () => {
    const masked = parseRow(
      plan,
      ['个人', '张*', '138****5678', '110***********002X', 'z***@163.com', '', '', '', '******'],
      strict,
    );
    expect(masked).toEqual({
      type: 'rejected',
      reasons: [
        { code: 'MASKED_VALUE', column: 'B', header: '姓名', field: 'name' },
        { code: 'MASKED_VALUE', column: 'C', header: '手机', field: 'mobile' },
        { code: 'MASKED_VALUE', column: 'D', header: '身份证号', field: 'idNumber' },
        { code: 'MASKED_VALUE', column: 'E', header: '邮箱', field: 'email' },
        { code: 'NOT_IDENTIFYING', column: null, header: null, field: null },
      ],
    });
    const lenient = parseRow(plan, ['个人', '王五', '138****5678', '', 'wang@example.cn'], {
      ...strict,
      lenient: true,
    });
    expect(lenient).toMatchObject({ type: 'valid', flags: ['lenient:mobile'], values: { name: '王五' } });
    expect(lenient.type === 'valid' && 'mobile' in lenient.values).toBe(false);
    // Stars a value really holds stay: a two-character name ending in *, ** in text a field does not mask.
    expect(parseRow(plan, ['个人', '王五', '13800138000', '', '', '', '', '**重要**'], strict)).toMatchObject(
      {
        type: 'valid',
        values: { tags: ['**重要**'] },
      },
    );
  });

  it('rejects the note lines around a list as NOTE_ROW rather than importing customers named 制表人', () => {
    for (const cells of [
      ['', '制表人：王五'],
      ['', '制表人：王五', '', '审核：李四'],
      ['', '备注：以上数据截至2024年6月30日'],
      ['', '以上信息仅供内部使用'],
      ['', '制表日期: 2024-07-01'],
      ['', '注：带*为必填项'],
      ['', '数据来源：CRM 导出'],
    ])
      expect(parseRow(plan, cells, strict), cells.join('|')).toEqual({
        type: 'rejected',
        reasons: [{ code: 'NOTE_ROW', column: 'B', header: '姓名', field: 'name' }],
      });
    // A customer row whose notes cell says 备注：… is a customer; so is one named like a word of a note.
    expect(
      parseRow(plan, ['个人', '王五', '13800138000', '', '', '', '', '', '备注：老客户'], strict),
    ).toMatchObject({
      type: 'valid',
    });
    expect(parseRow(plan, ['个人', '注意', '13800138000'], strict)).toMatchObject({ type: 'valid' });
  });

  it('keeps a landline found in a mobile column (联系电话) as the landline, unless the sheet has one', () => {
    const mixed = planSheet('s', ['姓名', '联系电话'], {}, catalog);
    expect(parseRow(mixed, ['王五', '0571-88886666'], strict)).toMatchObject({
      type: 'valid',
      values: { name: '王五', landline: '0571-88886666' },
    });
    expect(parseRow(mixed, ['王五', '13800138000'], strict)).toMatchObject({
      values: { mobile: '13800138000' },
    });
    expect(parseRow(mixed, ['王五', '12345'], strict)).toMatchObject({
      reasons: [{ code: 'MOBILE_FORMAT' }],
    });
    const both = planSheet('s', ['姓名', '手机', '办公电话'], {}, catalog);
    expect(parseRow(both, ['王五', '0571-88886666', ''], strict)).toMatchObject({
      reasons: [{ code: 'MOBILE_FORMAT', column: 'B' }],
    });
  });

  it('takes a 电话 column beside a 手机 column for the landline only when its content is landlines', () => {
    const headers = ['姓名', '手机', '电话'];
    const names = ['王一', '王二', '王三', '王四', '王五'];
    const mobiles = ['13800138001', '13800138002', '13800138003', '13800138004', '13800138005'];
    const landlines = ['0571-88886661', '0571-88886662', '010-62345671', '021-55556661', '0755-26661234'];
    const fields = (third: string[]) =>
      planSheet('s', headers, {}, catalog, [names, mobiles, third]).columns.map((c) => c.field);
    expect(fields(landlines)).toEqual(['name', 'mobile', 'landline']);
    // Second mobiles there would be rejected as malformed landlines: the column waits for a mapping.
    expect(fields(mobiles.map((m) => m.replace('138', '139')))).toEqual(['name', 'mobile', null]);
  });

  it('reports how full an unmapped column is and how much of it is its detected kind; ignores 序号', () => {
    const mobiles = ['13800138001', '13800138002', '13800138003', '13800138004', 'n/a'];
    const p = planSheet('s', ['序号', '姓名', '号码'], {}, catalog, [[], [], mobiles]);
    expect(p.columns.map((c) => [c.role, c.detected?.kind ?? null])).toEqual([
      ['ignored', null],
      ['field', null],
      ['unmapped', 'mobile'],
    ]);
    const stats = new ColumnStats();
    stats.plan(p);
    for (const [i, m] of mobiles.entries()) parseRow(p, [String(i + 1), '王五', m], strict, stats);
    const [numbers, , unmapped] = stats.columns();
    expect(numbers).toMatchObject({ fillRate: 1, validRate: 1 });
    expect(unmapped).toMatchObject({ field: null, fillRate: 1, validRate: 0.8 });
    expect(unmapped?.examples[0]).toBe('138****8001');
    // A template's line numbered ahead, and nothing else, is blank; an ignored column of data is not.
    expect(parseRow(p, ['7', '', ''], strict)).toEqual({ type: 'blank' });
    const mapped = planSheet('s', ['序号', '姓名', '备注'], { 备注: '-' }, catalog);
    expect(parseRow(mapped, ['7', '', '见合同'], strict)).toMatchObject({
      type: 'rejected',
      reasons: [{ code: 'NOT_IDENTIFYING' }],
    });
  });

  it('marks a sheet none of whose columns identifies a customer (a 填写说明 sheet)', () => {
    const notes = planSheet('填写说明', ['字段', '说明', '备注'], {}, catalog);
    expect(notes.noCustomerColumns).toBe(true);
    expect(parseRow(notes, ['手机', '必填'], strict)).toMatchObject({
      reasons: [{ code: 'NOT_IDENTIFYING' }],
    });
    expect(plan.noCustomerColumns).toBeUndefined();
    expect(planSheet('s', ['客户名称', '行业'], {}, catalog).noCustomerColumns).toBeUndefined();
  });

  it('keeps a passport found in a 证件号码 column as the passport; names other documents for what they are', () => {
    const docs = planSheet('s', ['姓名', '证件号码'], {}, catalog);
    expect(parseRow(docs, ['王五', 'E12345678'], strict)).toMatchObject({
      type: 'valid',
      values: { name: '王五', passport: 'E12345678' },
    });
    expect(parseRow(docs, ['王五', 'C12345678'], strict)).toMatchObject({
      reasons: [{ code: 'ID_OTHER_DOCUMENT', column: 'B' }],
    });
    // A company has no passport: the cell is reported, not kept.
    const companies = planSheet('s', ['客户类型', '客户名称', '证件号码'], {}, catalog);
    expect(parseRow(companies, ['企业', '某某有限公司', 'E12345678'], strict)).toMatchObject({
      reasons: [{ code: 'FIELD_NOT_FOR_KIND', column: 'C' }],
    });
    // With a passport column of its own, a passport in the ID column is named, not moved.
    const both = planSheet('s', ['姓名', '证件号码', '护照号'], { 护照号: 'passport' }, catalog);
    expect(parseRow(both, ['王五', 'E12345678', ''], strict)).toMatchObject({
      reasons: [{ code: 'ID_OTHER_DOCUMENT' }],
    });
    expect(parseRow(docs, ['王五', '110105194912310021'], strict)).toMatchObject({
      reasons: [{ code: 'ID_CHECKSUM' }],
    });
  });

  it('composes 省份, 城市 and 区县 columns into the region, unless a column is the region itself', () => {
    const split = planSheet('s', ['姓名', '手机', '省份', '城市', '区/县', '详细地址'], {}, catalog);
    expect(split.columns.map((c) => c.field)).toEqual([
      'name',
      'mobile',
      'region',
      'region',
      'region',
      'address',
    ]);
    const regionOf = (cells: string[]) => {
      const row = parseRow(split, ['王五', '13800138000', ...cells, '文三路90号'], strict);
      return row.type === 'valid' ? row.values.region : row.type;
    };
    expect(regionOf(['浙江省', '杭州市', '西湖区'])).toBe('浙江省杭州市西湖区');
    // A municipality repeats itself; a district cell may spell out the whole region; parts may be missing.
    expect(regionOf(['北京市', '北京市', '朝阳区'])).toBe('北京市朝阳区');
    expect(regionOf(['浙江省', '杭州市', '浙江省杭州市滨江区'])).toBe('浙江省杭州市滨江区');
    expect(regionOf(['', '杭州市', ''])).toBe('杭州市');
    expect(regionOf(['', '', ''])).toBeUndefined();
    // With a 省市区 column of its own, the parts are left to the user (unmapped).
    const whole = planSheet('s', ['姓名', '省市区', '省份'], {}, catalog);
    expect(whole.columns.map((c) => c.field)).toEqual(['name', 'region', null]);
  });

  it('flags a 性别 or 生日 the ID number contradicts, and imports the row as given', () => {
    // 11010519491231002X: born 1949-12-31, female (the 17th digit is even).
    const people = planSheet('s', ['姓名', '身份证号', '性别', '生日'], {}, catalog);
    const id = '11010519491231002X';
    expect(parseRow(people, ['王五', id, '女', '1949-12-31'], strict)).toMatchObject({ flags: [] });
    expect(parseRow(people, ['王五', id, '女士', '1949/12/31'], strict)).toMatchObject({ flags: [] });
    expect(parseRow(people, ['王五', id, '男', '1950-01-01'], strict)).toMatchObject({
      type: 'valid',
      values: { gender: '男', birthday: '1950-01-01' },
      flags: ['inconsistent:birthday', 'inconsistent:gender'],
    });
    // A word it does not know is not compared.
    expect(parseRow(people, ['王五', id, '保密', ''], strict)).toMatchObject({ flags: [] });
  });
});
