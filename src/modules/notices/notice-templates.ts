import { formatShanghai } from '../../kernel/time/clock.js';
import type { NoticeFacts } from './notice-types.js';

/**
 * The notice texts, zh-CN first with English after. Every variable passes through `escapeHtml` in the
 * HTML forms; the texts carry the PIPL Art. 22 fields (recipient's 名称 and 联系方式, original purposes
 * and methods continue, how to exercise rights and object, the planned date) and, on path C, the Art. 23
 * fields with a request for separate consent (单独同意).
 */
export const TEMPLATE_VERSION = 'notice-v1';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface NoticeVars {
  facts: NoticeFacts;
  link: string;
  shortCode: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Ordered paragraphs of one notice: [zh, en] pairs. Plain text; the HTML form escapes each. */
function paragraphs(v: NoticeVars): Array<[string, string]> {
  const f = v.facts;
  const out: Array<[string, string]> = [];
  if (f.path === 'D') {
    out.push([
      `${f.sellerName}将于 ${f.plannedDate} 停止经营，届时将删除或匿名化处理您的个人信息，仅保留法律、行政法规要求保存的部分并停止其他处理。`,
      `${f.sellerName} will cease business on ${f.plannedDate}. Your personal information will then be deleted or anonymised; only what laws require is kept, and no other processing takes place.`,
    ]);
  } else if (f.path === 'A') {
    out.push([
      `${f.sellerName}的股权将发生变更（计划日期 ${f.plannedDate}）。处理您个人信息的主体不变，仍为${f.sellerName}；新的控制方：${f.recipientName}，联系方式：${f.recipientContact}。`,
      `The ownership of ${f.sellerName} changes (planned ${f.plannedDate}). ${f.sellerName} remains the processor of your personal information; the new controlling owner is ${f.recipientName}, contact: ${f.recipientContact}.`,
    ]);
  } else {
    out.push([
      `因${f.path === 'B' ? '公司合并、分立或解散' : '业务转让'}，${f.sellerName}计划于 ${f.plannedDate} 将您的个人信息转移给：${f.recipientName}（联系方式：${f.recipientContact}）。`,
      `Because of a ${f.path === 'B' ? 'merger, division or dissolution' : 'business sale'}, ${f.sellerName} plans to transfer your personal information on ${f.plannedDate} to: ${f.recipientName} (contact: ${f.recipientContact}).`,
    ]);
  }
  if (f.path === 'B' || f.path === 'A') {
    out.push([
      '您的个人信息将继续按原有的处理目的和处理方式处理；接收方继续履行个人信息处理者的义务。如需变更处理目的或方式，接收方将重新取得您的同意。',
      'Your personal information will continue to be processed for the original purposes and in the original ways; the recipient takes over the processor’s obligations. Any change of purpose or method needs your consent again.',
    ]);
  }
  if (f.path === 'C') {
    out.push([
      `接收方的处理目的：${f.purposes ?? '与原目的相同'}；处理方式：${f.methods ?? '与原方式相同'}；涉及的个人信息种类：${f.categories ?? '客户联系信息及交易记录'}。`,
      `The recipient's purposes: ${f.purposes ?? 'the same as now'}; methods: ${f.methods ?? 'the same as now'}; categories of personal information: ${f.categories ?? 'customer contact details and transaction records'}.`,
    ]);
    out.push([
      '依据《个人信息保护法》第二十三条，向接收方提供您的个人信息须取得您的单独同意。未取得您同意的，您的信息不会被提供给接收方。请通过下方链接选择“同意”或“不同意”。',
      'Under PIPL Art. 23, providing your personal information to the recipient needs your separate consent. Without it, your information is not provided to the recipient. Use the link below to consent or refuse.',
    ]);
  }
  if (f.path !== 'D') {
    out.push([
      `您可以在 ${f.plannedDate} 前通过下方链接提出异议（不随本次转让移交）、撤回同意或要求删除您的个人信息。`,
      `Before ${f.plannedDate} you can use the link below to object (stay out of this transfer), withdraw consent or ask for deletion.`,
    ]);
  }
  out.push([
    `答复链接：${v.link}　（电话答复请提供答复码：${v.shortCode}）`,
    `Answer link: ${v.link} (to answer by phone, quote the code ${v.shortCode})`,
  ]);
  out.push([
    `行使个人信息权利或咨询：${f.rightsContact}。`,
    `To exercise your rights or ask questions: ${f.rightsContact}.`,
  ]);
  return out;
}

function subject(f: NoticeFacts): string {
  if (f.path === 'D') return `【重要通知】${f.sellerName}停止经营及个人信息处理安排 / Notice of closure`;
  if (f.path === 'C')
    return `【需要您的同意】您的个人信息拟转移至${f.recipientName} / Your consent is requested`;
  return `【重要通知】您的个人信息将转移至${f.recipientName} / Notice of transfer`;
}

export function renderEmail(v: NoticeVars): RenderedEmail {
  const ps = paragraphs(v);
  const text = [
    '尊敬的客户：',
    '',
    ...ps.map(([zh]) => zh),
    '',
    `${v.facts.sellerName}`,
    '',
    '---',
    'Dear customer,',
    '',
    ...ps.map(([, en]) => en),
    '',
    `${v.facts.sellerName}`,
  ].join('\n');
  const link = escapeHtml(v.link);
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(subject(v.facts))}</title></head>
<body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif;max-width:640px;margin:auto;color:#1f1f1f">
<p>尊敬的客户：</p>
${ps.map(([zh]) => `<p>${escapeHtml(zh)}</p>`).join('\n')}
<p><a href="${link}">点击此处答复 / Answer here</a></p>
<p>${escapeHtml(v.facts.sellerName)}</p>
<hr>
<div lang="en"><p>Dear customer,</p>
${ps.map(([, en]) => `<p>${escapeHtml(en)}</p>`).join('\n')}</div>
</body></html>`;
  return { subject: subject(v.facts), text, html };
}

/** A printable letter (挂号信/EMS); the addressee lines are filled at print time, not stored. */
export function renderLetter(
  v: NoticeVars,
  addressee: { name?: string; address?: string } = {},
  date: Date = new Date(),
): string {
  const ps = paragraphs(v);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(subject(v.facts))}</title>
<style>@page{size:A4;margin:25mm}body{font-family:'SimSun','Songti SC',serif;font-size:12pt;line-height:1.7}
.to{margin-bottom:2em}.sign{margin-top:3em;text-align:right}.en{font-size:10pt;color:#444}</style></head>
<body><div class="to">${escapeHtml(addressee.address ?? '')}<br>${escapeHtml(addressee.name ?? '')} 收</div>
<h1 style="font-size:16pt;text-align:center">${escapeHtml(subject(v.facts).split(' / ')[0] ?? '')}</h1>
<p>尊敬的客户：</p>
${ps.map(([zh]) => `<p>${escapeHtml(zh)}</p>`).join('\n')}
<p class="sign">${escapeHtml(v.facts.sellerName)}<br>${escapeHtml(formatShanghai(date).slice(0, 10))}</p>
<div class="en">${ps.map(([, en]) => `<p>${escapeHtml(en)}</p>`).join('\n')}</div>
</body></html>`;
}

/** The public announcement (公告) for customers who cannot be reached individually; no personal data. */
export function renderAnnouncement(facts: NoticeFacts): string {
  const v: NoticeVars = { facts, link: '', shortCode: '' };
  const body = paragraphs(v)
    .filter(([zh]) => !zh.startsWith('答复链接'))
    .map(([zh]) => zh);
  return [
    `公　告`,
    '',
    ...body,
    `未能收到单独通知的客户，可在 ${facts.plannedDate} 前通过上述联系方式提出异议、撤回同意或要求删除。`,
    '',
    `特此公告。`,
    `${facts.sellerName}`,
  ].join('\n');
}

export type SmsTemplateKind = '通知' | '验证码' | '推广';

export interface SmsMessage {
  /** Which configured template to use. */
  template: 'notice' | 'noticeC' | 'otp';
  kind: SmsTemplateKind;
  /** Named parameters in the order of the template's positional slots ({1}, {2}… on Tencent). */
  params: Array<[string, string]>;
  /** The text as the customer reads it (evidence; the provider renders its registered template). */
  text: string;
}

/**
 * SMS texts. A handover notice is a factual 通知 template: the recipient's name and contact and the
 * link, no marketing, and never “拒收请回复R” (Aliyun template rules). The opt-out suffix is
 * appended to 推广 texts only.
 */
export function renderSms(v: NoticeVars, signName: string, optOutSuffix: string): SmsMessage {
  const f = v.facts;
  const params: Array<[string, string]> = [
    ['seller', f.sellerName],
    ['date', f.plannedDate],
    ['recipient', f.recipientName],
    ['contact', f.recipientContact],
    ['link', v.link],
  ];
  let text: string;
  if (f.path === 'C')
    text = `${f.sellerName}拟于${f.plannedDate}将业务转让给${f.recipientName}（联系方式${f.recipientContact}），提供您的信息须经您单独同意，请选择：${v.link}`;
  else if (f.path === 'D')
    text = `${f.sellerName}将于${f.plannedDate}停止经营并删除您的信息（咨询${f.recipientContact}），详情：${v.link}`;
  else
    text = `${f.sellerName}将于${f.plannedDate}把您的客户信息移交${f.recipientName}（联系方式${f.recipientContact}），原目的和方式不变，异议或详情：${v.link}`;
  return withSuffix(
    {
      template: f.path === 'C' ? 'noticeC' : 'notice',
      kind: '通知',
      params,
      text: `【${signName}】${text}`,
    },
    optOutSuffix,
  );
}

export function renderOtpSms(code: string, signName: string): SmsMessage {
  return {
    template: 'otp',
    kind: '验证码',
    params: [
      ['code', code],
      ['minutes', '10'],
    ],
    text: `【${signName}】您的验证码为${code}，10分钟内有效，请勿告诉他人。`,
  };
}

export function withSuffix(msg: SmsMessage, optOutSuffix: string): SmsMessage {
  if (msg.kind !== '推广' || !optOutSuffix) return msg;
  return { ...msg, text: `${msg.text}${optOutSuffix}` };
}

export function renderOtpEmail(code: string, sellerName: string): RenderedEmail {
  const zh = `您的验证码为 ${code}，10 分钟内有效。如非本人操作，请忽略本邮件。`;
  const en = `Your verification code is ${code}. It is valid for 10 minutes. If you did not ask for it, ignore this e-mail.`;
  return {
    subject: `验证码 / Verification code — ${sellerName}`,
    text: `${zh}\n\n${en}\n`,
    html: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body><p>${escapeHtml(zh)}</p><p lang="en">${escapeHtml(en)}</p></body></html>`,
  };
}
