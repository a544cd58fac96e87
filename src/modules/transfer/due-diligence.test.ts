import { describe, expect, it } from 'vitest';
import { ageBand, provinceOf, volumeBucket } from './due-diligence.js';
import { canonicalJson } from './signing.js';

describe('due-diligence generalisation', () => {
  it('keeps only the province, an age band and a volume bucket', () => {
    expect(provinceOf('浙江省杭州市滨江区长河街道')).toBe('浙江省');
    expect(provinceOf('北京市东城区')).toBe('北京市');
    expect(provinceOf('内蒙古自治区呼和浩特市')).toBe('内蒙古自治区');
    expect(provinceOf(undefined)).toBe('未知');
    expect(ageBand(37)).toBe('30-39');
    expect(ageBand(15)).toBe('<18');
    expect(ageBand(null)).toBe('未知');
    expect(volumeBucket(52_000)).toBe('1万-10万');
    expect(volumeBucket('abc')).toBe('未知');
  });

  it('signs a canonical form independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});
