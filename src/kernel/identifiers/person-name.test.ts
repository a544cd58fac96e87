import { describe, expect, it } from 'vitest';
import { addressToCounty, isLikelyChineseAddress } from './address.js';
import { isLikelyChineseName } from './person-name.js';
import { COMPOUND_SURNAMES, SINGLE_SURNAMES, surnameOf } from './surnames.js';

describe('surnames', () => {
  it('prefers a compound surname over its first character', () => {
    expect(surnameOf('欧阳娜娜')).toBe('欧阳');
    expect(surnameOf('司马光')).toBe('司马');
    expect(surnameOf('诸葛亮')).toBe('诸葛');
    expect(surnameOf('张三')).toBe('张');
    expect(surnameOf('Smith')).toBeUndefined();
  });

  it('holds single characters and two-character compounds only', () => {
    for (const s of SINGLE_SURNAMES) expect(Array.from(s)).toHaveLength(1);
    for (const s of COMPOUND_SURNAMES) expect(Array.from(s)).toHaveLength(2);
    expect(SINGLE_SURNAMES.size).toBeGreaterThan(400);
  });
});

describe('isLikelyChineseName', () => {
  it('is confident for 2–3 character names with a known surname', () => {
    for (const name of ['张三', '王小明', '陳大文', ' 李 四 '])
      expect(isLikelyChineseName(name), name).toBeGreaterThanOrEqual(0.9);
  });

  it('is most confident for compound surnames', () => {
    expect(isLikelyChineseName('欧阳娜娜')).toBeGreaterThan(isLikelyChineseName('张王丽华'));
    expect(isLikelyChineseName('诸葛亮')).toBeGreaterThanOrEqual(0.9);
  });

  it('accepts dot-separated minority and transliterated names', () => {
    expect(isLikelyChineseName('阿沛·阿旺晋美')).toBeGreaterThanOrEqual(0.6);
    expect(isLikelyChineseName('迪丽热巴•迪力木拉提')).toBeGreaterThanOrEqual(0.6);
  });

  it('rejects non-Han text, single characters and long strings', () => {
    for (const s of ['Zhang San', '张', '张三丰丰丰', '张3', '', '·张三'])
      expect(isLikelyChineseName(s), s).toBe(0);
  });

  it('stays below the column threshold for places and words that start with a surname character', () => {
    for (const s of ['王府井', '高新区', '北京市', '黄金首饰店', '张家口市'])
      expect(isLikelyChineseName(s), s).toBeLessThan(0.6);
  });
});

describe('isLikelyChineseAddress', () => {
  it('is confident for an administrative area plus a street or number', () => {
    expect(isLikelyChineseAddress('浙江省杭州市滨江区江南大道100号')).toBeGreaterThanOrEqual(0.9);
    expect(isLikelyChineseAddress('朝阳区建国路88号')).toBeGreaterThanOrEqual(0.9);
  });

  it('is not fooled by names and short words', () => {
    expect(isLikelyChineseAddress('张三')).toBe(0);
    expect(isLikelyChineseAddress('客户很满意')).toBeLessThan(0.6);
  });
});

describe('addressToCounty', () => {
  it('cuts after the first county-level unit, skipping 自治区 and 特别行政区', () => {
    expect(addressToCounty('浙江省杭州市滨江区江南大道100号')).toBe('浙江省杭州市滨江区');
    expect(addressToCounty('广西壮族自治区南宁市青秀区民族大道')).toBe('广西壮族自治区南宁市青秀区');
    expect(addressToCounty('云南省大理白族自治州宾川县金牛镇')).toBe('云南省大理白族自治州宾川县');
    expect(addressToCounty('杭州西湖边')).toBeUndefined();
  });
});
