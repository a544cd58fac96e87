import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/kernel/time/clock.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';
import { IN_WINDOW, noticesFor, PLANNED, seedCustomers, smtpConfig, startSmtp } from './notices-support.js';

/** Counts messages per recipient: the at-most-once promise is that no count exceeds one. */
function perRecipient(mails: Array<{ to: string[] }>): Map<string, number> {
  const m = new Map<string, number>();
  for (const mail of mails) for (const to of mail.to) m.set(to, (m.get(to) ?? 0) + 1);
  return m;
}

for (const target of engines()) {
  describe(`notice idempotency across an abort and a crash (${target.engine})`, () => {
    let f: AppFixture;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;

    beforeAll(async () => {
      smtp = await startSmtp();
      f = await freshApp(target);
    });
    afterAll(async () => {
      await f?.cleanup();
      await smtp?.stop();
    });

    it('an aborted run and a rerun send each notice exactly once', async () => {
      smtp.mails.length = 0;
      const clock = fixedClock(IN_WINDOW);
      const people = await seedCustomers(f, 6);
      const first = noticesFor(f, clock, smtpConfig(smtp.port), { owner: 'run-1' });
      const created = await first.service.createCampaign(f.actor, {
        transferId: 'tr-abort',
        path: 'B',
        recipientName: '接收方',
        recipientContact: '400-1',
        plannedDate: PLANNED,
        customerIds: people.map((p) => p.id),
        channels: ['email'],
      });
      const ctl = new AbortController();
      const aborting = noticesFor(f, clock, smtpConfig(smtp.port), {
        owner: 'run-1',
        afterProviderAccepted: async () => {
          if (smtp.mails.length >= 2) ctl.abort();
        },
      });
      const r1 = await aborting.sender.drain({ campaignId: created.campaign.id, signal: ctl.signal });
      expect(r1.sent).toBe(2);
      expect(r1.waiting).toBe(4);
      const rerun = noticesFor(f, clock, smtpConfig(smtp.port), { owner: 'run-2' });
      const r2 = await rerun.sender.drain({ campaignId: created.campaign.id });
      expect(r2).toMatchObject({ sent: 4, waiting: 0, interrupted: 0 });
      expect(await rerun.sender.drain({ campaignId: created.campaign.id })).toMatchObject({ claimed: 0 });
      const counts = perRecipient(smtp.mails);
      expect(counts.size).toBe(6);
      for (const p of people) expect(counts.get(p.email)).toBe(1);
      for (const n of [first, aborting, rerun]) n.close();
    });

    it('a crash between the provider accepting and the record is never resent, and the rest go once', async () => {
      smtp.mails.length = 0;
      const clock = fixedClock(IN_WINDOW);
      const people = await seedCustomers(f, 5, 100);
      const setup = noticesFor(f, clock, smtpConfig(smtp.port));
      const created = await setup.service.createCampaign(f.actor, {
        transferId: 'tr-crash',
        path: 'B',
        recipientName: '接收方',
        recipientContact: '400-2',
        plannedDate: PLANNED,
        customerIds: people.map((p) => p.id),
        channels: ['email'],
      });
      // The process "dies" right after the third message left: the error unwinds the run before
      // anything is recorded, as a kill would.
      let accepted = 0;
      const crashing = noticesFor(f, clock, smtpConfig(smtp.port), {
        owner: 'crashing',
        afterProviderAccepted: async () => {
          accepted += 1;
          if (accepted === 3) throw new Error('simulated crash');
        },
      });
      await expect(crashing.sender.drain({ campaignId: created.campaign.id })).rejects.toThrow(
        'simulated crash',
      );
      expect(smtp.mails).toHaveLength(3);

      // Restarted within the lease: the stuck job is not touched, nobody gets a second copy.
      const restarted = noticesFor(f, clock, smtpConfig(smtp.port), { owner: 'restarted' });
      expect(await restarted.sender.drain({ campaignId: created.campaign.id })).toMatchObject({
        sent: 2,
        interrupted: 0,
      });
      // After the lease: the stuck job is marked interrupted (outcome unknown), never resent.
      clock.advance(6 * 60_000);
      expect(await restarted.sender.drain({ campaignId: created.campaign.id })).toMatchObject({
        sent: 0,
        interrupted: 1,
      });
      const counts = perRecipient(smtp.mails);
      expect(smtp.mails).toHaveLength(5);
      for (const p of people) expect(counts.get(p.email)).toBe(1);
      const tally = await restarted.service.tally(f.actor, created.campaign.id);
      expect(tally.deliveries).toMatchObject({ sent: 4, failed: 1, queued: 0, sending: 0 });
      const stuck = await f.app.kernel.store.db
        .selectFrom('notice_deliveries')
        .select(['error_code'])
        .where('campaign_id', '=', created.campaign.id)
        .where('status', '=', 'failed')
        .execute();
      expect(stuck).toEqual([{ error_code: 'INTERRUPTED' }]);
      for (const n of [setup, crashing, restarted]) n.close();
    });

    it('two senders racing over one campaign never send the same notice twice', async () => {
      smtp.mails.length = 0;
      const clock = fixedClock(IN_WINDOW);
      const people = await seedCustomers(f, 8, 200);
      const a = noticesFor(f, clock, smtpConfig(smtp.port), { owner: 'a' });
      const b = noticesFor(f, clock, smtpConfig(smtp.port), { owner: 'b' });
      const created = await a.service.createCampaign(f.actor, {
        transferId: 'tr-race',
        path: 'B',
        recipientName: '接收方',
        recipientContact: '400-3',
        plannedDate: PLANNED,
        customerIds: people.map((p) => p.id),
        channels: ['email'],
      });
      const [ra, rb] = await Promise.all([
        a.sender.drain({ campaignId: created.campaign.id }),
        b.sender.drain({ campaignId: created.campaign.id }),
      ]);
      expect(ra.sent + rb.sent).toBe(8);
      const counts = perRecipient(smtp.mails);
      for (const p of people) expect(counts.get(p.email)).toBe(1);
      a.close();
      b.close();
    });
  });
}

describe('notice idempotency when the `custodian notices send` process is killed (SIGKILL) and rerun', () => {
  let f: AppFixture;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const main = join(import.meta.dirname, '..', '..', 'src', 'main.ts');

  beforeAll(async () => {
    smtp = await startSmtp();
    f = await freshApp(engines()[0]!);
  });
  afterAll(async () => {
    await f?.cleanup();
    await smtp?.stop();
  });

  /** The real CLI in a child process (TypeScript sources through tsx). */
  function cliChild(args: string[]): ChildProcess & { out: string[]; err: string[] } {
    const script = `const { runCli } = await import(${JSON.stringify(pathToFileURL(main).href)}); process.exitCode = await runCli(['node', 'custodian', ...JSON.parse(process.env.CLI_ARGS)]);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: {
        ...process.env,
        CLI_ARGS: JSON.stringify(['--data', f.dataDir, '--json', ...args]),
        CUSTODIAN_SMTP_HOST: '127.0.0.1',
        CUSTODIAN_SMTP_PORT: String(smtp.port),
        CUSTODIAN_NOTICE_WINDOW_START: '0',
        CUSTODIAN_NOTICE_WINDOW_END: '24',
        CUSTODIAN_NOTICE_LEASE_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }) as ChildProcess & { out: string[]; err: string[] };
    child.out = [];
    child.err = [];
    child.stdout?.on('data', (c: Buffer) => child.out.push(String(c)));
    child.stderr?.on('data', (c: Buffer) => child.err.push(String(c)));
    return child;
  }

  it('no one gets the notice twice; everything not in flight at the kill is sent by the rerun', {
    timeout: 180_000,
  }, async () => {
    const people = await seedCustomers(f, 8, 300);
    const created = await f.app.notices.service.createCampaign(f.actor, {
      transferId: 'tr-kill',
      path: 'B',
      recipientName: '接收方',
      recipientContact: '400-9',
      plannedDate: '2099-12-31',
      customerIds: people.map((p) => p.id),
      channels: ['email'],
    });
    const id = created.campaign.id;
    smtp.setDelay(250);
    const first = cliChild(['notices', 'send', id]);
    const exited = new Promise<number | null>((r) => first.on('exit', (code) => r(code)));
    let gone = false;
    first.on('exit', () => {
      gone = true;
    });
    while (smtp.mails.length < 3 && !gone) await new Promise((r) => setTimeout(r, 20));
    expect(gone, first.err.join('')).toBe(false);
    first.kill('SIGKILL');
    await exited;
    smtp.setDelay(0);
    await new Promise((r) => setTimeout(r, 1200)); // past the 1 s lease of the killed run

    const rerun = cliChild(['notices', 'send', id]);
    const code = await new Promise<number | null>((r) => rerun.on('exit', (c) => r(c)));
    expect(code, rerun.err.join('')).toBe(0);
    const report = JSON.parse(rerun.out.join('')) as { sent: number; interrupted: number; waiting: number };
    expect(report.waiting).toBe(0);
    expect(report.interrupted).toBeLessThanOrEqual(1);

    const counts = perRecipient(smtp.mails);
    for (const p of people) expect(counts.get(p.email) ?? 0).toBeLessThanOrEqual(1);
    const rows = await f.app.kernel.store.db
      .selectFrom('notice_deliveries')
      .select(['customer_id', 'status', 'error_code'])
      .where('campaign_id', '=', id)
      .execute();
    const sent = rows.filter((r) => r.status === 'sent');
    const interrupted = rows.filter((r) => r.error_code === 'INTERRUPTED');
    expect(sent.length + interrupted.length).toBe(8);
    for (const r of sent) expect(counts.get(people.find((p) => p.id === r.customer_id)!.email)).toBe(1);
  });
});
