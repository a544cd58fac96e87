import { describe, expect, it } from 'vitest';
import { validateEmail } from './email.js';

const canonical = (raw: string): string => {
  const v = validateEmail(raw);
  return v.ok ? v.value : v.reason;
};

describe('validateEmail', () => {
  it('trims and lower-cases', () => {
    expect(canonical('  Zhang.San@163.COM ')).toBe('zhang.san@163.com');
  });

  it('folds a full-width @ and the ideographic full stop', () => {
    expect(canonical('zhang＠qq．com')).toBe('zhang@qq.com');
    expect(canonical('zhang@163。com')).toBe('zhang@163.com');
  });

  it('accepts IDN domains in Unicode form and plus-addressing', () => {
    expect(canonical('info@例子.中国')).toBe('info@例子.中国');
    expect(canonical('a+tag@sub.example.com.cn')).toBe('a+tag@sub.example.com.cn');
  });

  it('EMAIL_FORMAT for malformed addresses', () => {
    for (const raw of [
      'zhang',
      '@163.com',
      'zhang@',
      'a@b',
      'a..b@c.com',
      '.a@c.com',
      'a@b@c.com',
      'a b@c.com',
      'a@192.168.1.1',
      'a@-abc.com',
      '张三@163.com',
    ]) {
      expect(canonical(raw), raw).toBe('EMAIL_FORMAT');
    }
    expect(canonical('')).toBe('EMPTY');
  });

  it('EMAIL_MULTIPLE for a cell holding several valid addresses', () => {
    expect(canonical('a@b.cn；c@d.cn')).toBe('EMAIL_MULTIPLE');
    expect(canonical('zhang@163.com, li@qq.com')).toBe('EMAIL_MULTIPLE');
    expect(canonical('zhang@163.com / li@@qq.com')).toBe('EMAIL_FORMAT');
  });
});
