import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateBankCard } from './bank-card.js';
import { validateIdNumber } from './id-number.js';
import { validateLandline } from './landline.js';
import { validateMobile } from './mobile.js';
import { codeText, foldToHalfWidth, normaliseMobile, normaliseText } from './normalise.js';
import { validateUscc } from './uscc.js';

describe('normaliseText', () => {
  it('folds full-width characters, trims and collapses inner whitespace', () => {
    expect(normaliseText('  Ａｂｃ　１２３\t\n  x  ')).toBe('Abc 123 x');
    expect(normaliseText('（张三）')).toBe('(张三)');
  });

  it('leaves Chinese text untouched', () => {
    expect(normaliseText('浙江省杭州市')).toBe('浙江省杭州市');
  });

  it('gives plain ASCII the same form as the full normaliser does', () => {
    const full = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ');
    for (const s of ['a  b', ' a', 'a ', '', ' ', 'a\tb', 'a b c', '13800138000', 'x\u007f', 'ｘ'])
      expect(normaliseText(s)).toBe(full(s));
    const near = fc.string({
      unit: fc.constantFrom('a', '1', ' ', '\t', '@', '~', '\u007f', '\u00a0', 'Ａ', '　'),
    });
    fc.assert(fc.property(near, (s) => normaliseText(s) === full(s)));
  });
});

describe('normaliseMobile', () => {
  it('returns the 11-digit national number for common written forms', () => {
    for (const raw of [
      '13800138000',
      '１３８００１３８０００',
      '+86 138 0013 8000',
      '+86-138-0013-8000',
      '0086 138.0013.8000',
      '86 13800138000',
      '(+86) 138-0013-8000',
      '＋８６ １３８ ００１３ ８０００',
      '138—0013—8000',
    ]) {
      expect(normaliseMobile(raw), raw).toBe('13800138000');
    }
  });

  it('only strips 86 when an 11-digit number starting with 1 follows', () => {
    expect(normaliseMobile('86138001380')).toBeNull();
    expect(normaliseMobile('861380013800011')).toBeNull();
    expect(normaliseMobile('8623800138000')).toBeNull();
  });

  it('returns null for other numbers and text', () => {
    expect(normaliseMobile('+1 415 555 2671')).toBeNull();
    expect(normaliseMobile('1380013800')).toBeNull();
    expect(normaliseMobile('138-0013-800a')).toBeNull();
    expect(normaliseMobile('')).toBeNull();
  });
});

describe('foldToHalfWidth', () => {
  it('keeps the length so offsets stay valid', () => {
    const s = '手机：１３８　Ａ';
    const folded = foldToHalfWidth(s);
    expect(folded).toBe('手机:138 A');
    expect(folded.length).toBe(s.length);
  });
});

describe('codeText', () => {
  it('drops the marks that keep a code as text in Excel', () => {
    expect(codeText("'13800138000")).toBe('13800138000');
    expect(codeText('＇13800138000')).toBe('13800138000');
    expect(codeText('‘11010519491231002X')).toBe('11010519491231002X');
    expect(codeText(' ="0571-88888888" ')).toBe('0571-88888888');
    expect(codeText("'")).toBe('');
  });

  it('drops a label before a code and a note in brackets after it, not an extension', () => {
    expect(codeText('手机：13800138000')).toBe('13800138000');
    expect(codeText('ID: 11010519491231002X')).toBe('11010519491231002X');
    expect(codeText('13800138000（微信同号）')).toBe('13800138000');
    expect(codeText('13800138000 【常用】')).toBe('13800138000');
    expect(codeText('0571-88886666(801)')).toBe('0571-88886666(801)');
    expect(codeText('(010)62345678')).toBe('(010)62345678');
    expect(validateMobile('电话:138-0013-8000(本人)')).toMatchObject({ ok: true, value: '13800138000' });
    expect(validateLandline('0571-88886666(801)')).toMatchObject({ ok: true });
  });

  it('drops the .0 a number column gains through a float, and nothing else after a point', () => {
    expect(codeText('13800138000.0')).toBe('13800138000');
    expect(codeText("'6222600260001072444.00")).toBe('6222600260001072444');
    expect(codeText('13800138000.5')).toBe('13800138000.5');
    expect(codeText('1990.03')).toBe('1990.03');
  });

  it('leaves anything else as it is', () => {
    expect(codeText('13800138000')).toBe('13800138000');
    expect(codeText("138'00138000")).toBe("138'00138000");
    expect(codeText('="unclosed')).toBe('="unclosed');
  });

  it('lets every code validator read a guarded cell', () => {
    expect(validateMobile("'138 0013 8000")).toMatchObject({ ok: true, value: '13800138000' });
    expect(validateMobile('13800138000.0')).toMatchObject({ ok: true, value: '13800138000' });
    expect(validateIdNumber('110105491231002.0')).toMatchObject({ ok: true });
    expect(validateIdNumber("'11010519491231002x")).toMatchObject({ ok: true, value: '11010519491231002X' });
    expect(validateUscc("'91350100M000100Y43")).toMatchObject({ ok: true, value: '91350100M000100Y43' });
    expect(validateLandline("'010-62345678")).toMatchObject({ ok: true, value: '010-62345678' });
    expect(validateBankCard("'6222600260001072444")).toMatchObject({
      ok: true,
      value: '6222600260001072444',
    });
    expect(validateIdNumber('11010519491231002×')).toMatchObject({ ok: true, value: '11010519491231002X' });
    // The guard is removed once: what follows must still be a valid code.
    expect(validateIdNumber("''11010519491231002X").ok).toBe(false);
  });
});
