import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Actor } from '../authz/permissions.js';
import { AppError, type Lang } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    lang: Lang;
    /** Set when the request was authenticated by the session cookie (not a bearer token). */
    session: SessionContext | null;
  }
  interface FastifyInstance {
    /** Every route registered, for tests that must cover each one (authorisation matrix, CSRF). */
    routeTable: RouteEntry[];
  }
  interface FastifyContextConfig {
    /** Reachable without signing in (sign-in itself, the self-service portal). */
    public?: boolean;
    /** Reachable by a session that must first change its password or enrol two-factor sign-in. */
    pendingOk?: boolean;
  }
}

/** The cookie holding the session id (HttpOnly, SameSite=Strict, Path=/; Secure over https). */
export const SESSION_COOKIE = 'custodian_session';
export const CSRF_HEADER = 'x-csrf-token';

/** What a valid session cookie stands for. */
export interface SessionContext {
  actor: Actor;
  sessionHash: string;
  csrfToken: string;
  /** A session that must change its password or enrol TOTP reaches only `pendingOk` routes. */
  pending: 'password' | 'totp' | null;
}

export interface RouteEntry {
  method: string;
  url: string;
  public: boolean;
  pendingOk: boolean;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface ServerDeps {
  logger: Logger;
  authenticate: (token: string) => Promise<Actor | null>;
  authenticateSession?: (sessionId: string) => Promise<SessionContext | null>;
  version: string;
  consoleHtml: string;
}

/** The authenticated actor of a request, or UNAUTHENTICATED. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('UNAUTHENTICATED');
  return req.actor;
}

/**
 * The HTTP shell: security headers, OpenAPI at /api/docs, bearer-token auth on /api/v1, and one error
 * mapping from AppError codes to statuses. Feature modules add their routes with `register`.
 */
export async function buildServer(
  deps: ServerDeps,
  register: (app: FastifyInstance) => Promise<void>,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 10 * 1024 * 1024,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Custodian API 客户信息保管系统', version: deps.version },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    const config = (r.config ?? {}) as { public?: boolean; pendingOk?: boolean };
    for (const method of Array.isArray(r.method) ? r.method : [r.method])
      routeTable.push({
        method,
        url: r.url,
        public: Boolean(config.public),
        pendingOk: Boolean(config.pendingOk),
      });
  });
  app.decorateRequest('actor', null);
  app.decorateRequest('lang', 'zh');
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (req) => {
    const accept = String(req.headers['accept-language'] ?? '');
    req.lang = accept.toLowerCase().startsWith('en') ? 'en' : 'zh';
    if (!req.url.startsWith('/api/v1/')) return;
    const config = (req.routeOptions.config ?? {}) as { public?: boolean; pendingOk?: boolean };
    const header = req.headers.authorization;
    const cookieId = req.cookies?.[SESSION_COOKIE];
    if (header !== undefined) {
      // Bearer tokens are not sent by browsers on their own, so they need no CSRF token.
      const token = header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
      req.actor = token ? await deps.authenticate(token) : null;
      if (!req.actor && !config.public) throw new AppError('UNAUTHENTICATED');
      return;
    }
    if (cookieId && deps.authenticateSession) {
      const session = await deps.authenticateSession(cookieId);
      if (session && !config.public) {
        if (STATE_CHANGING.has(req.method)) {
          const sent = req.headers[CSRF_HEADER];
          if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken))
            throw new AppError('CSRF_FAILED');
        }
        if (session.pending === 'password' && !config.pendingOk)
          throw new AppError('PASSWORD_CHANGE_REQUIRED');
        if (session.pending === 'totp' && !config.pendingOk) throw new AppError('TOTP_ENROLMENT_REQUIRED');
      }
      req.session = session;
      req.actor = session?.actor ?? null;
    }
    if (!req.actor && !config.public) throw new AppError('UNAUTHENTICATED');
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof AppError) {
      if (err.errorClass === 'internal') req.log.error({ code: err.code }, 'internal error');
      return reply.status(err.httpStatus).send({ error: err.toJSON(req.lang) });
    }
    const e = err as { validation?: unknown; statusCode?: number; message?: string; code?: string };
    if (e.validation) {
      const appErr = new AppError('VALIDATION_FAILED', {
        detail: e.message ?? 'request does not match the schema',
      });
      return reply.status(400).send({ error: appErr.toJSON(req.lang) });
    }
    if (e.statusCode && e.statusCode < 500) {
      const appErr = new AppError('USAGE', { detail: e.code ?? 'bad request' });
      return reply.status(e.statusCode).send({ error: appErr.toJSON(req.lang) });
    }
    req.log.error({ errCode: e.code }, 'unhandled error');
    return reply.status(500).send({ error: new AppError('INTERNAL').toJSON(req.lang) });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: new AppError('USAGE', { detail: 'no such route' }).toJSON(req.lang) });
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(deps.consoleHtml),
  );
  await app.register(async (api) => register(api), { prefix: '/api/v1' });
  return app;
}
