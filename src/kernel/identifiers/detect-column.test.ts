import { describe, expect, it } from 'vitest';
import { idNumberCheckChar, luhnCheckDigit, luhnValid, usccCheckChar } from './checksums.js';
import { detectColumn } from './detect-column.js';

const today = new Date('2025-06-01T00:00:00Z');
const id = (first17: string) => first17 + idNumberCheckChar(first17);
const uscc = (first17: string) => first17 + usccCheckChar(first17);
const card = (payload: string) => payload + luhnCheckDigit(payload);
/** The payload with any digit but its Luhn check digit appended. */
const notCard = (payload: string) => payload + String((Number(luhnCheckDigit(payload)) + 1) % 10);

describe('detectColumn', () => {
  it('classifies an ID number column as sensitive PI, grade L4', () => {
    const values = ['11010519491231002X', id('33010619900101001'), id('44030419851231002'), 'bad', '', '  '];
    expect(detectColumn(values, { today })).toEqual({
      kind: 'id-number',
      confidence: 0.74,
      matched: 3,
      sampled: 4,
      category: 'sensitive-pi',
      sensitive: true,
      suggestedGrade: 'L4',
    });
  });

  it("counts the ID numbers of children under 14 (all of a child's PI is sensitive, PIPL Art. 28, 31)", () => {
    // 2011-06-02 is under 14 on 2025-06-01; 2011-06-01 turns 14 that day.
    const values = [id('11010520110602001'), id('11010520110601001'), id('33010619900101001')];
    expect(detectColumn(values, { today })).toMatchObject({ kind: 'id-number', minorsUnder14: 1 });
    expect(detectColumn([id('33010619900101001')], { today })).not.toHaveProperty('minorsUnder14');
  });

  it('classifies mobile numbers written in mixed forms as personal information', () => {
    const result = detectColumn([
      '13800138000',
      '+86 139-1234-5678',
      '１５０１２３４５６７８',
      '0086 18612345678',
    ]);
    expect(result).toMatchObject({
      kind: 'mobile',
      matched: 4,
      sampled: 4,
      category: 'personal-info',
      suggestedGrade: 'L3',
    });
  });

  it('recognises a name column with the surname heuristic', () => {
    const result = detectColumn(['张三', '李四', '王小明', '欧阳娜娜', '司马光', '未知']);
    expect(result).toMatchObject({
      kind: 'person-name',
      matched: 5,
      sampled: 6,
      sensitive: false,
      suggestedGrade: 'L3',
    });
  });

  it('recognises an address column', () => {
    const result = detectColumn([
      '浙江省杭州市滨江区江南大道100号',
      '北京市朝阳区建国路88号',
      '上海市浦东新区世纪大道1号',
    ]);
    expect(result?.kind).toBe('address');
  });

  it('returns null below 60 % agreement, and for empty samples', () => {
    expect(detectColumn(['张三', 'abc', '123', 'foo', 'bar'])).toBeNull();
    expect(detectColumn([])).toBeNull();
    expect(detectColumn(['', ' '])).toBeNull();
  });

  it('does not take a column of dates for 台胞证 numbers', () => {
    expect(detectColumn(['20240101', '20240102', '20240315', '20241231'])).toBeNull();
  });

  it('grades company USCCs L1 and individual businesses as personal information', () => {
    const companies = detectColumn(['91350100M000100Y43', '91110000802100433B', uscc('91330106MA2H1234X')]);
    expect(companies).toMatchObject({ kind: 'uscc', category: 'company-identifier', suggestedGrade: 'L1' });
    const soleTraders = detectColumn([
      uscc('92330106MA2H1234X'),
      uscc('92330106MA2H5678X'),
      '91350100M000100Y43',
    ]);
    expect(soleTraders).toMatchObject({ kind: 'uscc', category: 'personal-info', suggestedGrade: 'L3' });
  });

  it('grades precise coordinates L4 and coarse ones L3', () => {
    expect(detectColumn(['30.274084,120.155070', '31.230416,121.473701'])).toMatchObject({
      kind: 'coordinates',
      sensitive: true,
      suggestedGrade: 'L4',
    });
    expect(detectColumn(['30.27,120.16', '31.23,121.47'])).toMatchObject({
      kind: 'coordinates',
      sensitive: false,
      suggestedGrade: 'L3',
    });
  });

  it('grades postcodes L2', () => {
    expect(detectColumn(['310000', '100000', '518000'])).toMatchObject({
      kind: 'postcode',
      category: 'quasi-identifier',
      suggestedGrade: 'L2',
    });
  });

  it('counts bank cards by score, so Luhn-failing order numbers without a card BIN are not cards', () => {
    const cards = [card('622202000012345678'), card('621700000012345678'), card('6228480000123456')];
    expect(detectColumn(cards)).toMatchObject({ kind: 'bank-card', matched: 3, suggestedGrade: 'L4' });
    const orders = ['202301011234567', '202301011234568', '202301011234569'].map(notCard);
    for (const o of orders) expect(luhnValid(o)).toBe(false);
    expect(detectColumn(orders)).toBeNull();
  });
});
