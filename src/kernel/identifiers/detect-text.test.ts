import { describe, expect, it } from 'vitest';
import { idNumberCheckChar, luhnCheckDigit, luhnValid, usccCheckChar } from './checksums.js';
import { detectInText } from './detect-text.js';

const today = new Date('2025-06-01T00:00:00Z');
const card = (() => {
  const payload = '622202000012345678';
  return payload + luhnCheckDigit(payload);
})();

/** Asserts that no 6-character run of `raw` (separators removed) shows up in the serialised detections. */
function expectNoLeak(serialised: string, raw: string): void {
  const compact = raw.replace(/[\s-]/g, '');
  for (let i = 0; i + 6 <= compact.length; i++) expect(serialised).not.toContain(compact.slice(i, i + 6));
}

describe('detectInText: a mixed Chinese sentence', () => {
  it('finds landlines as people type them: spaced, split in two, with +86 or 0086', () => {
    for (const text of [
      '010 6234 5678',
      '0571-8888-6666',
      '+86-571-88886666',
      '+86 10 6234 5678',
      '0086 21 5555 6666',
    ])
      expect(detectInText(text).map((d) => d.kind)).toEqual(['landline']);
    // A subscriber number never starts with 1; an order number is no phone.
    expect(detectInText('0755-1234567')).toEqual([]);
    expect(detectInText('订单号 20240101123456').map((d) => d.kind)).not.toContain('landline');
  });

  const raws = {
    mobile: '+86 138-0013-8000',
    id: '11010519491231002X',
    email: 'Zhang.San@163.com',
    card,
  };
  const text = `客户张三，手机${raws.mobile}，身份证${raws.id}，邮箱${raws.email}，工资卡号${raws.card}，备注：无。`;
  const found = detectInText(text, { today });

  it('finds exactly the expected kinds, in order', () => {
    expect(found.map((d) => d.kind)).toEqual(['mobile', 'id-number', 'email', 'bank-card']);
  });

  it('reports offsets that cover the identifiers in the original text', () => {
    expect(found.map((d) => text.slice(d.start, d.end))).toEqual([
      raws.mobile,
      raws.id,
      raws.email,
      raws.card,
    ]);
  });

  it('masks each value in its conventional format', () => {
    expect(found.map((d) => d.masked)).toEqual([
      '138****8000',
      '110***********002X',
      'z***@163.com',
      `尾号${card.slice(-4)}`,
    ]);
  });

  it('classifies per PIPL', () => {
    expect(found.map((d) => [d.category, d.sensitive])).toEqual([
      ['personal-info', false],
      ['sensitive-pi', true],
      ['personal-info', false],
      ['sensitive-pi', true],
    ]);
    for (const d of found) expect(d.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('never exposes the raw values', () => {
    const serialised = JSON.stringify(found);
    for (const raw of [raws.mobile, raws.id, raws.card]) expectNoLeak(serialised, raw);
    // The email mask keeps the provider's domain by design; the mailbox name must not show.
    expect(serialised.toLowerCase()).not.toContain('zhang');
    expect(serialised.toLowerCase()).not.toContain('san@');
    for (const d of found)
      expect(Object.keys(d).sort()).toEqual([
        'category',
        'confidence',
        'end',
        'kind',
        'masked',
        'sensitive',
        'start',
      ]);
  });

  it('does not report the customer name: names are only classified in columns', () => {
    expect(found.some((d) => d.kind === 'person-name')).toBe(false);
  });
});

describe('detectInText: other identifiers', () => {
  it('finds company, contact, vehicle, network, location and travel identifiers', () => {
    const text =
      '公司统一社会信用代码91350100M000100Y43，电话0571-88888888转123，车牌浙A·D12345，' +
      '服务器2001:db8::1，登录IP 192.168.1.10，位置30.274084,120.155070，邮编：310000，护照号码E12345678。';
    const found = detectInText(text, { today });
    expect(found.map((d) => d.kind)).toEqual([
      'uscc',
      'landline',
      'licence-plate',
      'ipv6',
      'ipv4',
      'coordinates',
      'postcode',
      'passport',
    ]);
    const byKind = Object.fromEntries(found.map((d) => [d.kind, d]));
    expect(byKind.uscc?.category).toBe('company-identifier');
    expect(byKind.coordinates?.sensitive).toBe(true);
    expect(byKind.landline?.masked).toBe('0571****88');
    // The keyword 护照 raises a passport match above the bare pattern's confidence.
    expect(byKind.passport?.confidence).toBeGreaterThan(0.7);
    const serialised = JSON.stringify(found);
    for (const raw of [
      '91350100M000100Y43',
      '88888888',
      'D12345',
      '192.168.1.10',
      '30.274084',
      '310000',
      'E12345678',
    ]) {
      expect(serialised).not.toContain(raw);
    }
  });

  it('finds full-width digits and keeps offsets into the original text', () => {
    const text = '请拨打１３８００１３８０００联系';
    const found = detectInText(text);
    expect(found).toHaveLength(1);
    expect(found[0]?.kind).toBe('mobile');
    expect(text.slice(found[0]?.start, found[0]?.end)).toBe('１３８００１３８０００');
    expect(found[0]?.masked).toBe('138****8000');
  });

  it('marks the ID number of a child under 14, whose every piece of PI is sensitive', () => {
    const check = (first17: string) => first17 + idNumberCheckChar(first17);
    const child = check('11010520150301002');
    const adult = check('11010519800301002');
    const found = detectInText(`孩子${child}，家长${adult}`, { today });
    expect(found.map((d) => [d.kind, d.minorUnder14 ?? false])).toEqual([
      ['id-number', true],
      ['id-number', false],
    ]);
  });

  it('finds legacy 15-digit ID numbers with lower confidence', () => {
    const found = detectInText('老身份证110105491231002', { today });
    expect(found.map((d) => d.kind)).toEqual(['id-number']);
    expect(found[0]?.confidence).toBeLessThan(0.9);
  });

  it('classifies an individual business USCC as personal information', () => {
    const first17 = '92330106MA2H1234X';
    const found = detectInText(`个体户代码${first17}${usccCheckChar(first17)}`, { today });
    expect(found.map((d) => [d.kind, d.category])).toEqual([['uscc', 'personal-info']]);
  });

  it('ignores digit runs that are not identifiers', () => {
    const order = '20230101123456789';
    expect(luhnValid(order)).toBe(false);
    const text = `订单号${order}，金额123456元，时间12:30:45，版本1.2.3，数量13800138000000件`;
    expect(detectInText(text, { today })).toEqual([]);
  });

  it('does not find a mobile number inside a longer digit run or an email address', () => {
    expect(detectInText('编号913800138000123', { today }).some((d) => d.kind === 'mobile')).toBe(false);
    const found = detectInText('13800138000@139.com', { today });
    expect(found.map((d) => d.kind)).toEqual(['email']);
  });

  it('needs a label before a bare postcode, 台胞证 or old-style passport number', () => {
    expect(detectInText('共310000件')).toEqual([]);
    expect(detectInText('台胞证号码：12345678').map((d) => d.kind)).toEqual(['taiwan-permit']);
    expect(detectInText('编号12345678')).toEqual([]);
    expect(detectInText('护照：141234567').map((d) => d.kind)).toEqual(['passport']);
  });

  it('raises a Luhn-failing card number to a detection only with a card keyword', () => {
    const noBin = '3000000000000000';
    expect(luhnValid(noBin)).toBe(false);
    expect(detectInText(`参考${noBin}`)).toEqual([]);
    expect(detectInText(`银行卡号${noBin}`).map((d) => d.kind)).toEqual(['bank-card']);
  });

  it('resolves overlaps across a long note, keeping detections in text order', () => {
    const chunk = '手机13800138000，邮箱zhang@163.com，卡号6222020000123456781，IP 10.0.0.1；';
    const found = detectInText(chunk.repeat(300), { today });
    expect(found).toHaveLength(4 * 300);
    expect(found.slice(0, 4).map((d) => d.kind)).toEqual(['mobile', 'email', 'bank-card', 'ipv4']);
    for (let i = 1; i < found.length; i++) {
      expect((found[i]?.start ?? 0) >= (found[i - 1]?.end ?? 0)).toBe(true);
    }
  });
});
