import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/kernel/time/clock.js';
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

describe('notices by e-mail through a real SMTP server', () => {
  let f: AppFixture;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    f = await freshApp(engines()[0]!);
  });
  afterAll(async () => {
    await f?.cleanup();
    await smtp?.stop();
  });

  it('delivers a path-B notice carrying the PIPL Art. 22 fields and the portal link', async () => {
    const clock = fixedClock(IN_WINDOW);
    const n = noticesFor(f, clock, smtpConfig(smtp.port));
    const people = await seedCustomers(f, 2);
    const created = await n.service.createCampaign(f.actor, {
      transferId: 'tr-email-1',
      path: 'B',
      recipientName: '杭州新华<贸易>有限公司',
      recipientContact: '0571-88886666',
      rightsContact: 'privacy@seller.example.cn',
      plannedDate: PLANNED,
      customerIds: people.map((p) => p.id),
      channels: ['email'],
    });
    expect(created).toMatchObject({ queued: 2, unreachable: 0, suppressed: 0 });

    const report = await n.sender.drain({ campaignId: created.campaign.id });
    expect(report).toMatchObject({ sent: 2, failed: 0, waiting: 0 });
    expect(smtp.mails).toHaveLength(2);
    const mail = smtp.mails.find((m) => m.to.includes(people[0]!.email));
    expect(mail).toBeDefined();
    const text = mailText(mail!.raw);
    // PIPL Art. 22: the recipient's name and contact details; the planned date; rights and objection.
    expect(text).toContain('杭州新华<贸易>有限公司');
    expect(text).toContain('0571-88886666');
    expect(text).toContain(PLANNED);
    expect(text).toContain('原有的处理目的和处理方式');
    expect(text).toContain('提出异议');
    expect(text).toContain('privacy@seller.example.cn');
    expect(text).toMatch(/http:\/\/127\.0\.0\.1:8080\/portal\/t\/[A-Za-z0-9_-]{43}/);
    expect(text).toMatch(/答复码：[2-9A-HJ-NP-Z]{8}/);
    // Variables are HTML-escaped in the HTML part.
    expect(text).toContain('杭州新华&lt;贸易&gt;有限公司');
    expect(text).not.toMatch(/<p>[^<]*杭州新华<贸易>/);

    const tally = await n.service.tally(f.actor, created.campaign.id);
    expect(tally.deliveries.sent).toBe(2);
    expect(tally.noAnswer).toBe(2);
    n.close();
  });

  it('keeps no address in the notice tables, and retries an SMTP 4xx with back-off', async () => {
    const clock = fixedClock(IN_WINDOW);
    const n = noticesFor(f, clock, smtpConfig(smtp.port, { backoffMs: 30_000 }));
    const [p] = await seedCustomers(f, 1, 50);
    const created = await n.service.createCampaign(f.actor, {
      transferId: 'tr-email-2',
      path: 'B',
      recipientName: '接收方甲',
      recipientContact: '400-800-0000',
      plannedDate: PLANNED,
      customerIds: [p!.id],
      channels: ['email'],
    });
    smtp.failNext(1);
    const before = smtp.mails.length;
    const first = await n.sender.drain({ campaignId: created.campaign.id });
    expect(first).toMatchObject({ sent: 0, retried: 1, waiting: 1 });
    clock.advance(29_000);
    expect((await n.sender.drain({ campaignId: created.campaign.id })).sent).toBe(0);
    clock.advance(2_000);
    expect((await n.sender.drain({ campaignId: created.campaign.id })).sent).toBe(1);
    expect(smtp.mails.length).toBe(before + 1);

    const db = f.app.kernel.store.db;
    const dump = JSON.stringify([
      await db.selectFrom('notice_deliveries').selectAll().execute(),
      await db.selectFrom('notice_events').selectAll().execute(),
      await db.selectFrom('notice_campaigns').selectAll().execute(),
      await db.selectFrom('notice_links').select(['token_hash', 'code_hash', 'channel']).execute(),
      await db.selectFrom('audit_events').select(['details', 'fields']).execute(),
    ]);
    expect(dump).not.toContain(p!.email);
    expect(dump).not.toContain(p!.mobile);
    n.close();
  });

  it('does not send notices once the answer window has closed (the link would not work)', async () => {
    const clock = fixedClock(IN_WINDOW);
    const n = noticesFor(f, clock, smtpConfig(smtp.port));
    const [p] = await seedCustomers(f, 1, 70);
    const created = await n.service.createCampaign(f.actor, {
      transferId: 'tr-email-late',
      path: 'B',
      recipientName: '接收方乙',
      recipientContact: '400-800-0001',
      plannedDate: PLANNED,
      customerIds: [p!.id],
      channels: ['email'],
    });
    clock.advance(new Date(`${PLANNED}T02:00:00+08:00`).getTime() - IN_WINDOW.getTime());
    const before = smtp.mails.length;
    expect(await n.sender.drain({ campaignId: created.campaign.id })).toMatchObject({
      sent: 0,
      failed: 1,
      waiting: 0,
    });
    expect(smtp.mails.length).toBe(before);
    const tally = await n.service.tally(f.actor, created.campaign.id);
    expect(tally).toMatchObject({ windowOpen: false, deliveries: { failed: 1 } });
    n.close();
  });

  it('the loop `serve` runs sends what is queued and stops cleanly', async () => {
    const n = noticesFor(f, fixedClock(IN_WINDOW), smtpConfig(smtp.port));
    const [p] = await seedCustomers(f, 1, 80);
    await n.service.createCampaign(f.actor, {
      transferId: 'tr-loop',
      path: 'B',
      recipientName: '接收方丁',
      recipientContact: '400-800-0002',
      plannedDate: PLANNED,
      customerIds: [p!.id],
      channels: ['email'],
    });
    const stop = n.startLoop(50);
    const deadline = Date.now() + 10_000;
    while (!smtp.mails.some((m) => m.to.includes(p!.email)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    await stop();
    expect(smtp.mails.filter((m) => m.to.includes(p!.email))).toHaveLength(1);
    n.close();
  });
});
