import { describe, expect, it } from 'vitest';
import { cellText, dateText, isDateFormat, numberText } from './cell-text.js';

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
