import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttp } from '../../src/http.js';
import { createLogger } from '../../src/kernel/log/logger.js';
import { mailText, startSmtp } from '../e2e/notices-support.js';
import { type AppFixture, freshApp, SEEDED } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';
import { type Browser, openBrowser, screenshot } from './browser-support.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const ENV_KEYS = [
  'CUSTODIAN_SMTP_HOST',
  'CUSTODIAN_SMTP_PORT',
  'CUSTODIAN_SMTP_FROM',
  'CUSTODIAN_PUBLIC_URL',
  'CUSTODIAN_NOTICE_WINDOW_START',
  'CUSTODIAN_NOTICE_WINDOW_END',
];

describe('a customer objects through the notice link in real Chromium', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let f: AppFixture;
  let server: FastifyInstance;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    smtp = await startSmtp();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    Object.assign(process.env, {
      CUSTODIAN_SMTP_HOST: '127.0.0.1',
      CUSTODIAN_SMTP_PORT: String(smtp.port),
      CUSTODIAN_SMTP_FROM: 'notice@seller.example.cn',
      CUSTODIAN_PUBLIC_URL: base,
      // The test may run at any hour: the send window is the whole day here.
      CUSTODIAN_NOTICE_WINDOW_START: '0',
      CUSTODIAN_NOTICE_WINDOW_END: '24',
    });
    const logger = createLogger({ level: 'warn' });
    f = await freshApp(engines()[0]!, { logger });
    server = await buildHttp(f.app, logger);
    await server.listen({ port, host: '127.0.0.1' });
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await f?.cleanup();
    await smtp?.stop();
    for (const k of ENV_KEYS) delete process.env[k];
  });

  it('opens the link, gets a one-time code by e-mail, objects, and the tally counts it', async () => {
    const person = SEEDED[0];
    const customerId = await f.app.customers.create(f.actor, {
      kind: 'individual',
      purposes: ['sales'],
      fields: { name: person.name, mobile: person.mobile, email: person.email },
    });
    const created = await f.app.notices.service.createCampaign(f.actor, {
      transferId: 'tr-browser',
      path: 'B',
      recipientName: '杭州新华贸易有限公司',
      recipientContact: '0571-88886666',
      plannedDate: '2099-12-31',
      customerIds: [customerId],
      channels: ['email'],
    });
    expect((await f.app.notices.sender.drain({ campaignId: created.campaign.id })).sent).toBe(1);
    const notice = mailText(smtp.mails.at(-1)!.raw);
    const link = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/portal/t/[A-Za-z0-9_-]{43}`).exec(notice)?.[0];
    expect(link).toBeDefined();

    const { page, errors } = browser;
    await page.goto(link as string);
    expect(await page.locator('h1').textContent()).toBe('客户信息转移通知 · 您的选择');
    expect(await page.content()).toContain('杭州新华贸易有限公司');
    // The English toggle re-renders the same page in English.
    await page.click('#lang-toggle');
    await page.waitForSelector('#send-code');
    expect(await page.locator('h1').textContent()).toContain('Notice about your information');
    await page.click('#lang-toggle');
    await page.waitForSelector('#send-code');

    const before = smtp.mails.length;
    await page.click('#send-code');
    await page.waitForSelector('#code');
    expect(smtp.mails.length).toBe(before + 1);
    const otp = /验证码为 (\d{6})/.exec(mailText(smtp.mails.at(-1)!.raw))?.[1] as string;
    expect(otp).toMatch(/^\d{6}$/);

    // A wrong code first: the page says so and lets the customer try again.
    await page.fill('#code', otp === '000000' ? '111111' : '000000');
    await page.click('#verify');
    await page.waitForSelector('#error');
    expect(await page.locator('#error').textContent()).toContain('验证码错误');
    await page.fill('#code', otp);
    await page.click('#verify');
    await page.waitForSelector('#answer-object');
    await screenshot(page, 'portal-answer');
    await page.check('#answer-object');
    await page.click('#submit-answer');
    await page.waitForSelector('#done');
    expect(await page.locator('#done').textContent()).toContain('我反对');

    const tally = await f.app.notices.service.tally(f.actor, created.campaign.id);
    expect(tally.answers.object).toBe(1);
    const answers = await f.app.notices.transferAnswers.answersFor('tr-browser');
    expect(answers).toMatchObject([{ customerId, answer: 'object', channel: 'portal' }]);

    // The same link again: a clear page, nothing else.
    await page.goto(link as string);
    await page.waitForSelector('#invalid');
    // Only the expected statuses (422 wrong code, 410 used link) show up; no script or CSP errors.
    expect(errors.filter((e) => !/status of (422|410)/.test(e))).toEqual([]);
    expect(errors).toHaveLength(2);
  });
});
