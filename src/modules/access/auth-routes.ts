import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { actorOf, SESSION_COOKIE } from '../../kernel/http/server.js';

const tags = ['auth'];

function sessionOf(req: FastifyRequest) {
  if (!req.session) throw new AppError('SESSION_REQUIRED');
  return req.session;
}

function clearCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: req.protocol === 'https',
  });
}

/** Sign-in, sign-out, the signed-in user, password change and TOTP enrolment. */
export async function authRoutes(api: FastifyInstance, app: App): Promise<void> {
  api.post<{ Body: { username: string; password: string; totp?: string } }>(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags,
        summary: '登录 / sign in (sets the session cookie)',
        security: [],
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', maxLength: 64 },
            password: { type: 'string', maxLength: 200 },
            totp: { type: 'string', maxLength: 10 },
          },
        },
      },
    },
    async (req, reply) => {
      const res = await app.auth.login(req.body, req.cookies?.[SESSION_COOKIE]);
      reply.setCookie(SESSION_COOKIE, res.sessionId, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
      });
      return { user: res.user, csrfToken: res.csrfToken, mustEnrolTotp: res.mustEnrolTotp };
    },
  );

  api.post(
    '/auth/logout',
    { config: { pendingOk: true }, schema: { tags, summary: '退出 / sign out' } },
    async (req, reply) => {
      const s = sessionOf(req);
      await app.auth.logout(s.actor, s.sessionHash);
      clearCookie(req, reply);
      return { ok: true };
    },
  );

  api.post(
    '/auth/logout-all',
    { config: { pendingOk: true }, schema: { tags, summary: '退出所有设备 / sign out everywhere' } },
    async (req, reply) => {
      const s = sessionOf(req);
      const res = await app.auth.logoutAll(s.actor);
      clearCookie(req, reply);
      return res;
    },
  );

  api.get(
    '/auth/me',
    { config: { pendingOk: true }, schema: { tags, summary: '当前用户与权限 / who am I, what may I do' } },
    async (req) => {
      const me = await app.auth.me(actorOf(req));
      return { ...me, csrfToken: req.session?.csrfToken ?? null, pending: req.session?.pending ?? null };
    },
  );

  api.post<{ Body: { current: string; next: string } }>(
    '/auth/password',
    {
      config: { pendingOk: true },
      schema: {
        tags,
        summary: '修改密码 / change my password',
        body: {
          type: 'object',
          required: ['current', 'next'],
          additionalProperties: false,
          properties: {
            current: { type: 'string', maxLength: 200 },
            next: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (req) => {
      const s = sessionOf(req);
      return { user: await app.users.changePassword(s.actor, req.body, s.sessionHash) };
    },
  );

  api.post(
    '/auth/totp/enroll',
    { config: { pendingOk: true }, schema: { tags, summary: '开始启用两步验证 / start TOTP enrolment' } },
    async (req) => app.users.enrolTotp(sessionOf(req).actor),
  );

  api.post<{ Body: { code: string } }>(
    '/auth/totp/confirm',
    {
      config: { pendingOk: true },
      schema: {
        tags,
        summary: '确认两步验证 / confirm TOTP with a code',
        body: {
          type: 'object',
          required: ['code'],
          additionalProperties: false,
          properties: { code: { type: 'string', maxLength: 10 } },
        },
      },
    },
    async (req) => ({ user: await app.users.confirmTotp(sessionOf(req).actor, req.body.code) }),
  );
}
