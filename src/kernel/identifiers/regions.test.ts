import { describe, expect, it } from 'vitest';
import { CURRENT_PREFECTURE_TABLE, PROVINCE_TABLE, RETIRED_PREFECTURE_TABLE } from './region-table.js';
import { lookupRegion, provinceName } from './regions.js';

const codes = (table: string, length: number): string[] =>
  Array.from(table.matchAll(new RegExp(`(\\d{${length}}) \\S+`, 'g')), (m) => m[1] as string);

describe('region table', () => {
  const provinces = codes(PROVINCE_TABLE, 2);
  const current = codes(CURRENT_PREFECTURE_TABLE, 4);
  const retired = codes(RETIRED_PREFECTURE_TABLE, 4);

  it('lists every province-level code of GB/T 2260 plus the residence-permit codes', () => {
    const expected = [
      ...['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37'],
      ...['41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65'],
      ...['71', '81', '82', '83'],
    ];
    expect(provinces.sort()).toEqual(expected.sort());
  });

  it('puts every prefecture under a listed province, and lists each once', () => {
    for (const code of [...current, ...retired]) expect(provinces, code).toContain(code.slice(0, 2));
    expect(new Set(current).size).toBe(current.length);
    expect(new Set(retired).size).toBe(retired.length);
    expect(current.filter((c) => retired.includes(c))).toEqual([]);
  });

  it('keeps the pairs well formed (every code followed by one name)', () => {
    const tokens = CURRENT_PREFECTURE_TABLE.trim().split(/\s+/);
    expect(tokens.length).toBe(current.length * 2);
  });
});

describe('lookupRegion', () => {
  it('resolves current, retired and unknown prefectures', () => {
    expect(lookupRegion('330108')).toMatchObject({
      precision: 'prefecture',
      name: '浙江省杭州市',
      retired: false,
    });
    expect(lookupRegion('332601')).toMatchObject({
      precision: 'prefecture',
      name: '浙江省台州地区',
      retired: true,
    });
    expect(lookupRegion('339901')).toMatchObject({ precision: 'province', name: '浙江省' });
    expect(lookupRegion('110105')).toMatchObject({ precision: 'prefecture', name: '北京市' });
    expect(lookupRegion('990101')).toBeNull();
  });

  it('names provinces', () => {
    expect(provinceName('44')).toBe('广东省');
    expect(provinceName('99')).toBeUndefined();
  });
});
