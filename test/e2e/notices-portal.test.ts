import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttp } from '../../src/http.js';
import { AppError } from '../../src/kernel/errors/app-error.js';
import { createLogger, silentLogger } from '../../src/kernel/log/logger.js';
import { fixedClock } from '../../src/kernel/time/clock.js';
import { runCli } from '../../src/main.js';
import type { NoticesModule } from '../../src/modules/notices/index.js';
import { NOTICE_EVENT_SCHEMAS } from '../../src/modules/notices/notice-events.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';
import {
  IN_WINDOW,
  mailText,
  noticesFor,
  PLANNED,
  seedCustomers,
  smtpConfig,
  startSmtp,
} from './notices-support.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'OK';
}

describe('the customer portal: links, one-time codes, answers; staff answers; the transfer port', () => {
  let f: AppFixture;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: FastifyInstance;

  beforeAll(async () => {
    smtp = await startSmtp();
    f = await freshApp(engines()[0]!);
    server = await buildHttp(f.app, silentLogger());
  });
  afterAll(async () => {
    await server?.close();
    await f?.cleanup();
    await smtp?.stop();
  });

  function lastMailTo(address: string): string {
    const m = [...smtp.mails].reverse().find((x) => x.to.includes(address));
    if (!m) throw new Error('no mail');
    return mailText(m.raw);
  }
  const tokenIn = (text: string) => /\/portal\/t\/([A-Za-z0-9_-]{43})/.exec(text)?.[1] as string;
  const otpIn = (text: string) => /验证码为 (\d{6})/.exec(text)?.[1] as string;

  async function sentCampaign(path: 'B' | 'C', count: number, offset: number) {
    const clock = fixedClock(IN_WINDOW);
    const n: NoticesModule = noticesFor(f, clock, smtpConfig(smtp.port));
    const people = await seedCustomers(f, count, offset);
    const created = await n.service.createCampaign(f.actor, {
      transferId: `tr-portal-${offset}`,
      path,
      recipientName: '接收方公司',
      recipientContact: '400-600-0000',
      plannedDate: PLANNED,
      customerIds: people.map((p) => p.id),
      channels: ['email'],
      ...(path === 'C' ? { consentPurpose: 'sales' } : {}),
    });
    await n.sender.drain({ campaignId: created.campaign.id });
    return { clock, n, people, campaignId: created.campaign.id };
  }

  it('a one-time code: wrong (attempts left), too many attempts, expired; stale forms refused', async () => {
    const { clock, n, people } = await sentCampaign('B', 1, 0);
    const token = tokenIn(lastMailTo(people[0]!.email));
    const start = await n.portal.open(token);
    expect(start.stage).toBe('start');
    const verify = await n.portal.requestCode(token, start.nonce);
    const otp = otpIn(lastMailTo(people[0]!.email));
    expect(otp).toMatch(/^\d{6}$/);
    // The previous page's form token no longer works.
    expect(await code(n.portal.requestCode(token, start.nonce))).toBe('PORTAL_FORM_STALE');
    const wrong = otp === '000000' ? '111111' : '000000';
    const e1 = await n.portal.verifyCode(token, verify.nonce, wrong).catch((e: AppError) => e);
    expect((e1 as AppError).code).toBe('PORTAL_CODE_INVALID');
    expect((e1 as AppError).params.left).toBe(4);
    for (let i = 0; i < 3; i += 1)
      expect(await code(n.portal.verifyCode(token, verify.nonce, wrong))).toBe('PORTAL_CODE_INVALID');
    expect(await code(n.portal.verifyCode(token, verify.nonce, wrong))).toBe('PORTAL_CODE_LOCKED');
    // Locked: even the right code no longer opens it; a new code does.
    expect(await code(n.portal.verifyCode(token, verify.nonce, otp))).toBe('PORTAL_CODE_LOCKED');
    clock.advance(61_000);
    const again = await n.portal.reissue(token, 'start');
    const v2 = await n.portal.requestCode(token, again.nonce);
    const otp2 = otpIn(lastMailTo(people[0]!.email));
    clock.advance(10 * 60_000 + 1);
    expect(await code(n.portal.verifyCode(token, v2.nonce, otp2))).toBe('PORTAL_CODE_EXPIRED');
    const v3 = await n.portal.requestCode(token, v2.nonce);
    const otp3 = otpIn(lastMailTo(people[0]!.email));
    const answer = await n.portal.verifyCode(token, v3.nonce, otp3);
    expect(answer.stage).toBe('answer');
    expect(answer.allowed).toEqual(['object', 'withdraw', 'delete']);
    n.close();
  });

  it('caps the codes one link can ask for (10 codes x 5 tries)', async () => {
    const { clock, n, people } = await sentCampaign('B', 1, 5);
    const token = tokenIn(lastMailTo(people[0]!.email));
    let v = await n.portal.open(token);
    for (let i = 0; i < 10; i += 1) {
      v = await n.portal.requestCode(token, v.nonce);
      clock.advance(61_000);
    }
    expect(await code(n.portal.requestCode(token, v.nonce))).toBe('PORTAL_CODE_LIMIT');
    n.close();
  });

  it('withdrawing consent through the portal writes the consent ledger (channel portal); the link then does nothing', async () => {
    const { n, people, campaignId } = await sentCampaign('B', 1, 10);
    const customerId = people[0]!.id;
    const token = tokenIn(lastMailTo(people[0]!.email));
    const s = await n.portal.open(token);
    const v = await n.portal.requestCode(token, s.nonce);
    const a = await n.portal.verifyCode(token, v.nonce, otpIn(lastMailTo(people[0]!.email)));
    expect((await n.portal.answer(token, a.nonce, 'withdraw')).answer).toBe('withdraw');
    const ledger = await f.app.consent.list(f.actor, customerId);
    expect(ledger.at(-1)).toMatchObject({ purpose: 'sales', action: 'withdraw', channel: 'portal' });
    // Reused: nothing happens, the page says so.
    expect(await code(n.portal.open(token))).toBe('PORTAL_LINK_INVALID');
    expect(await code(n.portal.answer(token, a.nonce, 'object'))).toBe('PORTAL_LINK_INVALID');
    const page = await server.inject({ url: `/portal/t/${token}` });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('链接无效、已过期或已使用');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).not.toContain('<script');
    const tally = await n.service.tally(f.actor, campaignId);
    expect(tally.answers.withdraw).toBe(1);
    n.close();
  });

  it('path C: separate consent through the portal; answers and evidence through the TransferAnswers port', async () => {
    const { n, people, campaignId } = await sentCampaign('C', 2, 20);
    const token = tokenIn(lastMailTo(people[0]!.email));
    const s = await n.portal.open(token);
    const v = await n.portal.requestCode(token, s.nonce);
    const a = await n.portal.verifyCode(token, v.nonce, otpIn(lastMailTo(people[0]!.email)));
    expect(a.allowed).toEqual(['consent', 'refuse', 'withdraw', 'delete']);
    await n.portal.answer(token, a.nonce, 'consent');
    const ledger = await f.app.consent.list(f.actor, people[0]!.id);
    expect(ledger.at(-1)).toMatchObject({
      purpose: 'sales',
      action: 'grant',
      separate: true,
      channel: 'portal',
    });

    const answers = await n.transferAnswers.answersFor('tr-portal-20');
    expect(answers).toEqual([
      {
        customerId: people[0]!.id,
        answer: 'consent',
        at: expect.any(String),
        channel: 'portal',
        evidenceHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    const evidence = (await n.transferAnswers.noticeEvidence('tr-portal-20', people[0]!.id)) as {
      campaigns: Array<{
        campaignId: string;
        deliveries: Array<{ status: string; evidenceHash: string | null; providerRef: string | null }>;
      }>;
    };
    expect(evidence.campaigns[0]?.campaignId).toBe(campaignId);
    expect(evidence.campaigns[0]?.deliveries[0]).toMatchObject({
      status: 'sent',
      evidenceHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(evidence)).not.toContain(people[0]!.email);
    n.close();
  });

  it('links expire on the planned date; unknown tokens do nothing', async () => {
    const { clock, n, people } = await sentCampaign('B', 1, 30);
    const token = tokenIn(lastMailTo(people[0]!.email));
    expect((await n.portal.open(token)).stage).toBe('start');
    clock.advance(new Date(`${PLANNED}T00:00:00+08:00`).getTime() - clock.now().getTime());
    expect(await code(n.portal.open(token))).toBe('PORTAL_LINK_INVALID');
    expect(await code(n.portal.open('A'.repeat(43)))).toBe('PORTAL_LINK_INVALID');
    expect(await code(n.portal.open('short'))).toBe('PORTAL_LINK_INVALID');
    expect((await server.inject({ url: `/portal/t/${'B'.repeat(43)}?lang=en` })).body).toContain(
      'invalid, has expired',
    );
    n.close();
  });

  it('staff API: create a campaign, record an answer, read the tally and the announcement (bearer token)', async () => {
    const people = await seedCustomers(f, 2, 60);
    const auth = { authorization: `Bearer ${f.adminToken}` };
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/notices/campaigns',
      headers: auth,
      payload: {
        transferId: 'tr-api',
        path: 'B',
        recipientName: '接收方丙',
        recipientContact: '400-700-0000',
        plannedDate: '2099-06-30',
        customerIds: people.map((p) => p.id),
      },
    });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { campaign: { id: string }; queued: number }).campaign.id;
    expect((created.json() as { queued: number }).queued).toBe(4);
    const answer = await server.inject({
      method: 'POST',
      url: `/api/v1/notices/campaigns/${id}/answers`,
      headers: auth,
      payload: { customerId: people[1]!.id, answer: 'delete', channel: 'letter', evidence: 'SCAN-0007' },
    });
    expect(answer.statusCode).toBe(201);
    const tally = await server.inject({ url: `/api/v1/notices/campaigns/${id}/tally`, headers: auth });
    expect(tally.json()).toMatchObject({
      customers: 2,
      deliveries: { queued: 4 },
      answers: { delete: 1 },
      noAnswer: 1,
    });
    const text = await server.inject({ url: `/api/v1/notices/campaigns/${id}/announcement`, headers: auth });
    expect(text.body).toContain('接收方丙');
    expect((await server.inject({ url: `/api/v1/notices/campaigns/${id}/tally` })).statusCode).toBe(401);
    const bad = await server.inject({
      method: 'POST',
      url: '/api/v1/notices/campaigns',
      headers: auth,
      payload: {
        transferId: 'x',
        path: 'B',
        recipientName: ' ',
        recipientContact: '1',
        plannedDate: '2099-01-01',
        customerIds: [people[0]!.id],
      },
    });
    expect(bad.statusCode).toBe(422);
    expect((bad.json() as { error: { code: string } }).error.code).toBe('NOTICE_INVALID');
  });

  it('keeps link tokens out of the request log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logged = await buildHttp(f.app, createLogger({ level: 'info', destination: sink }));
    const token = 'Z'.repeat(43);
    expect((await logged.inject({ url: `/portal/t/${token}` })).statusCode).toBe(410);
    expect((await logged.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect(lines.some((l) => l.includes('/healthz'))).toBe(true);
    expect(lines.join('')).not.toContain(token);
    await logged.close();
  });

  it('staff record answers by phone with evidence (CLI), see the live tally, and the window closes on the planned date', async () => {
    const { clock, n, people, campaignId } = await sentCampaign('B', 2, 40);
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: () => undefined, stderrIsTty: false };
    const cli = async (...args: string[]) => {
      out.length = 0;
      const exit = await runCli(['node', 'custodian', '--data', f.dataDir, '--json', ...args], io);
      return { exit, json: JSON.parse(out.join('')) as Record<string, unknown> };
    };
    const rec = await cli(
      'notices',
      'answer',
      campaignId,
      people[0]!.id,
      '--answer',
      'object',
      '--channel',
      'phone',
      '--evidence',
      'CALL-2026-11-24-0012',
    );
    expect(rec.exit).toBe(0);
    expect(rec.json).toMatchObject({ answer: 'object', channel: 'phone', customerId: people[0]!.id });
    const missing = await cli(
      'notices',
      'answer',
      campaignId,
      people[1]!.id,
      '--answer',
      'object',
      '--channel',
      'phone',
      '--evidence',
      ' ',
    );
    expect(missing.exit).toBe(3);
    const outsider = (await seedCustomers(f, 1, 49))[0]!;
    const notInScope = await cli(
      'notices',
      'answer',
      campaignId,
      outsider.id,
      '--answer',
      'object',
      '--channel',
      'letter',
      '--evidence',
      'L-1',
    );
    expect(notInScope.exit).toBe(4);
    const tally = await cli('notices', 'tally', campaignId);
    expect(tally.exit).toBe(0);
    expect(tally.json).toMatchObject({
      customers: 2,
      deliveries: { sent: 2 },
      answers: { object: 1, consent: 0 },
      noAnswer: 1,
      windowOpen: true,
    });
    // The code on the notice finds the customer when they call.
    const shortCode = /答复码：([2-9A-HJ-NP-Z]{8})/.exec(lastMailTo(people[1]!.email))?.[1] as string;
    const found = await cli('notices', 'lookup', shortCode.toLowerCase());
    expect(found.json).toMatchObject({ campaignId, customerId: people[1]!.id });
    clock.advance(new Date(`${PLANNED}T00:00:00+08:00`).getTime() - clock.now().getTime());
    expect(
      await code(
        n.service.recordStaffAnswer(f.actor, {
          campaignId,
          customerId: people[1]!.id,
          answer: 'object',
          channel: 'phone',
          evidence: 'late',
        }),
      ),
    ).toBe('NOTICE_WINDOW_CLOSED');
    const letter = await cli('notices', 'letter', campaignId, people[1]!.id);
    expect(letter.exit).toBe(0);
    expect(String(letter.json.html)).toContain('客户41号');
    expect(String(letter.json.html)).toMatch(/\/portal\/t\/[A-Za-z0-9_-]{43}/);
    const renders = await f.app.kernel.audit.query({
      action: 'notice.letter.render',
      customerId: people[1]!.id,
    });
    expect(renders).toHaveLength(1);
    const announcement = await cli('notices', 'announcement', campaignId);
    expect(String(announcement.json.text)).toContain('接收方公司');
    n.close();
  });

  it('every notice audit event written in this suite keeps to its declared details (ids and codes only)', async () => {
    const events = await f.app.kernel.audit.query({ action: 'notice.*', limit: 10_000 });
    expect(new Set(events.map((e) => e.action)).size).toBeGreaterThanOrEqual(6);
    for (const e of events) {
      const schema = NOTICE_EVENT_SCHEMAS[e.action as keyof typeof NOTICE_EVENT_SCHEMAS];
      expect(schema, e.action).toBeDefined();
      for (const k of Object.keys(e.details)) expect(schema.details, `${e.action}.${k}`).toContain(k);
    }
  });
});
