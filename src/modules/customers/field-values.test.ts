import { describe, expect, it } from 'vitest';
import type { AppError } from '../../kernel/errors/app-error.js';
import type { FieldDef } from './customer-types.js';
import { DEFAULT_FIELDS } from './default-fields.js';
import { legacySearchForm, normaliseFieldValue, searchForm } from './field-values.js';

const def = (type: string): FieldDef => ({ key: type, type }) as unknown as FieldDef;
const fieldDef = (key: string): FieldDef => DEFAULT_FIELDS.find((f) => f.key === key) as unknown as FieldDef;

describe('normaliseFieldValue', () => {
  it('reads dates and amounts typed with a leading apostrophe to keep them as text', () => {
    expect(normaliseFieldValue(def('date'), "'1990-03-07")).toBe('1990-03-07');
    expect(normaliseFieldValue(def('money'), "'1,200元")).toBe(1200);
  });

  it('matches names across scripts and letter case; the legacy form is the closed-up text as indexed before', () => {
    expect(searchForm('name', 'Zhang San')).toBe('zhangsan');
    expect(searchForm('name', 'ZHANG  SAN')).toBe('zhangsan');
    expect(searchForm('companyName', '陳氏 Trading')).toBe('陈氏trading');
    expect(legacySearchForm('name', 'Zhang San')).toBe('ZhangSan');
    expect(legacySearchForm('name', 'zhang san')).toBeNull();
    expect(legacySearchForm('name', '张三')).toBeNull();
    expect(searchForm('mobile', '13800138000')).toBe('13800138000');
  });

  it('keeps free text as written (full-width brackets, circled numbers, line breaks); folds names and codes', () => {
    const notes = fieldDef('notes');
    expect(normaliseFieldValue(notes, ' 客户说：“很好”，①号楼（东）\r\n第二行  ')).toBe(
      '客户说：“很好”，①号楼（东）\n第二行',
    );
    expect(normaliseFieldValue(fieldDef('companyName'), '杭州示例（上海）有限公司')).toBe(
      '杭州示例（上海）有限公司',
    );
    expect(normaliseFieldValue(fieldDef('name'), 'Ｚｈａｎｇ　Ｓａｎ')).toBe('Zhang San');
    expect(normaliseFieldValue(fieldDef('mobile'), '１３８００１３８０００')).toBe('13800138000');
    expect(normaliseFieldValue(notes, ' \r\n ')).toBeUndefined();
  });

  it('refuses a birthday after today (BIRTHDAY_FUTURE), but not a follow-up date to come', () => {
    const birthday = fieldDef('birthday');
    const err = (() => {
      try {
        normaliseFieldValue(birthday, '2999-01-01');
      } catch (e) {
        return e as AppError;
      }
      return null;
    })();
    expect(err?.code).toBe('FIELD_INVALID');
    expect(err?.details).toEqual({ field: 'birthday', reason: 'BIRTHDAY_FUTURE' });
    expect(normaliseFieldValue(birthday, '2012-12-05')).toBe('2012-12-05');
    expect(normaliseFieldValue(fieldDef('nextFollowAt'), '2999-01-01')).toBe('2999-01-01');
  });

  it('reads a date written as eight digits, and still checks the calendar', () => {
    expect(normaliseFieldValue(def('date'), '19900307')).toBe('1990-03-07');
    expect(() => normaliseFieldValue(def('date'), '19900230')).toThrow();
  });

  it('closes up a Chinese name padded with spaces, not a name in Latin letters', () => {
    const name = { ...def('text'), mask: 'name' } as FieldDef;
    expect(normaliseFieldValue(name, '张　 三')).toBe('张三');
    expect(normaliseFieldValue(name, '欧阳 娜娜')).toBe('欧阳娜娜');
    expect(normaliseFieldValue(name, 'Li Lei')).toBe('Li Lei');
    expect(normaliseFieldValue(def('text'), '北京 朝阳')).toBe('北京 朝阳');
    // The dot of a transliterated name, however typed, is the middle dot.
    for (const typed of ['买买提•艾力', '买买提.艾力', '买买提 · 艾力', '买买提・艾力', '买买提·艾力'])
      expect(normaliseFieldValue(name, typed)).toBe('买买提·艾力');
    expect(normaliseFieldValue(name, 'J. Smith')).toBe('J. Smith');
  });

  it('reads amounts in 万, 千 and 亿, and dates with the milliseconds of a database export', () => {
    expect(normaliseFieldValue(def('money'), '1.1万元')).toBe(11000);
    expect(normaliseFieldValue(def('money'), '￥3千')).toBe(3000);
    expect(normaliseFieldValue(def('number'), '2亿')).toBe(200000000);
    expect(() => normaliseFieldValue(def('money'), '万')).toThrow();
    expect(normaliseFieldValue(def('date'), '1990-03-07 00:00:00.000')).toBe('1990-03-07 00:00:00');
  });

  it('reads an Excel date serial saved to CSV, ticks (√ ×) and amounts with currency words', () => {
    expect(normaliseFieldValue(def('date'), '32939')).toBe('1990-03-07');
    expect(normaliseFieldValue(def('date'), '45658')).toBe('2025-01-01');
    // Not a serial of 1927-2100: four or six digits, or out of range, stay errors.
    for (const bad of ['3293', '329390', '99999'])
      expect(() => normaliseFieldValue(def('date'), bad)).toThrow();
    expect(normaliseFieldValue(def('boolean'), '√')).toBe(true);
    expect(normaliseFieldValue(def('boolean'), '×')).toBe(false);
    expect(normaliseFieldValue(def('money'), 'RMB 1,280')).toBe(1280);
    expect(normaliseFieldValue(def('money'), '人民币1.28万元')).toBe(12800);
    expect(normaliseFieldValue(def('money'), '1280元整')).toBe(1280);
    expect(() => normaliseFieldValue(def('money'), 'RMB')).toThrow();
  });

  it('keeps the apostrophe of free text', () => {
    expect(normaliseFieldValue(def('text'), "'s-Hertogenbosch")).toBe("'s-Hertogenbosch");
  });

  it('rejects an amount with no digits instead of reading it as zero', () => {
    expect(() => normaliseFieldValue(def('money'), '元')).toThrow();
    expect(() => normaliseFieldValue(def('number'), "'")).toThrow();
  });
});
