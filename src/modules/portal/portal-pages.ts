import { escapeHtml } from '../notices/notice-templates.js';
import type { NoticeAnswer, NoticeFacts } from '../notices/notice-types.js';
import type { PortalView } from './portal-service.js';

/**
 * Server-rendered portal pages, zh-CN first with an English toggle (`?lang=en`). No scripts (the CSP
 * allows none inline); forms post to the same origin with the page's one-time form token.
 */
export type PortalLang = 'zh' | 'en';

const T = {
  title: { zh: '客户信息转移通知 · 您的选择', en: 'Notice about your information · Your choice' },
  toggle: { zh: 'English', en: '中文' },
  invalid: {
    zh: '此链接无效、已过期或已使用。如需帮助，请联系通知中所列的联系方式。',
    en: 'This link is invalid, has expired or was already used. For help, use the contact details in the notice.',
  },
  start: {
    zh: '为确认是您本人，我们将向收到本通知的{ch}发送一次性验证码（10 分钟内有效）。',
    en: 'To confirm it is you, we will send a one-time code (valid for 10 minutes) to the {ch} this notice was sent to.',
  },
  email: { zh: '邮箱', en: 'e-mail address' },
  sms: { zh: '手机', en: 'mobile phone' },
  send: { zh: '发送验证码', en: 'Send code' },
  codeSent: {
    zh: '验证码已发送，请输入 6 位数字验证码。',
    en: 'The code has been sent. Enter the 6 digits.',
  },
  code: { zh: '验证码', en: 'Code' },
  verify: { zh: '确认', en: 'Confirm' },
  resend: { zh: '重新发送验证码', en: 'Send a new code' },
  choose: {
    zh: '请选择您的答复（提交后不可更改，如需更改请联系我们）：',
    en: 'Choose your answer (final once sent; contact us to change it):',
  },
  submit: { zh: '提交答复', en: 'Send my answer' },
  done: { zh: '已收到您的答复：{a}。感谢您的回复。', en: 'We have received your answer: {a}. Thank you.' },
  error: { zh: '出错了', en: 'Something went wrong' },
  recipient: { zh: '接收方', en: 'Recipient' },
  contact: { zh: '联系方式', en: 'Contact' },
  date: { zh: '计划转移日期', en: 'Planned date' },
  rights: { zh: '行使权利与咨询', en: 'Your rights and questions' },
} as const;

export const ANSWER_LABELS: Record<NoticeAnswer, { zh: string; en: string }> = {
  object: {
    zh: '我反对：不要把我的信息移交给接收方',
    en: 'I object: keep my information out of this transfer',
  },
  consent: {
    zh: '我同意（单独同意）向接收方提供我的信息',
    en: 'I consent (separately) to my information going to the recipient',
  },
  refuse: {
    zh: '我不同意向接收方提供我的信息',
    en: 'I do not consent to my information going to the recipient',
  },
  withdraw: { zh: '撤回我此前给予的同意', en: 'Withdraw the consent I gave before' },
  delete: { zh: '请删除我的个人信息', en: 'Delete my personal information' },
};

function t(key: keyof typeof T, lang: PortalLang, vars: Record<string, string> = {}): string {
  return escapeHtml(T[key][lang]).replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

function layout(lang: PortalLang, toggleHref: string, body: string): string {
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${t('title', lang)}</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:640px;margin:32px auto;padding:0 16px;color:#1f1f1f;line-height:1.6}
.box{border:1px solid #d9d9d9;border-radius:8px;padding:16px;margin:16px 0}.err{color:#cf1322;border-color:#ffa39e;background:#fff1f0}
button{font-size:16px;padding:8px 20px;border-radius:6px;border:1px solid #1677ff;background:#1677ff;color:#fff;cursor:pointer}
button.link{background:#fff;color:#1677ff}input[type=text]{font-size:20px;letter-spacing:4px;width:10em;padding:6px}
label{display:block;margin:8px 0}nav{text-align:right}</style></head>
<body><nav><a href="${escapeHtml(toggleHref)}" id="lang-toggle">${t('toggle', lang)}</a></nav>
<h1>${t('title', lang)}</h1>
${body}
</body></html>`;
}

function factsBox(f: NoticeFacts, lang: PortalLang): string {
  const row = (k: keyof typeof T, v: string) => `<div><strong>${t(k, lang)}：</strong>${escapeHtml(v)}</div>`;
  return `<div class="box">
<p>${escapeHtml(f.sellerName)}</p>
${f.path === 'D' ? '' : row('recipient', f.recipientName)}
${row('contact', f.recipientContact)}
${row('date', f.plannedDate)}
${row('rights', f.rightsContact)}
</div>`;
}

function hidden(token: string, nonce: string, lang: PortalLang): string {
  return `<input type="hidden" name="t" value="${escapeHtml(token)}"><input type="hidden" name="nonce" value="${escapeHtml(nonce)}"><input type="hidden" name="lang" value="${lang}">`;
}

export interface PageContext {
  lang: PortalLang;
  token: string;
  /** The link page in the other language. */
  toggleHref: string;
}

export function invalidPage(ctx: Pick<PageContext, 'lang' | 'toggleHref'>): string {
  return layout(
    ctx.lang,
    ctx.toggleHref,
    `<div class="box err" id="invalid">${t('invalid', ctx.lang)}</div>`,
  );
}

export function errorPage(ctx: Pick<PageContext, 'lang' | 'toggleHref'>, message: string): string {
  return layout(
    ctx.lang,
    ctx.toggleHref,
    `<div class="box err" id="error"><strong>${t('error', ctx.lang)}</strong><p>${escapeHtml(message)}</p></div>`,
  );
}

export function startPage(ctx: PageContext, v: PortalView, error?: string): string {
  const ch = t(v.channel, ctx.lang);
  return layout(
    ctx.lang,
    ctx.toggleHref,
    `${factsBox(v.campaign.facts, ctx.lang)}
${error ? `<div class="box err" id="error">${escapeHtml(error)}</div>` : ''}
<p>${t('start', ctx.lang, { ch })}</p>
<form method="post" action="/portal/code">${hidden(ctx.token, v.nonce, ctx.lang)}<button type="submit" id="send-code">${t('send', ctx.lang)}</button></form>`,
  );
}

export function verifyPage(ctx: PageContext, v: PortalView, error?: string): string {
  return layout(
    ctx.lang,
    ctx.toggleHref,
    `${error ? `<div class="box err" id="error">${escapeHtml(error)}</div>` : `<p id="code-sent">${t('codeSent', ctx.lang)}</p>`}
<form method="post" action="/portal/verify">${hidden(ctx.token, v.nonce, ctx.lang)}
<label>${t('code', ctx.lang)} <input type="text" name="code" id="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required></label>
<button type="submit" id="verify">${t('verify', ctx.lang)}</button></form>
<form method="post" action="/portal/code">${hidden(ctx.token, v.nonce, ctx.lang)}<button type="submit" class="link" id="resend">${t('resend', ctx.lang)}</button></form>`,
  );
}

export function answerPage(ctx: PageContext, v: PortalView): string {
  const options = v.allowed
    .map(
      (a, i) =>
        `<label><input type="radio" name="answer" value="${a}" id="answer-${a}"${i === 0 ? ' required' : ''}> ${escapeHtml(ANSWER_LABELS[a][ctx.lang])}</label>`,
    )
    .join('\n');
  return layout(
    ctx.lang,
    ctx.toggleHref,
    `${factsBox(v.campaign.facts, ctx.lang)}
<form method="post" action="/portal/answer">${hidden(ctx.token, v.nonce, ctx.lang)}
<p>${t('choose', ctx.lang)}</p>
${options}
<button type="submit" id="submit-answer">${t('submit', ctx.lang)}</button></form>`,
  );
}

export function donePage(ctx: Pick<PageContext, 'lang' | 'toggleHref'>, answer: NoticeAnswer): string {
  return layout(
    ctx.lang,
    ctx.toggleHref,
    `<div class="box" id="done">${t('done', ctx.lang, { a: escapeHtml(ANSWER_LABELS[answer][ctx.lang]) })}</div>`,
  );
}
