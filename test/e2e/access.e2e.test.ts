import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/kernel/log/logger.js';
import { SEEDED } from '../support/app-fixture.js';
import {
  type AuthFixture,
  authFixture,
  relogin,
  type Session,
  userSession,
} from '../support/auth-fixture.js';

describe('data scope, purpose-bound reveal, export approvals, access review (HTTP, with log capture)', () => {
  let f: AuthFixture;
  const logLines: string[] = [];
  const s: Record<string, Session> = {};
  let ownedByA: string;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    f = await authFixture({ logger: createLogger({ level: 'trace', destination: sink }) });
    s.salesA = await userSession(f, 'sales.a', ['sales'], { team: 'east' });
    s.salesB = await userSession(f, 'sales.b', ['sales'], { team: 'west' });
    s.mgrEast = await userSession(f, 'mgr.east', ['manager'], { team: 'east' });
    s.mgrWest = await userSession(f, 'mgr.west', ['manager'], { team: 'west' });
    s.service = await userSession(f, 'service.1', ['service']);
    s.dpo = await userSession(f, 'dpo.1', ['dpo']);
    s.admin = await userSession(f, 'admin.2', ['admin']);
    s.auditor = await userSession(f, 'auditor.1', ['auditor']);
    const res = await f.server.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: s.salesA.headers(),
      payload: { kind: 'individual', purposes: ['sales'], fields: SEEDED[0] },
    });
    expect(res.statusCode).toBe(201);
    ownedByA = (res.json() as { id: string }).id;
  });
  afterAll(async () => f?.cleanup());

  const get = (who: Session, url: string) => f.server.inject({ url, headers: who.headers() });

  it('a customer created by a user is owned by that user; other scopes answer 404, never 403', async () => {
    expect((await get(s.salesA as Session, `/api/v1/customers/${ownedByA}`)).json()).toMatchObject({
      ownerId: s.salesA?.userId,
    });
    for (const who of ['salesA', 'mgrEast', 'service', 'dpo'])
      expect((await get(s[who] as Session, `/api/v1/customers/${ownedByA}`)).statusCode, who).toBe(200);
    for (const who of ['salesB', 'mgrWest']) {
      const who_ = s[who] as Session;
      const res = await get(who_, `/api/v1/customers/${ownedByA}`);
      expect(res.statusCode, who).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'CUSTOMER_NOT_FOUND' } });
      expect((await get(who_, `/api/v1/customers/${ownedByA}/history`)).statusCode).toBe(404);
      const list = (await get(who_, '/api/v1/customers')).json() as { items: Array<{ id: string }> };
      expect(list.items.map((i) => i.id)).not.toContain(ownedByA);
      const found = await f.server.inject({
        method: 'POST',
        url: '/api/v1/customers/search',
        headers: who_.headers(),
        payload: { mobile: SEEDED[0].mobile },
      });
      expect((found.json() as { items: unknown[] }).items).toEqual([]);
      const upd = await f.server.inject({
        method: 'PATCH',
        url: `/api/v1/customers/${ownedByA}`,
        headers: who_.headers(),
        payload: { fields: { email: 'x@example.cn' } },
      });
      expect(upd.statusCode).toBe(404);
    }
    // The auditor reads the trail (history) but no customer.
    expect((await get(s.auditor as Session, `/api/v1/customers/${ownedByA}`)).statusCode).toBe(403);
    expect((await get(s.auditor as Session, `/api/v1/customers/${ownedByA}/history`)).statusCode).toBe(200);
  });

  it('sharing lets a colleague see the customer', async () => {
    const salesB = s.salesB as Session;
    let res = await f.server.inject({
      method: 'POST',
      url: `/api/v1/customers/${ownedByA}/shares`,
      headers: salesB.headers(),
      payload: { userId: salesB.userId },
    });
    expect(res.statusCode).toBe(404);
    res = await f.server.inject({
      method: 'POST',
      url: `/api/v1/customers/${ownedByA}/shares`,
      headers: s.salesA?.headers(),
      payload: { userId: salesB.userId },
    });
    expect(res.statusCode).toBe(200);
    expect((await get(salesB, `/api/v1/customers/${ownedByA}`)).statusCode).toBe(200);
    expect((await get(s.mgrWest as Session, `/api/v1/customers/${ownedByA}`)).statusCode).toBe(200);
    await f.server.inject({
      method: 'DELETE',
      url: `/api/v1/customers/${ownedByA}/shares/${salesB.userId}`,
      headers: s.salesA?.headers(),
    });
    expect((await get(salesB, `/api/v1/customers/${ownedByA}`)).statusCode).toBe(404);
  });

  it('L3 reveal needs permission and purpose; L4 also a basis and a reason; each reveal audited first', async () => {
    const reveal = (who: Session, body: Record<string, unknown>) =>
      f.server.inject({
        method: 'POST',
        url: `/api/v1/customers/${ownedByA}/reveal`,
        headers: who.headers(),
        payload: body,
      });
    const salesA = s.salesA as Session;
    const dpo = s.dpo as Session;
    expect((await reveal(salesA, { fields: ['mobile'], purpose: 'sales' })).statusCode).toBe(200);
    expect(
      (await reveal(salesA, { fields: ['idNumber'], purpose: 'sales', reason: '核验' })).statusCode,
    ).toBe(403);
    const noReason = await reveal(dpo, { fields: ['idNumber'], purpose: 'sales' });
    expect(noReason.json()).toMatchObject({ error: { code: 'REASON_REQUIRED' } });
    expect(
      (await reveal(dpo, { fields: ['idNumber'], purpose: 'contract', reason: '核验' })).statusCode,
    ).toBe(403);
    const ok = await reveal(dpo, { fields: ['idNumber'], purpose: 'sales', reason: '核验身份' });
    expect((ok.json() as { fields: Record<string, string> }).fields.idNumber).toBe(SEEDED[0].idNumber);
    const svc = await reveal(s.service as Session, { fields: ['mobile'], purpose: 'sales' });
    expect(svc.statusCode).toBe(200);
    const events = await f.app.kernel.audit.query({ action: 'customer.reveal', customerId: ownedByA });
    expect(events.filter((e) => e.outcome === 'ok').map((e) => e.actor)).toEqual(
      expect.arrayContaining([`user:${salesA.userId}`, `user:${dpo.userId}`]),
    );
  });

  it('bulk or sensitive exports need a second person; approvals are used once and expire after 24 h', async () => {
    const mgr = s.mgrEast as Session;
    const dpo = s.dpo as Session;
    const admin = s.admin as Session;
    const request = (who: Session, rowCount: number, revealedFields: string[]) =>
      f.server.inject({
        method: 'POST',
        url: '/api/v1/approvals',
        headers: who.headers(),
        payload: { querySummary: { kind: 'individual' }, rowCount, revealedFields, purpose: 'sales' },
      });
    expect(f.app.approvals.requiresApproval({ rowCount: 500, revealedGrades: ['L2'] })).toBe(false);
    expect(f.app.approvals.requiresApproval({ rowCount: 501, revealedGrades: [] })).toBe(true);
    expect(f.app.approvals.requiresApproval({ rowCount: 3, revealedGrades: ['L3'] })).toBe(true);
    let res = await request(mgr, 1200, ['mobile']);
    expect(res.statusCode).toBe(201);
    const a1 = res.json() as { id: string; status: string };
    expect(a1.status).toBe('pending');
    expect((await request(s.salesA as Session, 10, [])).statusCode).toBe(403);
    // The requester cannot approve; a manager cannot approve at all.
    res = await request(dpo, 800, []);
    const own = res.json() as { id: string };
    res = await f.server.inject({
      method: 'POST',
      url: `/api/v1/approvals/${own.id}/decision`,
      headers: dpo.headers(),
      payload: { decision: 'approve' },
    });
    expect(res.json()).toMatchObject({ error: { code: 'APPROVAL_SELF' } });
    res = await f.server.inject({
      method: 'POST',
      url: `/api/v1/approvals/${a1.id}/decision`,
      headers: admin.headers(),
      payload: { decision: 'approve', note: 'ok' },
    });
    expect(res.json()).toMatchObject({ status: 'approved', approver: `user:${admin.userId}` });
    const mine = (await get(mgr, '/api/v1/approvals')).json() as { items: Array<{ id: string }> };
    expect(mine.items.map((i) => i.id)).toEqual([a1.id]);
    const mgrActor = (await f.app.auth.authenticateSession(mgr.cookie))?.actor;
    if (!mgrActor) throw new Error('no session');
    const dpoActor = (await f.app.auth.authenticateSession(dpo.cookie))?.actor;
    if (!dpoActor) throw new Error('no session');
    await expect(f.app.approvals.consumeApproval(a1.id, dpoActor)).rejects.toMatchObject({
      code: 'APPROVAL_NOT_FOUND',
    });
    await expect(
      f.app.approvals.consumeApproval(a1.id, mgrActor, { rowCount: 1200, revealedFields: ['idNumber'] }),
    ).rejects.toMatchObject({ code: 'APPROVAL_MISMATCH' });
    const used = await f.app.approvals.consumeApproval(a1.id, mgrActor, {
      rowCount: 1100,
      revealedFields: ['mobile'],
    });
    expect(used.status).toBe('used');
    await expect(f.app.approvals.consumeApproval(a1.id, mgrActor)).rejects.toMatchObject({
      code: 'APPROVAL_STATE',
    });
    res = await request(mgr, 900, []);
    const a2 = res.json() as { id: string };
    f.clock.advance(24 * 3600_000 + 1000);
    res = await f.server.inject({
      method: 'POST',
      url: `/api/v1/approvals/${a2.id}/decision`,
      headers: (await relogin(f, admin)).headers(),
      payload: { decision: 'approve' },
    });
    expect(res.json()).toMatchObject({ error: { code: 'APPROVAL_STATE' } });
  });

  it('access review: who sees what, missing 2FA, dormant accounts, reveals per user; CSV for the auditor', async () => {
    const auditor = await relogin(f, s.auditor as Session);
    let res = await f.server.inject({
      url: '/api/v1/reports/access-review?from=2026-01-01T00:00:00.000Z',
      headers: auditor.headers(),
    });
    expect(res.statusCode).toBe(200);
    const review = res.json() as {
      users: Array<{ username: string; scope: string | null; reveal: string | null; reveals: number }>;
      withoutTotp: string[];
      dormant: string[];
      reveals: Array<{ actor: string; count: number }>;
    };
    const byName = Object.fromEntries(review.users.map((u) => [u.username, u]));
    expect(byName['sales.a']).toMatchObject({ scope: 'own', reveal: 'L3', reveals: 1 });
    expect(byName['mgr.east']).toMatchObject({ scope: 'team' });
    expect(byName['dpo.1']).toMatchObject({ scope: 'all', reveal: 'L4', reveals: 1 });
    expect(byName['admin.2']).toMatchObject({ scope: null, reveal: null });
    expect(review.withoutTotp).toEqual(expect.arrayContaining(['sales.a', 'auditor.1']));
    expect(review.withoutTotp).not.toContain('dpo.1');
    // 90 days without sign-in: everyone but the auditor, who just signed in again, is dormant by then.
    f.clock.advance(91 * 86_400_000);
    const later = await relogin(f, auditor);
    res = await f.server.inject({
      url: '/api/v1/reports/access-review?format=csv',
      headers: later.headers(),
    });
    expect(res.headers['content-type']).toContain('text/csv');
    const csv = res.body;
    expect(csv.split('\r\n')[0]).toContain('username 用户名');
    expect(csv).toContain('sales.a');
    res = await f.server.inject({ url: '/api/v1/reports/access-review', headers: later.headers() });
    expect((res.json() as { dormant: string[] }).dormant).toEqual(
      expect.arrayContaining(['sales.a', 'dpo.1']),
    );
    expect((res.json() as { dormant: string[] }).dormant).not.toContain('auditor.1');
    expect((await get(s.salesA as Session, '/api/v1/reports/access-review')).statusCode).toBe(401);
  });

  it('keeps personal data, passwords, session ids and CSRF tokens out of URLs and logs', async () => {
    const log = logLines.join('');
    expect(log).toContain('/api/v1/auth/login');
    for (const v of Object.values(SEEDED[0])) expect(log).not.toContain(v);
    for (const who of Object.values(s)) {
      expect(log).not.toContain(who.cookie);
      expect(log).not.toContain(who.csrf);
      if (who.totpSecret) expect(log).not.toContain(who.totpSecret);
    }
    expect(log).not.toContain('Correct-Horse-42');
    const urls = [...log.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1] as string);
    expect(urls.length).toBeGreaterThan(20);
    for (const u of urls) for (const v of Object.values(SEEDED[0])) expect(u).not.toContain(v);
    const trail = JSON.stringify(await f.app.kernel.audit.query({ limit: 10_000 }));
    for (const v of Object.values(SEEDED[0])) expect(trail).not.toContain(v);
    expect(trail).not.toContain('Correct-Horse-42');
  });
});
