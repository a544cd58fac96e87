import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { legacySearchForm, searchForm } from '../../modules/customers/field-values.js';
import { foldToSimplified } from './simplified-chinese.js';
import { TRADITIONAL_SIMPLIFIED_PAIRS } from './simplified-chinese-table.js';

describe('foldToSimplified', () => {
  it('writes traditional characters in their simplified form and leaves the rest as it is', () => {
    expect(foldToSimplified('陳敏鳳')).toBe('陈敏凤');
    expect(foldToSimplified('臺灣積體電路製造股份有限公司')).toBe('台湾积体电路制造股份有限公司');
    expect(foldToSimplified('香港銅鑼灣 Causeway Bay 88號')).toBe('香港铜锣湾 Causeway Bay 88号');
    const simplified = '北京字节跳动科技有限公司';
    expect(foldToSimplified(simplified)).toBe(simplified);
    expect(foldToSimplified('')).toBe('');
  });

  it('folds every pair of the table, in and beyond the Basic Multilingual Plane, amid other text', () => {
    const chars = [...TRADITIONAL_SIMPLIFIED_PAIRS];
    const table = new Map<string, string>();
    for (let i = 0; i + 1 < chars.length; i += 2) table.set(chars[i] as string, chars[i + 1] as string);
    expect([...table.keys()].some((c) => (c.codePointAt(0) as number) > 0xffff)).toBe(true);
    const byCharacter = (s: string) => [...s].map((c) => table.get(c) ?? c).join('');
    for (const [from, to] of table) expect(foldToSimplified(`a${from}𠀀b${from}`)).toBe(`a${to}𠀀b${to}`);
    const pieces = fc.constantFrom(...table.keys(), '陈', 'a', ' ', '𠀀', '\ud800', '1');
    fc.assert(
      fc.property(
        fc.array(pieces),
        (parts) => foldToSimplified(parts.join('')) === byCharacter(parts.join('')),
      ),
    );
  });
});

describe('the search form of names', () => {
  it('is the same for a name written in either script', () => {
    expect(searchForm('name', '陳 敏鳳')).toBe(searchForm('name', '陈敏凤'));
    expect(searchForm('companyName', '臺灣積體電路製造股份有限公司')).toBe(
      searchForm('companyName', '台湾积体电路制造股份有限公司'),
    );
    // Other fields are not names: an address keeps its characters.
    expect(searchForm('address', '臺北市')).toBe('臺北市');
  });

  it('has a legacy form only where folding changed the name', () => {
    expect(legacySearchForm('name', '陳 敏鳳')).toBe('陳敏鳳');
    expect(legacySearchForm('name', '陈敏凤')).toBeNull();
    expect(legacySearchForm('mobile', '13900138000')).toBeNull();
  });
});
