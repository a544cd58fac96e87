import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  renderAnnouncement,
  renderEmail,
  renderLetter,
  renderOtpSms,
  renderSms,
  type SmsMessage,
  withSuffix,
} from './notice-templates.js';
import type { NoticeFacts } from './notice-types.js';

const facts = (path: NoticeFacts['path']): NoticeFacts => ({
  transferId: 'tr-1',
  path,
  sellerName: '示例商贸有限公司',
  recipientName: '新华<b>贸易</b>',
  recipientContact: '0571-88886666',
  rightsContact: 'privacy@example.cn',
  plannedDate: '2027-01-15',
  purposes: '售后服务',
  methods: '存储、使用',
  categories: '姓名、手机号',
});
const vars = (path: NoticeFacts['path']) => ({
  facts: facts(path),
  link: 'https://c.example.cn/portal/t/x?a=1&b=2',
  shortCode: 'ABCD2345',
});

describe('notice templates', () => {
  it('escapes variables in HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const mail = renderEmail(vars('B'));
    expect(mail.html).toContain('新华&lt;b&gt;贸易&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>贸易</b>');
    expect(mail.html).toContain('href="https://c.example.cn/portal/t/x?a=1&amp;b=2"');
    expect(renderLetter(vars('B'), { name: '<张三>' })).toContain('&lt;张三&gt;');
  });

  it('carries the Art. 22 fields on path B: recipient name and contact, purposes continue, rights, date', () => {
    const { text } = renderEmail(vars('B'));
    for (const s of [
      '新华<b>贸易</b>',
      '0571-88886666',
      '2027-01-15',
      '原有的处理目的和处理方式',
      '提出异议',
      'privacy@example.cn',
      'ABCD2345',
    ])
      expect(text).toContain(s);
    expect(text).toContain('Dear customer');
  });

  it('adds the Art. 23 fields and a separate-consent request on path C', () => {
    const { text, subject } = renderEmail(vars('C'));
    for (const s of ['售后服务', '存储、使用', '姓名、手机号', '单独同意', '第二十三条'])
      expect(text).toContain(s);
    expect(subject).toContain('同意');
  });

  it('SMS: a factual 通知 without 拒收请回复R; the opt-out suffix only on 推广', () => {
    for (const p of ['A', 'B', 'C', 'D'] as const) {
      const sms = renderSms(vars(p), '示例', '拒收请回复R');
      expect(sms.kind).toBe('通知');
      expect(sms.text).not.toContain('拒收请回复R');
      expect(sms.text.startsWith('【示例】')).toBe(true);
    }
    const b = renderSms(vars('B'), '示例', '拒收请回复R');
    expect(b.params.map(([k]) => k)).toEqual(['seller', 'date', 'recipient', 'contact', 'link']);
    expect(b.text).toContain('新华<b>贸易</b>');
    expect(b.text).toContain('0571-88886666');
    const promo: SmsMessage = { ...b, kind: '推广' };
    expect(withSuffix(promo, '拒收请回复R').text.endsWith('拒收请回复R')).toBe(true);
    expect(renderOtpSms('123456', '示例').kind).toBe('验证码');
  });

  it('the public announcement (公告) names the recipient and carries no link', () => {
    const text = renderAnnouncement(facts('B'));
    expect(text).toContain('公　告');
    expect(text).toContain('0571-88886666');
    expect(text).not.toContain('/portal/t/');
  });
});
