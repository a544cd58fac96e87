import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, initApp, systemActor } from '../../src/app.js';
import { buildHttp } from '../../src/http.js';
import type { Actor } from '../../src/kernel/authz/permissions.js';
import { silentLogger } from '../../src/kernel/log/logger.js';
import { daysFromNow } from '../support/dates.js';
import { engines } from '../support/engines.js';
import { startSmtp } from './notices-support.js';

/**
 * The API the transfer console pages needed (notices over the case's own scope, multipart receive,
 * received packages and receipts, notice evidence in the dossier and timeline, transfer grants in
 * /auth/me, the stored readiness report), through /api/v1 with real values.
 */
interface Side {
  app: App;
  http: FastifyInstance;
  actor: Actor;
  auth: { authorization: string };
  cleanup(): Promise<void>;
}

async function side(orgName: string): Promise<Side> {
  const env = await (engines()[0] as NonNullable<ReturnType<typeof engines>[0]>).fresh();
  const res = await initApp({ dataDir: env.dataDir, who: 'test', orgName });
  const http = await buildHttp(res.app, silentLogger());
  return {
    app: res.app,
    http,
    actor: systemActor(res.app.kernel, 'test'),
    auth: { authorization: `Bearer ${res.adminToken.token}` },
    async cleanup() {
      await http.close();
      await res.app.close();
      await env.cleanup();
    },
  };
}

const PLANNED = daysFromNow(60);
const CUSTOM_FIELDS = 120;

describe('transfer console API: scope notices, multipart receive, receipts, evidence, grants', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let s: Side;
  let b: Side;
  let id: string;
  const vip: Array<{ id: string; email: string }> = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    smtp = await startSmtp();
    // The app reads its mail settings from the environment, as `serve` does; the window spans the day.
    Object.assign(process.env, {
      CUSTODIAN_SMTP_HOST: '127.0.0.1',
      CUSTODIAN_SMTP_PORT: String(smtp.port),
      CUSTODIAN_NOTICE_WINDOW_START: '0',
      CUSTODIAN_NOTICE_WINDOW_END: '24',
      CUSTODIAN_NOTICE_RATE: '100',
    });
    s = await side('卖方有限公司');
    b = await side('买方集团有限公司');
    await s.app.consent.addPurpose(s.actor, {
      key: 'contract',
      name: '合同履行',
      basis: 'contract',
      retention: '5y',
    });
    await s.app.consent.addPurpose(s.actor, {
      key: 'sales',
      name: '销售',
      basis: 'contract',
      retention: '3y',
    });
    // A big catalog: the manifest lists every field handed over, so it outgrows a 16 KB header.
    for (let i = 0; i < CUSTOM_FIELDS; i += 1)
      await s.app.catalog.add(s.actor, {
        key: `memberAttribute${i}`,
        grade: 'L2',
        labelZh: `会员扩展属性第${i}项（客户等级与积分说明）`,
        labelEn: `Member attribute number ${i} (tier and loyalty points)`,
      });
    for (let i = 0; i < 3; i += 1) {
      const email = `vip${i}@example.cn`;
      const cid = await s.app.customers.create(s.actor, {
        kind: 'individual',
        purposes: ['contract'],
        fields: { name: `贵宾${i}`, email, tags: ['VIP'] },
      });
      vip.push({ id: cid, email });
    }
    // Outside the scope: no VIP tag; VIP but held for sales only.
    await s.app.customers.create(s.actor, {
      kind: 'individual',
      purposes: ['contract'],
      fields: { name: '普通客户', email: 'plain@example.cn', tags: ['普通'] },
    });
    await s.app.customers.create(s.actor, {
      kind: 'individual',
      purposes: ['sales'],
      fields: { name: '销售客户', email: 'sales@example.cn', tags: ['VIP'] },
    });
    const sid = await s.app.transfer.identity.exportIdentity(s.actor);
    const bid = await b.app.transfer.identity.exportIdentity(b.actor);
    const cp = await s.app.transfer.identity.importCounterparty(s.actor, bid, {
      name: '买方集团有限公司',
      contact: 'dpo@buyer.example.cn',
    });
    await b.app.transfer.identity.importCounterparty(b.actor, sid, { name: '卖方有限公司' });
    const created = await s.http.inject({
      method: 'POST',
      url: '/api/v1/transfers',
      headers: s.auth,
      payload: {
        path: 'B',
        name: '吸收合并',
        counterpartyId: cp.id,
        scope: { purpose: 'contract', tag: 'VIP' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    id = created.json().id;
  }, 120_000);

  afterAll(async () => {
    process.env = saved;
    await s?.cleanup();
    await b?.cleanup();
    await smtp?.stop();
  });

  const get = (side: Side, url: string, headers: Record<string, string> = side.auth) =>
    side.http.inject({ url: `/api/v1${url}`, headers });
  const post = (side: Side, url: string, payload: object = {}) =>
    side.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: side.auth, payload });

  it('GET /transfers/:id/readiness gives the stored report without running the audit again', async () => {
    const none = await get(s, `/transfers/${id}/readiness`);
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('TRANSFER_READINESS_MISSING');
    const ran = await post(s, `/transfers/${id}/readiness`);
    expect(ran.statusCode).toBe(200);
    expect(ran.json().inScope).toBe(3);
    const runs = async () =>
      (await s.app.kernel.audit.query({ action: 'transfer.readiness', limit: 100 })).filter(
        (e) => e.details.transferId === id,
      ).length;
    expect(await runs()).toBe(1);
    const stored = await get(s, `/transfers/${id}/readiness`);
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toEqual(ran.json());
    const html = await get(s, `/transfers/${id}/readiness?format=html`);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('转让准备度审计');
    expect(html.body).toContain('吸收合并');
    expect(await runs()).toBe(1);
    // An auditor reads it too (transfer.read) but cannot run the audit.
    const token = await s.app.tokens.create(s.actor, { name: 'auditor', roles: ['auditor'] });
    const auditor = { authorization: `Bearer ${token.token}` };
    expect((await get(s, `/transfers/${id}/readiness`, auditor)).statusCode).toBe(200);
    const refused = await s.http.inject({
      method: 'POST',
      url: `/api/v1/transfers/${id}/readiness`,
      headers: auditor,
    });
    expect(refused.statusCode).toBe(403);
  });

  it('POST /transfers/:id/campaign starts the notice period and notifies exactly the case scope', async () => {
    const res = await post(s, `/transfers/${id}/campaign`, {
      channels: ['email'],
      plannedDate: PLANNED,
      rightsContact: 'privacy@seller.example.cn',
    });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r.noticeStarted).toBe(true);
    expect(r.transfer.status).toBe('noticing');
    expect(r.customers).toBe(3);
    expect(r.queued).toBe(3);
    expect(r.unreachable).toBe(0);
    expect(r.campaign.transferId).toBe(id);
    expect(r.campaign.facts.recipientName).toBe('买方集团有限公司');
    expect(r.campaign.facts.recipientContact).toBe('dpo@buyer.example.cn');
    const again = await post(s, `/transfers/${id}/campaign`, { channels: ['email'], plannedDate: PLANNED });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('TRANSFER_CAMPAIGN_EXISTS');
    // The lookup the console reads (now a notice-service function) still answers the same.
    const listed = await get(s, `/notices/campaigns?transferId=${id}`);
    expect(listed.json().items.map((c: { id: string }) => c.id)).toEqual([r.campaign.id]);
    const sent = await post(s, `/notices/campaigns/${r.campaign.id}/send`);
    expect(sent.statusCode).toBe(200);
    expect(sent.json().sent).toBe(3);
    expect(smtp.mails.flatMap((m) => m.to).sort()).toEqual(vip.map((v) => v.email).sort());
    const answered = await post(s, `/notices/campaigns/${r.campaign.id}/answers`, {
      customerId: (vip[0] as { id: string }).id,
      answer: 'object',
      channel: 'phone',
      evidence: '电话录音 2026-11-23',
    });
    expect(answered.statusCode).toBe(201);
  });

  it('the dossier counts delivered notices and the timeline shows the notices module’s events', async () => {
    const d = (await get(s, `/transfers/${id}/dossier`)).json();
    expect(d.noticesWithEvidence).toBe(3);
    expect(d.answers).toEqual({ object: 1 });
    const actions = d.timeline.map((e: { action: string }) => e.action);
    for (const a of [
      'transfer.create',
      'transfer.readiness',
      'transfer.notice.start',
      'notice.campaign.create',
      'notice.delivery.claim',
      'notice.delivery.result',
      'notice.answer',
    ])
      expect(actions, a).toContain(a);
    expect(actions.filter((a: string) => a === 'notice.delivery.result')).toHaveLength(3);
    const seqs = d.timeline.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    const tl = (await get(s, `/transfers/${id}/timeline`)).json().items as Array<{ action: string }>;
    expect(tl.filter((e) => e.action === 'notice.answer')).toHaveLength(1);
    // Another transfer's campaign stays out of this one's timeline.
    const other = await s.app.transfer.cases.create(s.actor, { path: 'D', name: '另案', fields: ['name'] });
    await s.app.notices.service.createCampaign(s.actor, {
      transferId: other.id,
      path: 'D',
      recipientName: '清算组',
      recipientContact: '010-12345678',
      plannedDate: PLANNED,
      customerIds: [(vip[1] as { id: string }).id],
      channels: ['email'],
    });
    const after = (await get(s, `/transfers/${id}/timeline`)).json().items as Array<{ action: string }>;
    expect(after.filter((e) => e.action === 'notice.campaign.create')).toHaveLength(1);
  });

  it('/auth/me lists the effective transfer grants', async () => {
    const me = (await get(s, '/auth/me')).json();
    expect(me.permissions.transfer).toEqual({
      read: true,
      manage: true,
      package: true,
      receive: true,
      complete: true,
    });
    const auditor = await s.app.tokens.create(s.actor, { name: 'a2', roles: ['auditor'] });
    const a = (await get(s, '/auth/me', { authorization: `Bearer ${auditor.token}` })).json();
    expect(a.permissions.transfer).toEqual({ read: true });
    const sales = await s.app.tokens.create(s.actor, { name: 's', roles: ['sales'] });
    const sm = (await get(s, '/auth/me', { authorization: `Bearer ${sales.token}` })).json();
    expect(sm.permissions.transfer).toBeUndefined();
    expect(sm.permissions.customer).toBeDefined();
  });

  it('receives a package with a manifest over 16 KB as multipart; lists it and gives its receipt again', async () => {
    expect((await post(s, `/transfers/${id}/close-answers`, { reason: '测试' })).statusCode).toBe(200);
    const built = await post(s, `/transfers/${id}/package`);
    expect(built.statusCode, built.body).toBe(200);
    const manifest = built.json().manifest;
    expect(manifest.counts.records).toBe(2);
    const manifestJson = JSON.stringify(manifest);
    expect(Buffer.byteLength(manifestJson)).toBeGreaterThan(16 * 1024);
    const pkg = (await get(s, `/transfers/${id}/package`)).rawPayload;

    await b.http.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(b.http.server.address() as AddressInfo).port}/api/v1`;
    // The header form breaks over real HTTP: Node refuses headers past 16 KB.
    const viaHeader = await fetch(`${base}/transfers/inbound`, {
      method: 'POST',
      headers: {
        ...b.auth,
        'content-type': 'application/octet-stream',
        'x-custodian-manifest': Buffer.from(manifestJson).toString('base64'),
      },
      body: pkg,
    });
    expect(viaHeader.status).toBe(431);
    const form = new FormData();
    form.append('manifest', new Blob([manifestJson], { type: 'application/json' }), 'transfer.manifest.json');
    form.append('package', new Blob([pkg], { type: 'application/octet-stream' }), 'transfer.age');
    const res = await fetch(`${base}/transfers/inbound`, { method: 'POST', headers: b.auth, body: form });
    const body = (await res.json()) as {
      inboundId: string;
      imported: number;
      receipt: { transferId: string; merkleRoot: string; count: number; signature: string };
    };
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.imported).toBe(2);
    expect(body.receipt.merkleRoot).toBe(manifest.merkleRoot);

    const list = (await get(b, '/transfers/inbound')).json().items;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: body.inboundId,
      transferId: id,
      seller: { name: '卖方有限公司', fingerprint: manifest.seller.fingerprint },
      merkleRoot: manifest.merkleRoot,
      count: 2,
    });
    expect(Date.parse(list[0].receivedAt)).not.toBeNaN();
    const receipt = await get(b, `/transfers/inbound/${body.inboundId}/receipt`);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.headers['content-disposition']).toContain(`receipt-${id}.json`);
    expect(receipt.json()).toEqual(body.receipt);
    const missing = await get(b, '/transfers/inbound/00000000-0000-7000-8000-000000000000/receipt');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('TRANSFER_INBOUND_NOT_FOUND');
    // A multipart upload without its package is refused and imports nothing.
    const bad = new FormData();
    bad.append('manifest', new Blob([manifestJson]), 'm.json');
    const refused = await fetch(`${base}/transfers/inbound`, { method: 'POST', headers: b.auth, body: bad });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'TRANSFER_UPLOAD_INVALID',
    );

    // The receipt fetched again closes the seller's case.
    const done = await post(s, `/transfers/${id}/complete`, { receipt: receipt.json() });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().certificate.counts.erased).toBe(3);
  });
});
