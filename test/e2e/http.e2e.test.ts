import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttp } from '../../src/http.js';
import { createLogger } from '../../src/kernel/log/logger.js';
import { type AppFixture, freshApp, SEEDED } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

describe('HTTP API (Fastify inject) with log capture', () => {
  let f: AppFixture;
  let server: FastifyInstance;
  const logLines: string[] = [];
  const auth = () => ({ authorization: `Bearer ${f.adminToken}` });

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    const logger = createLogger({ level: 'trace', destination: sink });
    f = await freshApp(engines()[0]!, { logger });
    server = await buildHttp(f.app, logger);
  });
  afterAll(async () => {
    await server?.close();
    await f?.cleanup();
  });

  it('serves OpenAPI at /api/docs and the console placeholder at /', async () => {
    const doc = await server.inject({ url: '/api/docs/json' });
    expect(doc.statusCode).toBe(200);
    const spec = doc.json() as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/customers',
        '/api/v1/customers/search',
        '/api/v1/customers/{id}/reveal',
        '/api/v1/audit/verify',
      ]),
    );
    expect((await server.inject({ url: '/api/docs' })).statusCode).toBeLessThan(400);
    const home = await server.inject({ url: '/' });
    expect(home.body).toContain('客户信息保管系统');
    expect(home.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(home.headers['x-content-type-options']).toBe('nosniff');
    expect(home.headers['x-frame-options']).toBe('DENY');
    expect(home.headers['referrer-policy']).toBe('no-referrer');
  });

  it('rejects missing, unknown and revoked tokens', async () => {
    expect((await server.inject({ url: '/api/v1/customers' })).statusCode).toBe(401);
    expect(
      (await server.inject({ url: '/api/v1/customers', headers: { authorization: 'Bearer cst_nope' } }))
        .statusCode,
    ).toBe(401);
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: auth(),
      payload: { name: 'temp', roles: ['auditor'] },
    });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json() as { id: string; token: string };
    expect(
      (await server.inject({ url: '/api/v1/audit/events', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(200);
    // The auditor reads the trail but no customer data.
    expect(
      (await server.inject({ url: '/api/v1/customers', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(403);
    await server.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: auth() });
    expect(
      (await server.inject({ url: '/api/v1/audit/events', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(401);
  });

  it('creates, finds (POST), reveals with a purpose and erases; personal data never reaches the log', async () => {
    await server.inject({
      method: 'POST',
      url: '/api/v1/purposes',
      headers: auth(),
      payload: { key: 'support', name: '售后服务', basis: 'contract', retention: '2y' },
    });
    const ids: string[] = [];
    for (const s of SEEDED) {
      const res = await server.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: auth(),
        payload: { kind: 'individual', purposes: ['sales'], fields: s },
      });
      expect(res.statusCode).toBe(201);
      ids.push((res.json() as { id: string }).id);
    }
    const bad = await server.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: auth(),
      payload: {
        kind: 'individual',
        purposes: ['sales'],
        fields: { name: SEEDED[0].name, idNumber: '110105194912310021' },
      },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ error: { code: 'FIELD_INVALID', details: { field: 'idNumber' } } });

    const found = await server.inject({
      method: 'POST',
      url: '/api/v1/customers/search',
      headers: auth(),
      payload: { mobile: SEEDED[1].mobile },
    });
    expect((found.json() as { items: Array<{ id: string }> }).items.map((i) => i.id)).toEqual([ids[1]]);
    const masked = await server.inject({ url: `/api/v1/customers/${ids[0]}`, headers: auth() });
    expect(masked.body).not.toContain(SEEDED[0].mobile);
    const revealed = await server.inject({
      method: 'POST',
      url: `/api/v1/customers/${ids[0]}/reveal`,
      headers: auth(),
      payload: { fields: ['idNumber'], purpose: 'sales', reason: '核验身份' },
    });
    expect(revealed.statusCode).toBe(200);
    expect((revealed.json() as { fields: Record<string, string> }).fields.idNumber).toBe(SEEDED[0].idNumber);
    const denied = await server.inject({
      method: 'POST',
      url: `/api/v1/customers/${ids[0]}/reveal`,
      headers: auth(),
      payload: { fields: ['idNumber'], purpose: 'support' },
    });
    expect(denied.statusCode).toBe(403);
    const history = await server.inject({ url: `/api/v1/customers/${ids[0]}/history`, headers: auth() });
    expect(
      (history.json() as { items: Array<{ action: string; outcome: string }> }).items.map(
        (e) => `${e.action}:${e.outcome}`,
      ),
    ).toEqual(
      expect.arrayContaining([
        'customer.reveal:ok',
        'customer.reveal:denied',
        'customer.read:ok',
        'customer.create:ok',
      ]),
    );
    const erased = await server.inject({
      method: 'POST',
      url: `/api/v1/customers/${ids[1]}/erase`,
      headers: auth(),
      payload: { reason: '客户要求' },
    });
    expect(erased.statusCode).toBe(200);
    expect((await server.inject({ url: `/api/v1/customers/${ids[1]}`, headers: auth() })).statusCode).toBe(
      410,
    );
    const verify = await server.inject({
      method: 'POST',
      url: '/api/v1/audit/verify',
      headers: auth(),
      payload: {},
    });
    expect(verify.json()).toMatchObject({ ok: true });

    const log = logLines.join('');
    expect(log.length).toBeGreaterThan(500);
    expect(log).toContain('/api/v1/customers/search');
    for (const s of SEEDED) for (const v of Object.values(s)) expect(log).not.toContain(v);
    expect(log).not.toContain(f.adminToken);
  });

  it('rebuilds the search index in the batch size asked, and refuses one out of range', async () => {
    const active = (await f.app.kernel.store.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow()) as { n: number | string };
    expect(Number(active.n)).toBeGreaterThan(0);
    const rebuilt = await server.inject({
      method: 'POST',
      url: '/api/v1/keys/reindex',
      headers: auth(),
      payload: { batchSize: 1 },
    });
    expect(rebuilt.statusCode).toBe(200);
    expect(rebuilt.json()).toEqual({ customers: Number(active.n), changed: 0 });
    // One audit event per batch of one: every customer it opened is on the trail.
    const events = await f.app.kernel.audit.query({ action: 'customer.reindex', limit: 100 });
    expect(events).toHaveLength(Number(active.n));

    const refused = await server.inject({
      method: 'POST',
      url: '/api/v1/keys/reindex',
      headers: auth(),
      payload: { batchSize: 0 },
    });
    // Refused by the route's schema (400), before the service's own check (422 from the CLI's path).
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('VALIDATION_FAILED');
  });
});
