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
  }
}

export interface ServerDeps {
  logger: Logger;
  authenticate: (token: string) => Promise<Actor | null>;
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
    disableRequestLogging: false,
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
  await app.register(swagger, {
    openapi: {
      info: { title: 'Custodian API 客户信息保管系统', version: deps.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.decorateRequest('actor', null);
  app.decorateRequest('lang', 'zh');
  app.addHook('onRequest', async (req) => {
    const accept = String(req.headers['accept-language'] ?? '');
    req.lang = accept.toLowerCase().startsWith('en') ? 'en' : 'zh';
    if (!req.url.startsWith('/api/v1/')) return;
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    req.actor = token ? await deps.authenticate(token) : null;
    if (!req.actor) throw new AppError('UNAUTHENTICATED');
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
