import { describe, expect, it } from 'vitest';
import { maskValue } from './mask.js';
import type { IdentifierKind } from './types.js';

describe('maskValue', () => {
  it('masks mobiles as 138****5678, whatever the written form', () => {
    expect(maskValue('mobile', '13812345678')).toBe('138****5678');
    expect(maskValue('mobile', '+86 138 1234 5678')).toBe('138****5678');
  });

  it('masks ID numbers as first 3 and last 4', () => {
    expect(maskValue('id-number', '110105199001011234')).toBe('110***********1234');
    expect(maskValue('id-number', '110105900101123')).toBe('110********1123');
  });

  it('masks bank cards to their last 4 digits', () => {
    expect(maskValue('bank-card', '6222020000123451234')).toBe('尾号1234');
    expect(maskValue('bank-card', '6222 0200 0012 3451 234')).toBe('尾号1234');
  });

  it('masks emails as z***@domain', () => {
    expect(maskValue('email', 'zhang.san@163.com')).toBe('z***@163.com');
    expect(maskValue('email', 'a@qq.com')).toBe('a***@qq.com');
  });

  it('masks names keeping the surname, compound surnames whole', () => {
    expect(maskValue('person-name', '张三')).toBe('张*');
    expect(maskValue('person-name', '张小明')).toBe('张**');
    expect(maskValue('person-name', '欧阳娜娜')).toBe('欧阳**');
    expect(maskValue('person-name', '阿沛·阿旺晋美')).toBe('阿*·****');
  });

  it('masks landlines as area code, 4 stars and the last 2 digits', () => {
    expect(maskValue('landline', '0571-88888878')).toBe('0571****78');
    expect(maskValue('landline', '010-12345678-123')).toBe('010****78');
    expect(maskValue('landline', '057188888878')).toBe('0571****78');
  });

  it('keeps addresses down to the county', () => {
    expect(maskValue('address', '浙江省杭州市滨江区江南大道100号')).toBe('浙江省杭州市滨江区****');
    expect(maskValue('address', '北京市朝阳区建国路88号')).toBe('北京市朝阳区****');
    expect(maskValue('address', '杭州市文三路100号')).toBe('杭州市****');
    expect(maskValue('address', '文三路100号')).toBe('****');
  });

  it('shows no more of an address than place names, whatever comes before them', () => {
    // A whole row read as one cell (a tab-separated file split on commas), and a mobile typed first.
    const row = '个人\t杨晶欢\t13635983855\t340111197608161748\t安徽省合肥市包河区幸福路736号';
    expect(maskValue('address', row)).toBe('****');
    expect(maskValue('address', '13812345678 浙江省杭州市滨江区江南大道100号')).toBe('****');
    expect(maskValue('address', '张三13812345678杭州市文三路100号')).toBe('****');
    expect(maskValue('address', 'Room 5, 88 Nathan Road')).toBe('****');
  });

  it('masks birthdays to month and day', () => {
    expect(maskValue('birthday', '1990-05-06')).toBe('****-05-06');
    expect(maskValue('birthday', '1990年5月6日')).toBe('****-05-06');
    expect(maskValue('birthday', '19900506')).toBe('****-05-06');
  });

  it('keeps only the first and last character of other kinds', () => {
    expect(maskValue('passport', 'E12345678')).toBe('E*******8');
    expect(maskValue('licence-plate', '粤B12345')).toBe('粤*****5');
    expect(maskValue('uscc', '91350100M000100Y43')).toBe('9****************3');
    expect(maskValue('postcode', 'ab')).toBe('**');
  });

  it('never returns the input unchanged', () => {
    const samples: [IdentifierKind, string][] = [
      ['mobile', '13800138000'],
      ['id-number', '11010519491231002X'],
      ['bank-card', '6222020000123451234'],
      ['email', 'zhang@163.com'],
      ['landline', '0571-88888888'],
      ['person-name', '张三'],
      ['address', '浙江省杭州市滨江区江南大道100号'],
      ['birthday', '1990-05-06'],
      ['hk-macau-permit', 'C12345678'],
      ['ipv4', '192.168.1.10'],
      ['coordinates', '30.274084,120.155070'],
    ];
    for (const [kind, value] of samples) expect(maskValue(kind, value), kind).not.toBe(value);
  });
});
