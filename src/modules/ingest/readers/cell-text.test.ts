import { describe, expect, it } from 'vitest';
import { validateBankCard } from '../../../kernel/identifiers/bank-card.js';
import { validateIdNumber } from '../../../kernel/identifiers/id-number.js';
import { cellText, dateText, decodeXstring, isDateFormat, numberText, numericCellText } from './cell-text.js';

describe('numberText', () => {
  it('never uses exponent notation', () => {
    expect(numberText(13812345678)).toBe('13812345678');
    expect(numberText(1.10101199001011e17)).toBe('110101199001011000');
    expect(numberText(1e21)).toBe('1000000000000000000000');
    expect(numberText(1.5e-7)).toBe('0.00000015');
  });

  it('shows fractions to 15 significant digits, as Excel does', () => {
    expect(numberText(0.1 + 0.2)).toBe('0.3');
    expect(numberText(-1234.5)).toBe('-1234.5');
    expect(numberText(Number.NaN)).toBe('');
  });
});

describe('numericCellText', () => {
  const reason = (v: { ok: boolean; reason?: string }): string => (v.ok ? 'ok' : (v.reason ?? ''));

  it('keeps every digit of a whole number written out in full, as pandas writes an ID number', () => {
    expect(numericCellText('110101199003074258', undefined, false)).toBe('110101199003074258');
    expect(reason(validateIdNumber(numericCellText('110101199003074258', undefined, false)))).toBe('ok');
    expect(numericCellText('6222021234567890123', 'General', false)).toBe('6222021234567890123');
    expect(numericCellText('-0042', undefined, false)).toBe('-42');
  });

  it('keeps the stored exponent of a large number Excel kept 15 digits of, so its loss is reported', () => {
    const card = numericCellText('6.22202123456789E+18', undefined, false);
    expect(card).toBe('6.22202123456789E+18');
    expect(reason(validateBankCard(card))).toBe('BANKCARD_PRECISION_LOST');
    const id = numericCellText('1.1010119900307426e+17', '0', false);
    expect(reason(validateIdNumber(id))).toBe('ID_PRECISION_LOST');
  });

  it('reads ordinary numbers and dates as before', () => {
    expect(numericCellText('13800138000', undefined, false)).toBe('13800138000');
    expect(numericCellText('0.30000000000000004', '0.00', false)).toBe('0.3');
    expect(numericCellText('1.5E-7', undefined, false)).toBe('0.00000015');
    expect(numericCellText('1E+3', undefined, false)).toBe('1000');
    expect(numericCellText('43831', 'yyyy-mm-dd', false)).toBe('2020-01-01');
    expect(numericCellText('0.75', 'h:mm', false)).toBe('18:00:00');
    expect(numericCellText('13812345678', 'yyyy-mm-dd', false)).toBe('13812345678');
  });
});

describe('decodeXstring', () => {
  it("decodes Excel's _xHHHH_ escapes as UTF-16 code units", () => {
    expect(decodeXstring('地址A_x000D_\n地址B')).toBe('地址A\r\n地址B');
    expect(decodeXstring('_xD83D__xDE00_ tab_x0009_')).toBe('\u{1F600} tab\t');
  });

  it('reads _x005F_ as an escaped underscore, so what follows it is text', () => {
    expect(decodeXstring('_x005F_x000D_')).toBe('_x000D_');
    expect(decodeXstring('a_x005f_b')).toBe('a_b');
    expect(decodeXstring('user_x1_name _xZZZZ_')).toBe('user_x1_name _xZZZZ_');
  });
});

describe('dates', () => {
  it('formats dates, date-times and times of day', () => {
    expect(dateText(new Date(Date.UTC(2020, 1, 2)))).toBe('2020-02-02');
    expect(dateText(new Date(Date.UTC(2020, 1, 2, 13, 13, 12, 999)))).toBe('2020-02-02 13:13:13');
    expect(cellText(0.75, 'h:mm', false)).toBe('18:00:00');
    expect(cellText(0.75, 'h:mm', true)).toBe('18:00:00');
  });

  it('converts serials in either date system', () => {
    expect(cellText(43831, 'yyyy-mm-dd', false)).toBe('2020-01-01');
    expect(cellText(42369, 'yyyy-mm-dd', true)).toBe('2020-01-01');
  });

  it('keeps the digits of a number outside the calendar even in a date-formatted cell', () => {
    expect(cellText(13812345678, 'yyyy-mm-dd', false)).toBe('13812345678');
  });

  it('recognises date formats, ignoring quoted text, colours and locale tags', () => {
    expect(isDateFormat('yyyy"年"m"月"d"日"')).toBe(true);
    expect(isDateFormat('[$-F800]dddd, mmmm dd, yyyy')).toBe(true);
    expect(isDateFormat('上午/下午h"时"mm"分"')).toBe(true);
    expect(isDateFormat('[h]:mm:ss')).toBe(true);
    expect(isDateFormat('General')).toBe(false);
    expect(isDateFormat('#,##0.00"元";[Red]-#,##0.00"元"')).toBe(false);
    expect(isDateFormat('0.00E+00')).toBe(false);
    expect(isDateFormat(undefined)).toBe(false);
  });
});

describe('cellText', () => {
  it('flattens rich text, formulas, hyperlinks, booleans and errors', () => {
    expect(cellText({ richText: [{ text: '老' }, { text: '客户' }] }, undefined, false)).toBe('老客户');
    expect(cellText({ formula: 'A1', result: 'x' }, undefined, false)).toBe('x');
    expect(cellText({ formula: 'A1', result: 43831 }, 'yyyy-mm-dd', false)).toBe('2020-01-01');
    expect(cellText({ formula: 'A1' }, undefined, false)).toBe('');
    expect(
      cellText({ text: { richText: [{ text: '主页' }] }, hyperlink: 'https://x' }, undefined, false),
    ).toBe('主页');
    expect(cellText(false, undefined, false)).toBe('FALSE');
    expect(cellText({ error: '#N/A' }, undefined, false)).toBe('#N/A');
    expect(cellText(null, undefined, false)).toBe('');
  });
});
