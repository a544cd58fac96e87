import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totpCode } from '../../src/modules/access/totp.js';
import {
  ADMIN_PASSWORD,
  type AuthFixture,
  authFixture,
  login,
  nextCode,
  relogin,
  type Session,
  sessionCookie,
  USER_PASSWORD,
  userSession,
} from '../support/auth-fixture.js';

const me = (f: AuthFixture, s: Pick<Session, 'cookie'>) =>
  f.server.inject({ url: '/api/v1/auth/me', headers: { cookie: `custodian_session=${s.cookie}` } });

describe('sign-in, sessions, CSRF, lockout and two-factor (HTTP)', () => {
  let f: AuthFixture;
  beforeAll(async () => {
    f = await authFixture();
  });
  afterAll(async () => f?.cleanup());

  it('first start: admin signs in with the initial password, must change it, then enrol TOTP', async () => {
    let res = await login(f.server, 'admin', ADMIN_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { user: { mustChangePassword: boolean; roles: string[] }; csrfToken: string };
    expect(body.user).toMatchObject({ username: 'admin', mustChangePassword: true, totpEnrolled: false });
    expect(body).toMatchObject({ mustEnrolTotp: true });
    const cookie = sessionCookie(res) as string;
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/i); // plain http here; Secure is set over https
    const h = { cookie: `custodian_session=${cookie}`, 'x-csrf-token': body.csrfToken };

    res = await f.server.inject({ url: '/api/v1/users', headers: h });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
    expect((await f.server.inject({ url: '/api/v1/auth/me', headers: h })).json()).toMatchObject({
      pending: 'password',
      csrfToken: body.csrfToken,
    });

    for (const [next, why] of [
      ['short1A', 'length'],
      ['admin-is-my-name-1', 'username'],
      ['12345678901234', 'one class'],
    ]) {
      res = await f.server.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: h,
        payload: { current: ADMIN_PASSWORD, next },
      });
      expect(res.statusCode, why).toBe(422);
      expect(res.json()).toMatchObject({ error: { code: 'PASSWORD_POLICY' } });
    }
    res = await f.server.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: h,
      payload: { current: 'wrong-password-1', next: 'New-Start-Pass-77' },
    });
    expect(res.json()).toMatchObject({ error: { code: 'PASSWORD_WRONG' } });
    res = await f.server.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: h,
      payload: { current: ADMIN_PASSWORD, next: 'New-Start-Pass-77' },
    });
    expect(res.statusCode).toBe(200);

    // admin must use two-factor sign-in: nothing but enrolment until then.
    res = await f.server.inject({ url: '/api/v1/users', headers: h });
    expect(res.json()).toMatchObject({ error: { code: 'TOTP_ENROLMENT_REQUIRED' } });
    res = await f.server.inject({ method: 'POST', url: '/api/v1/auth/totp/enroll', headers: h });
    expect(res.statusCode).toBe(200);
    const enrol = res.json() as { secret: string; otpauthUrl: string; qrDataUrl: string };
    expect(enrol.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrol.otpauthUrl).toMatch(
      /^otpauth:\/\/totp\/Custodian%3Aadmin\?secret=[A-Z2-7]+&issuer=Custodian/,
    );
    expect(enrol.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    res = await f.server.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/confirm',
      headers: h,
      payload: { code: '000000' },
    });
    expect(res.json()).toMatchObject({ error: { code: 'TOTP_CODE_WRONG' } });
    res = await f.server.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/confirm',
      headers: h,
      payload: { code: nextCode(f, enrol.secret) },
    });
    expect(res.statusCode).toBe(200);
    expect((await f.server.inject({ url: '/api/v1/users', headers: h })).statusCode).toBe(200);

    // From now on the code is required at sign-in.
    res = await login(f.server, 'admin', 'New-Start-Pass-77');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'TOTP_REQUIRED', details: { needsTotp: true } } });
    expect(sessionCookie(res)).toBeUndefined();
    res = await login(f.server, 'admin', 'New-Start-Pass-77', '123456');
    expect(res.json()).toMatchObject({ error: { code: 'TOTP_INVALID' } });
    const code = nextCode(f, enrol.secret);
    res = await login(f.server, 'admin', 'New-Start-Pass-77', code);
    expect(res.statusCode).toBe(200);
    // The same code cannot be replayed.
    expect((await login(f.server, 'admin', 'New-Start-Pass-77', code)).statusCode).toBe(401);
  });

  it('issues a new session id at every sign-in and ends the one presented (no fixation)', async () => {
    const s = await userSession(f, 'fix.sales', ['sales']);
    const res = await f.server.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { cookie: `custodian_session=${s.cookie}` },
      payload: { username: s.username, password: s.password },
    });
    expect(res.statusCode).toBe(200);
    const fresh = sessionCookie(res) as string;
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(s.cookie);
    expect((res.json() as { csrfToken: string }).csrfToken).not.toBe(s.csrf);
    expect((await me(f, s)).statusCode).toBe(401);
    expect((await me(f, { cookie: fresh })).statusCode).toBe(200);
  });

  it('requires x-csrf-token on every state-changing route under cookie auth; bearer tokens are exempt', async () => {
    const s = await userSession(f, 'csrf.dpo', ['dpo']);
    const routes = f.server.routeTable.filter(
      (r) =>
        r.url.startsWith('/api/v1/') && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !r.public,
    );
    expect(routes.length).toBeGreaterThan(15);
    const id = '01a00000-0000-7000-8000-000000000000';
    for (const r of routes) {
      const url = r.url.replace(/:[A-Za-z]+/g, id);
      for (const csrf of [undefined, 'wrong-token']) {
        const headers: Record<string, string> = { cookie: `custodian_session=${s.cookie}` };
        if (csrf) headers['x-csrf-token'] = csrf;
        const res = await f.server.inject({ method: r.method as 'POST', url, headers, payload: {} });
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
        expect(res.json(), `${r.method} ${r.url}`).toMatchObject({ error: { code: 'CSRF_FAILED' } });
      }
    }
    const ok = await f.server.inject({
      method: 'POST',
      url: '/api/v1/audit/verify',
      headers: { authorization: `Bearer ${f.adminToken}` },
      payload: {},
    });
    expect(ok.statusCode).toBe(200);
    const withCsrf = await f.server.inject({
      method: 'POST',
      url: '/api/v1/audit/verify',
      headers: s.headers(),
      payload: {},
    });
    expect(withCsrf.statusCode).toBe(200);
  });

  it('locks an account after 5 failures for 15 min, doubling, with one generic error', async () => {
    const s = await userSession(f, 'lock.sales', ['sales']);
    const unknown = await login(f.server, 'no.such.user', 'Whatever-123');
    expect(unknown.statusCode).toBe(401);
    const generic = unknown.json() as { error: { code: string; message: string } };
    expect(generic.error.code).toBe('LOGIN_FAILED');
    for (let i = 0; i < 5; i += 1) {
      const res = await login(f.server, s.username, `Wrong-pass-${i}1`);
      expect(res.json()).toEqual(generic);
    }
    // Locked: even the right password fails, with the same answer.
    expect((await login(f.server, s.username, s.password)).json()).toEqual(generic);
    f.clock.advance(15 * 60_000 - 5_000);
    expect((await login(f.server, s.username, s.password)).statusCode).toBe(401);
    f.clock.advance(10_000);
    expect((await login(f.server, s.username, s.password)).statusCode).toBe(200);
    // A successful sign-in resets the back-off; lock twice in a row to see it double.
    for (let i = 0; i < 5; i += 1) await login(f.server, s.username, `Wrong-pass-${i}1`);
    f.clock.advance(15 * 60_000 + 1_000);
    for (let i = 0; i < 5; i += 1) await login(f.server, s.username, `Wrong-pass-${i}1`);
    f.clock.advance(15 * 60_000 + 1_000);
    expect((await login(f.server, s.username, s.password)).statusCode).toBe(401);
    f.clock.advance(15 * 60_000);
    expect((await login(f.server, s.username, s.password)).statusCode).toBe(200);
    const trail = await f.app.kernel.audit.query({ action: 'auth.lockout' });
    expect(trail.map((e) => e.details.minutes)).toEqual([30, 15, 15]);
  });

  it('ends sessions idle for 30 minutes and any session after 12 hours', async () => {
    let s = await userSession(f, 'idle.sales', ['sales']);
    f.clock.advance(29 * 60_000);
    expect((await me(f, s)).statusCode).toBe(200);
    f.clock.advance(29 * 60_000);
    expect((await me(f, s)).statusCode).toBe(200);
    f.clock.advance(30 * 60_000 + 1_000);
    expect((await me(f, s)).statusCode).toBe(401);
    s = await relogin(f, s);
    for (let t = 0; t < 12 * 60; t += 20) {
      expect((await me(f, s)).statusCode, `after ${t} min`).toBe(200);
      f.clock.advance(20 * 60_000);
    }
    expect((await me(f, s)).statusCode).toBe(401);
  });

  it('signs out one session, or all of them', async () => {
    const a = await userSession(f, 'out.sales', ['sales']);
    const b = await relogin(f, a);
    const c = await relogin(f, a);
    let res = await f.server.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: a.headers() });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/custodian_session=;/);
    expect((await me(f, a)).statusCode).toBe(401);
    expect((await me(f, b)).statusCode).toBe(200);
    res = await f.server.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: b.headers() });
    expect(res.json()).toEqual({ ended: 2 });
    expect((await me(f, b)).statusCode).toBe(401);
    expect((await me(f, c)).statusCode).toBe(401);
  });

  it('a disabled user and a password reset end the sessions; the reset password is one-time', async () => {
    const admin = await userSession(f, 'ops.admin', ['admin']);
    const s = await userSession(f, 'reset.sales', ['sales']);
    let res = await f.server.inject({
      method: 'PATCH',
      url: `/api/v1/users/${s.userId}`,
      headers: admin.headers(),
      payload: { resetPassword: true },
    });
    expect(res.statusCode).toBe(200);
    const otp = (res.json() as { oneTimePassword: string }).oneTimePassword;
    expect(otp).toMatch(/^[\w]{4}-[\w]{4}-[\w]{4}-[\w]{4}$/);
    expect((await me(f, s)).statusCode).toBe(401);
    res = await login(f.server, s.username, otp);
    expect(res.json()).toMatchObject({ user: { mustChangePassword: true } });
    res = await f.server.inject({
      method: 'PATCH',
      url: `/api/v1/users/${s.userId}`,
      headers: admin.headers(),
      payload: { status: 'disabled' },
    });
    expect(res.statusCode).toBe(200);
    expect((await login(f.server, s.username, otp)).json()).toMatchObject({
      error: { code: 'LOGIN_FAILED' },
    });
    // Nobody changes their own roles (an admin cannot grant itself dpo).
    res = await f.server.inject({
      method: 'PATCH',
      url: `/api/v1/users/${admin.userId}`,
      headers: admin.headers(),
      payload: { roles: ['admin', 'dpo'] },
    });
    expect(res.json()).toMatchObject({ error: { code: 'SELF_CHANGE_FORBIDDEN' } });
    // Separation of duties: admin with auditor or with an operating role is refused.
    for (const roles of [
      ['admin', 'auditor'],
      ['admin', 'dpo'],
      ['auditor', 'sales'],
    ]) {
      res = await f.server.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin.headers(),
        payload: { username: `sod${roles.join('')}`, displayName: 'x', roles },
      });
      expect(res.json(), roles.join('+')).toMatchObject({ error: { code: 'ROLES_INCOMPATIBLE' } });
    }
  });

  it('sends security headers on console and API responses', async () => {
    for (const url of ['/', '/api/v1/auth/me', '/api/v1/customers', '/api/v1/auth/login']) {
      const res = await f.server.inject({ url });
      expect(res.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
    const api = await f.server.inject({
      url: '/api/v1/customers',
      headers: { authorization: `Bearer ${f.adminToken}` },
    });
    expect(api.headers['cache-control']).toBe('no-store');
  });

  it('TOTP codes follow RFC 6238 for the enrolled secret', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(totpCode(base32Decode(secret), new Date(59_000))).toBe('287082');
    expect(USER_PASSWORD.length).toBeGreaterThanOrEqual(10);
  });
});
