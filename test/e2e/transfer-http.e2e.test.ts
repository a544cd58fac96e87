import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, initApp, systemActor } from '../../src/app.js';
import { buildHttp } from '../../src/http.js';
import { silentLogger } from '../../src/kernel/log/logger.js';
import { engines } from '../support/engines.js';

interface Side {
  app: App;
  http: FastifyInstance;
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
    auth: { authorization: `Bearer ${res.adminToken.token}` },
    async cleanup() {
      await http.close();
      await res.app.close();
      await env.cleanup();
    },
  };
}

describe('transfer over the HTTP API', () => {
  let s: Side;
  let b: Side;
  beforeAll(async () => {
    s = await side('卖方');
    b = await side('买方');
    const actor = systemActor(s.app.kernel, 'test');
    await s.app.consent.addPurpose(actor, {
      key: 'contract',
      name: '合同履行',
      basis: 'contract',
      retention: '5y',
    });
    await s.app.customers.create(actor, {
      kind: 'individual',
      purposes: ['contract'],
      fields: { name: '张三', mobile: '13912345678' },
    });
  });
  afterAll(async () => {
    await s?.cleanup();
    await b?.cleanup();
  });

  it('runs each step through /api/v1 and documents it in OpenAPI', async () => {
    const spec = (await s.http.inject({ url: '/api/docs/json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/transfers',
        '/api/v1/transfers/{id}/package',
        '/api/v1/transfers/inbound',
      ]),
    );
    const sid = (await s.http.inject({ url: '/api/v1/org/identity', headers: s.auth })).json();
    const bid = (await b.http.inject({ url: '/api/v1/org/identity', headers: b.auth })).json();
    const cp = await s.http.inject({
      method: 'POST',
      url: '/api/v1/org/counterparties',
      headers: s.auth,
      payload: { identity: bid, name: '买方', contact: 'dpo@buyer.example.cn' },
    });
    expect(cp.statusCode).toBe(201);
    expect(
      (
        await b.http.inject({
          method: 'POST',
          url: '/api/v1/org/counterparties',
          headers: b.auth,
          payload: { identity: sid, name: '卖方' },
        })
      ).statusCode,
    ).toBe(201);
    const created = await s.http.inject({
      method: 'POST',
      url: '/api/v1/transfers',
      headers: s.auth,
      payload: { path: 'B', name: '合并', counterpartyId: cp.json().id, fields: ['name', 'mobile'] },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const post = (url: string, payload: object = {}) =>
      s.http.inject({ method: 'POST', url: `/api/v1/transfers/${id}${url}`, headers: s.auth, payload });
    const html = await s.http.inject({
      method: 'POST',
      url: `/api/v1/transfers/${id}/readiness?format=html`,
      headers: s.auth,
    });
    expect(html.headers['content-type']).toContain('text/html');
    expect((await post('/notice-start')).statusCode).toBe(200);
    expect((await post('/close-answers', { reason: 'test' })).statusCode).toBe(200);
    const built = await post('/package');
    expect(built.statusCode).toBe(200);
    const manifest = (
      await s.http.inject({ url: `/api/v1/transfers/${id}/manifest`, headers: s.auth })
    ).json();
    const download = await s.http.inject({ url: `/api/v1/transfers/${id}/package`, headers: s.auth });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.subarray(0, 21).toString()).toBe('age-encryption.org/v1');

    const received = await b.http.inject({
      method: 'POST',
      url: '/api/v1/transfers/inbound',
      headers: {
        ...b.auth,
        'content-type': 'application/octet-stream',
        'x-custodian-manifest': Buffer.from(JSON.stringify(manifest)).toString('base64'),
      },
      payload: download.rawPayload,
    });
    expect(received.statusCode).toBe(201);
    expect(received.json().imported).toBe(1);
    const replay = await b.http.inject({
      method: 'POST',
      url: '/api/v1/transfers/inbound',
      headers: {
        ...b.auth,
        'content-type': 'application/octet-stream',
        'x-custodian-manifest': Buffer.from(JSON.stringify(manifest)).toString('base64'),
      },
      payload: download.rawPayload,
    });
    expect(replay.statusCode).toBe(409);
    expect(replay.json().error.code).toBe('TRANSFER_ALREADY_RECEIVED');

    const done = await post('/complete', { receipt: received.json().receipt });
    expect(done.statusCode).toBe(200);
    expect(done.json().certificate.counts.erased).toBe(1);
    const dossier = await s.http.inject({
      url: `/api/v1/transfers/${id}/dossier?format=html`,
      headers: s.auth,
    });
    expect(dossier.body).toContain('公司转让档案');
    expect(dossier.body).not.toContain('13912345678');
  });
});
