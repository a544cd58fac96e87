import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttp } from '../../src/http.js';
import { silentLogger } from '../../src/kernel/log/logger.js';
import { fixedClock } from '../../src/kernel/time/clock.js';
import { DEFAULT_NOTICE_CONFIG } from '../../src/modules/notices/notice-config.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';
import { IN_WINDOW, noticesFor, PLANNED, seedCustomers, smsConfig, startGateway } from './notices-support.js';

const RECEIPT_SECRET = 'receipt-secret-for-tests';
const GATEWAY_SECRET = 'gateway-hmac-secret';

describe('notices by SMS through both gateway shapes, with receipts, retries, window and suppression', () => {
  let f: AppFixture;
  let server: FastifyInstance;
  let offset = 0;

  beforeAll(async () => {
    process.env.CUSTODIAN_NOTICE_RECEIPT_SECRET = RECEIPT_SECRET;
    f = await freshApp(engines()[0]!);
    server = await buildHttp(f.app, silentLogger());
  });
  afterAll(async () => {
    delete process.env.CUSTODIAN_NOTICE_RECEIPT_SECRET;
    await server?.close();
    await f?.cleanup();
  });

  /** A campaign over fresh customers; the gateway checks the providers' own signatures unless `relay`. */
  async function campaign(
    provider: 'aliyun' | 'tencent',
    count: number,
    path: 'B' | 'C' = 'C',
    {
      signing = 'provider',
      ourSecret = GATEWAY_SECRET,
      mobiles = [],
    }: { signing?: 'relay' | 'provider'; ourSecret?: string; mobiles?: readonly string[] } = {},
  ) {
    const gw = await startGateway(provider, GATEWAY_SECRET, signing);
    const clock = fixedClock(IN_WINDOW);
    const n = noticesFor(f, clock, {
      ...DEFAULT_NOTICE_CONFIG,
      sms: smsConfig(provider, gw.url, ourSecret, signing),
      backoffMs: 60_000,
      ratePerSecond: 1000,
    });
    const people = await seedCustomers(f, count, offset, mobiles);
    offset += count;
    const created = await n.service.createCampaign(f.actor, {
      transferId: `tr-sms-${provider}-${offset}`,
      path,
      recipientName: '上海新业科技有限公司',
      recipientContact: '021-60001234',
      plannedDate: PLANNED,
      purposes: '售后服务',
      methods: '存储、使用',
      categories: '姓名、手机号',
      customerIds: people.map((p) => p.id),
      channels: ['sms'],
    });
    return { gw, clock, n, people, created };
  }

  for (const provider of ['aliyun', 'tencent'] as const) {
    it(`${provider}: sends 通知 SMS in the provider's shape and takes delivery receipts`, async () => {
      const { gw, n, people, created } = await campaign(provider, 2);
      const r = await n.sender.drain({ campaignId: created.campaign.id });
      expect(r).toMatchObject({ sent: 2, failed: 0 });
      expect(gw.requests).toHaveLength(2);
      // Signed the provider's way (verified by the gateway), never with the relay header.
      const headers = gw.requests[0]!.headers;
      expect(headers['x-custodian-signature']).toBeUndefined();
      expect(headers.authorization).toMatch(
        provider === 'aliyun'
          ? /^ACS3-HMAC-SHA256 Credential=LTAI5tCustodianTestKey,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$/
          : /^TC3-HMAC-SHA256 Credential=LTAI5tCustodianTestKey\/\d{4}-\d{2}-\d{2}\/sms\/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=[0-9a-f]{64}$/,
      );
      expect(JSON.stringify(gw.requests.map((r) => r.headers))).not.toContain(GATEWAY_SECRET);
      const req = gw.requests[0]!.body;
      if (provider === 'aliyun') {
        expect(req).toMatchObject({
          Action: 'SendSms',
          Version: '2017-05-25',
          SignName: '示例商贸',
          TemplateCode: 'SMS_100002',
        });
        expect(people.map((p) => p.mobile)).toContain(req.PhoneNumbers);
        const params = JSON.parse(String(req.TemplateParam)) as Record<string, string>;
        expect(params).toMatchObject({
          recipient: '上海新业科技有限公司',
          contact: '021-60001234',
          date: PLANNED,
        });
        expect(params.link).toMatch(/\/portal\/t\/[A-Za-z0-9_-]{43}$/);
        expect(typeof req.OutId).toBe('string');
      } else {
        expect(gw.requests[0]!.headers['x-tc-action']).toBe('SendSms');
        expect(gw.requests[0]!.headers['x-tc-version']).toBe('2021-01-11');
        expect(req).toMatchObject({ SmsSdkAppId: '1400000001', SignName: '示例商贸', TemplateId: '100002' });
        expect((req.PhoneNumberSet as string[])[0]).toMatch(/^\+861\d{10}$/);
        const set = req.TemplateParamSet as string[];
        expect(set).toEqual([
          '我的公司',
          PLANNED,
          '上海新业科技有限公司',
          '021-60001234',
          expect.stringMatching(/\/portal\/t\/[A-Za-z0-9_-]{43}$/),
        ]);
        expect(typeof req.SessionContext).toBe('string');
      }

      const deliveries = await f.app.kernel.store.db
        .selectFrom('notice_deliveries')
        .selectAll()
        .where('campaign_id', '=', created.campaign.id)
        .orderBy('id')
        .execute();
      const [d1, d2] = deliveries;
      const receiptUrl = `/api/v1/notices/receipts/${provider}`;
      const payload =
        provider === 'aliyun'
          ? [
              {
                phone_number: people[0]!.mobile,
                success: true,
                err_code: 'DELIVERED',
                biz_id: d1!.provider_ref,
                out_id: d1!.id,
                report_time: '2026-11-24 10:00:05',
              },
              {
                phone_number: people[1]!.mobile,
                success: false,
                err_code: 'MK:0001',
                biz_id: d2!.provider_ref,
                out_id: d2!.id,
                report_time: '2026-11-24 10:00:06',
              },
            ]
          : [
              {
                mobile: `+86${people[0]!.mobile}`,
                report_status: 'SUCCESS',
                errmsg: 'DELIVRD',
                sid: d1!.provider_ref,
              },
              {
                mobile: `+86${people[1]!.mobile}`,
                report_status: 'FAIL',
                errmsg: 'MK:0001',
                sid: d2!.provider_ref,
              },
            ];
      const unauth = await server.inject({ method: 'POST', url: receiptUrl, payload });
      expect(unauth.statusCode).toBe(401);
      const wrong = await server.inject({
        method: 'POST',
        url: receiptUrl,
        payload,
        headers: { 'x-custodian-receipt-secret': 'nope' },
      });
      expect(wrong.statusCode).toBe(401);
      const ok = await server.inject({
        method: 'POST',
        url: receiptUrl,
        payload,
        headers: { 'x-custodian-receipt-secret': RECEIPT_SECRET },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual(
        provider === 'aliyun' ? { code: 0, msg: '成功' } : { result: 0, errmsg: 'OK' },
      );
      const tally = await n.service.tally(f.actor, created.campaign.id);
      expect(tally.deliveries).toMatchObject({ delivered: 1, failed: 1, sent: 0 });
      await gw.stop();
    });
  }

  for (const provider of ['aliyun', 'tencent'] as const) {
    it(`${provider}: relay signing still works (x-custodian-signature checked by the relay)`, async () => {
      const { gw, n, created } = await campaign(provider, 1, 'B', { signing: 'relay' });
      expect(await n.sender.drain({ campaignId: created.campaign.id })).toMatchObject({ sent: 1, failed: 0 });
      expect(gw.requests[0]!.headers['x-custodian-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(gw.requests[0]!.headers.authorization).toBeUndefined();
      await gw.stop();
    });

    it(`${provider}: a wrong provider secret is refused by the gateway and fails the delivery without retry`, async () => {
      const { gw, n, created } = await campaign(provider, 1, 'B', { ourSecret: 'not-the-secret' });
      const r = await n.sender.drain({ campaignId: created.campaign.id });
      expect(r).toMatchObject({ sent: 0, failed: 1, retried: 0 });
      expect(gw.requests).toHaveLength(0);
      const code = provider === 'aliyun' ? 'SignatureDoesNotMatch' : 'AuthFailure.SignatureFailure';
      expect(gw.refused).toEqual([{ code }]);
      const row = await f.app.kernel.store.db
        .selectFrom('notice_deliveries')
        .selectAll()
        .where('campaign_id', '=', created.campaign.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'failed', error_code: `${provider.toUpperCase()}_${code}` });
      await gw.stop();
    });
  }

  for (const provider of ['aliyun', 'tencent'] as const) {
    it(`${provider}: sends to a Hong Kong mobile in the provider's international form`, async () => {
      const { gw, n, created } = await campaign(provider, 1, 'C', { mobiles: ['+852 9123 4567'] });
      expect(await n.sender.drain({ campaignId: created.campaign.id })).toMatchObject({ sent: 1, failed: 0 });
      const req = gw.requests[0]!.body;
      if (provider === 'aliyun') expect(req.PhoneNumbers).toBe('85291234567');
      else expect(req.PhoneNumberSet).toEqual(['+85291234567']);
    });
  }

  it('the portal sends the one-time code by SMS when the notice came by SMS (Aliyun 验证码 template)', async () => {
    const { gw, n, created } = await campaign('aliyun', 1);
    await n.sender.drain({ campaignId: created.campaign.id });
    const params = JSON.parse(String(gw.requests[0]!.body.TemplateParam)) as { link: string };
    const token = /\/portal\/t\/([A-Za-z0-9_-]{43})$/.exec(params.link)?.[1] as string;
    const start = await n.portal.open(token);
    expect(start.channel).toBe('sms');
    const verify = await n.portal.requestCode(token, start.nonce);
    const otpReq = gw.requests[1]!.body;
    expect(otpReq).toMatchObject({
      TemplateCode: 'SMS_100003',
      PhoneNumbers: gw.requests[0]!.body.PhoneNumbers,
    });
    const otp = (JSON.parse(String(otpReq.TemplateParam)) as { code: string }).code;
    expect(otp).toMatch(/^\d{6}$/);
    expect((await n.portal.verifyCode(token, verify.nonce, otp)).stage).toBe('answer');
    await gw.stop();
  });

  it('the 通知 text never carries 拒收请回复R and states the separate-consent request (path C)', async () => {
    const { renderSms } = await import('../../src/modules/notices/notice-templates.js');
    const campaignFacts = {
      transferId: 't',
      path: 'C' as const,
      sellerName: '卖方',
      recipientName: '买方',
      recipientContact: '400',
      rightsContact: '400',
      plannedDate: PLANNED,
      purposes: null,
      methods: null,
      categories: null,
    };
    const sms = renderSms(
      { facts: campaignFacts, link: 'https://x/portal/t/abc', shortCode: 'ABCDEFGH' },
      '签名',
      '拒收请回复R',
    );
    expect(sms.kind).toBe('通知');
    expect(sms.text).not.toContain('拒收请回复R');
    expect(sms.text).toContain('单独同意');
    expect(sms.text).toContain('买方');
  });

  it('retries a gateway 5xx with exponential back-off, then sends', async () => {
    const { gw, clock, n, created } = await campaign('aliyun', 1);
    gw.fail5xx(2);
    const id = created.campaign.id;
    expect(await n.sender.drain({ campaignId: id })).toMatchObject({ sent: 0, retried: 1, waiting: 1 });
    const row = () =>
      f.app.kernel.store.db
        .selectFrom('notice_deliveries')
        .selectAll()
        .where('campaign_id', '=', id)
        .executeTakeFirstOrThrow();
    expect(await row()).toMatchObject({ status: 'queued', attempts: 1, error_code: 'SMS_HTTP_503' });
    expect((await row()).next_attempt_at).toBe(new Date(IN_WINDOW.getTime() + 60_000).toISOString());
    clock.advance(60_000);
    expect(await n.sender.drain({ campaignId: id })).toMatchObject({ retried: 1 });
    // Second failure: the delay doubles (2 minutes).
    expect((await row()).next_attempt_at).toBe(
      new Date(IN_WINDOW.getTime() + 60_000 + 120_000).toISOString(),
    );
    clock.advance(60_000);
    expect(await n.sender.drain({ campaignId: id })).toMatchObject({ claimed: 0, waiting: 1 });
    clock.advance(60_000);
    expect(await n.sender.drain({ campaignId: id })).toMatchObject({ sent: 1, waiting: 0 });
    expect(await row()).toMatchObject({ status: 'sent', attempts: 3 });
    expect(gw.requests).toHaveLength(1);
    await gw.stop();
  });

  it('waits outside 08:00–21:00 Asia/Shanghai and sends when the window opens', async () => {
    const { gw, clock, n, created } = await campaign('tencent', 2, 'B');
    // 21:30 in Shanghai.
    clock.advance(11.5 * 3600_000);
    const night = await n.sender.drain({ campaignId: created.campaign.id });
    expect(night).toMatchObject({ claimed: 0, sent: 0, waiting: 2 });
    // 08:00 in Shanghai the next morning.
    expect(night.nextWindowAt).toBe(new Date(IN_WINDOW.getTime() + 22 * 3600_000).toISOString());
    expect(gw.requests).toHaveLength(0);
    clock.advance(10.5 * 3600_000 - 1); // 07:59:59.999
    expect((await n.sender.drain({ campaignId: created.campaign.id })).sent).toBe(0);
    clock.advance(1);
    expect((await n.sender.drain({ campaignId: created.campaign.id })).sent).toBe(2);
    await gw.stop();
  });

  it('feeds 上行 replies (R/T/TD/N) into the suppression list; suppressed recipients are skipped and counted', async () => {
    const { gw, n, people, created } = await campaign('aliyun', 3, 'B');
    const reply = await server.inject({
      method: 'POST',
      url: '/api/v1/notices/replies/aliyun',
      headers: { 'x-custodian-receipt-secret': RECEIPT_SECRET },
      payload: [
        {
          phone_number: people[0]!.mobile,
          content: 'TD',
          send_time: '2026-11-24 09:00:00',
          sign_name: '示例商贸',
        },
        {
          phone_number: people[1]!.mobile,
          content: '你好',
          send_time: '2026-11-24 09:00:00',
          sign_name: '示例商贸',
        },
      ],
    });
    expect(reply.statusCode).toBe(200);
    const tencentReply = await server.inject({
      method: 'POST',
      url: '/api/v1/notices/replies/tencent',
      headers: { 'x-custodian-receipt-secret': RECEIPT_SECRET },
      payload: [
        { mobile: `+86${people[2]!.mobile}`, text: 'r', sign: '示例商贸', reply_time: '2026-11-24 09:00:01' },
      ],
    });
    expect(tencentReply.statusCode).toBe(200);
    // Queued before the replies came: skipped at claim time.
    const r = await n.sender.drain({ campaignId: created.campaign.id });
    expect(r).toMatchObject({ sent: 1, suppressed: 2 });
    expect(gw.requests.map((q) => q.body.PhoneNumbers)).toEqual([people[1]!.mobile]);
    // A new campaign marks them suppressed at once.
    const again = await n.service.createCampaign(f.actor, {
      transferId: 'tr-sms-again',
      path: 'B',
      recipientName: '上海新业科技有限公司',
      recipientContact: '021-60001234',
      plannedDate: PLANNED,
      customerIds: people.map((p) => p.id),
      channels: ['sms'],
    });
    expect(again).toMatchObject({ queued: 1, suppressed: 2 });
    const tally = await n.service.tally(f.actor, again.campaign.id);
    expect(tally.deliveries.suppressed).toBe(2);
    const dump = JSON.stringify(
      await f.app.kernel.store.db.selectFrom('notice_suppressions').selectAll().execute(),
    );
    for (const p of people) expect(dump).not.toContain(p.mobile);
    await gw.stop();
  });
});
