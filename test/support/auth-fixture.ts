import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type App, initApp, systemActor } from '../../src/app.js';
import { buildHttp } from '../../src/http.js';
import type { Actor } from '../../src/kernel/authz/permissions.js';
import { createLogger, type Logger, silentLogger } from '../../src/kernel/log/logger.js';
import { fixedClock } from '../../src/kernel/time/clock.js';
import { base32Decode, totpCode } from '../../src/modules/access/totp.js';
import { addStandardPurposes } from './app-fixture.js';

export const ADMIN_PASSWORD = 'First-Start-Pass-2024';
export const USER_PASSWORD = 'Correct-Horse-42';

export interface AuthFixture {
  app: App;
  server: FastifyInstance;
  clock: ReturnType<typeof fixedClock>;
  system: Actor;
  adminToken: string;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A fresh SQLite org behind Fastify with a movable clock, purposes `sales` and `contract`. */
export async function authFixture(opts: { logger?: Logger } = {}): Promise<AuthFixture> {
  const root = mkdtempSync(join(tmpdir(), 'custodian-auth-'));
  const dataDir = join(root, 'data');
  const clock = fixedClock(new Date('2026-03-02T01:00:00.000Z'));
  const logger = opts.logger ?? silentLogger();
  const res = await initApp({ dataDir, who: 'test', clock, logger, adminPassword: ADMIN_PASSWORD });
  const system = systemActor(res.app.kernel, 'test');
  await addStandardPurposes(res.app, system);
  const server = await buildHttp(res.app, logger);
  return {
    app: res.app,
    server,
    clock,
    system,
    adminToken: res.adminToken.token,
    dataDir,
    async cleanup() {
      await server.close().catch(() => undefined);
      await res.app.close().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function sessionCookie(res: LightMyRequestResponse): string | undefined {
  return (res.cookies as Array<{ name: string; value: string }>).find((c) => c.name === 'custodian_session')
    ?.value;
}

export interface Session {
  userId: string;
  username: string;
  password: string;
  cookie: string;
  csrf: string;
  totpSecret: string | null;
  /** Headers of a cookie-authenticated request (with the CSRF token). */
  headers(): Record<string, string>;
}

export async function login(
  server: FastifyInstance,
  username: string,
  password: string,
  totp?: string,
): Promise<LightMyRequestResponse> {
  return server.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: totp ? { username, password, totp } : { username, password },
  });
}

/** The current TOTP code, a step after the last one used (codes are single-use per step). */
export function nextCode(f: AuthFixture, secret: string): string {
  f.clock.advance(30_000);
  return totpCode(base32Decode(secret), f.clock.now());
}

function mkSession(s: Omit<Session, 'headers'>): Session {
  return { ...s, headers: () => ({ cookie: `custodian_session=${s.cookie}`, 'x-csrf-token': s.csrf }) };
}

/**
 * A signed-in user with the given roles, through the real flow: one-time password, forced change,
 * TOTP enrolment when the role requires it.
 */
export async function userSession(
  f: AuthFixture,
  username: string,
  roles: string[],
  opts: { team?: string } = {},
): Promise<Session> {
  const created = await f.app.users.create(f.system, {
    username,
    displayName: username,
    roles,
    team: opts.team,
  });
  let res = await login(f.server, username, created.oneTimePassword);
  if (res.statusCode !== 200) throw new Error(`login ${res.statusCode} ${res.body}`);
  let s = mkSession({
    userId: created.user.id,
    username,
    password: USER_PASSWORD,
    cookie: sessionCookie(res) as string,
    csrf: (res.json() as { csrfToken: string }).csrfToken,
    totpSecret: null,
  });
  res = await f.server.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: s.headers(),
    payload: { current: created.oneTimePassword, next: USER_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`password ${res.statusCode} ${res.body}`);
  if (roles.includes('admin') || roles.includes('dpo')) {
    res = await f.server.inject({ method: 'POST', url: '/api/v1/auth/totp/enroll', headers: s.headers() });
    const secret = (res.json() as { secret: string }).secret;
    res = await f.server.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/confirm',
      headers: s.headers(),
      payload: { code: nextCode(f, secret) },
    });
    if (res.statusCode !== 200) throw new Error(`totp ${res.statusCode} ${res.body}`);
    s = { ...s, totpSecret: secret };
  }
  return mkSession(s);
}

/** Signs the user in again (new session), with a TOTP code when enrolled. */
export async function relogin(f: AuthFixture, s: Session): Promise<Session> {
  const res = await login(
    f.server,
    s.username,
    s.password,
    s.totpSecret ? nextCode(f, s.totpSecret) : undefined,
  );
  if (res.statusCode !== 200) throw new Error(`relogin ${res.statusCode} ${res.body}`);
  return mkSession({
    ...s,
    cookie: sessionCookie(res) as string,
    csrf: (res.json() as { csrfToken: string }).csrfToken,
  });
}

export { createLogger };
