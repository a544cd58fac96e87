import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../kernel/errors/app-error.js';
import {
  answerPage,
  donePage,
  errorPage,
  invalidPage,
  type PageContext,
  type PortalLang,
  startPage,
  verifyPage,
} from './portal-pages.js';
import type { PortalService } from './portal-service.js';

type Form = Record<string, string>;

function langOf(v: unknown): PortalLang {
  return v === 'en' ? 'en' : 'zh';
}

function ctxFor(token: string, lang: PortalLang): PageContext {
  return {
    lang,
    token,
    toggleHref: `/portal/t/${encodeURIComponent(token)}?lang=${lang === 'zh' ? 'en' : 'zh'}`,
  };
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(body);
}

/**
 * The public portal pages under `/portal/*` (no sign-in: the link is the credential). The link token
 * travels in the path only on the first GET; the forms post it in the body.
 */
export async function portalRoutes(app: FastifyInstance, portal: PortalService): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    const fail = (reply: FastifyReply, ctx: PageContext, err: unknown) => {
      if (err instanceof AppError) {
        if (err.code === 'PORTAL_LINK_INVALID') return html(reply, 410, invalidPage(ctx));
        return html(reply, err.httpStatus, errorPage(ctx, err.messageIn(ctx.lang)));
      }
      throw err;
    };

    scope.get<{ Params: { token: string }; Querystring: { lang?: string } }>(
      '/portal/t/:token',
      // The token is in this path: keep the request out of info-level request logs.
      { schema: { hide: true }, config: { public: true }, logLevel: 'warn' },
      async (req, reply) => {
        const ctx = ctxFor(req.params.token, langOf(req.query.lang));
        try {
          const v = await portal.open(req.params.token);
          return html(reply, 200, v.stage === 'answer' ? answerPage(ctx, v) : startPage(ctx, v));
        } catch (err) {
          return fail(reply, ctx, err);
        }
      },
    );

    scope.post<{ Body: Form }>(
      '/portal/code',
      { schema: { hide: true }, config: { public: true } },
      async (req, reply) => {
        const b = req.body ?? {};
        const ctx = ctxFor(b.t ?? '', langOf(b.lang));
        try {
          return html(reply, 200, verifyPage(ctx, await portal.requestCode(b.t ?? '', b.nonce ?? '')));
        } catch (err) {
          return fail(reply, ctx, err);
        }
      },
    );

    scope.post<{ Body: Form }>(
      '/portal/verify',
      { schema: { hide: true }, config: { public: true } },
      async (req, reply) => {
        const b = req.body ?? {};
        const ctx = ctxFor(b.t ?? '', langOf(b.lang));
        try {
          return html(
            reply,
            200,
            answerPage(ctx, await portal.verifyCode(b.t ?? '', b.nonce ?? '', b.code ?? '')),
          );
        } catch (err) {
          if (err instanceof AppError && err.code.startsWith('PORTAL_CODE_')) {
            // Show the error with a fresh form: the code page again (or the start page once locked).
            try {
              const page =
                err.code === 'PORTAL_CODE_INVALID'
                  ? verifyPage(ctx, await portal.reissue(b.t ?? '', 'verify'), err.messageIn(ctx.lang))
                  : startPage(ctx, await portal.reissue(b.t ?? '', 'start'), err.messageIn(ctx.lang));
              return html(reply, err.httpStatus, page);
            } catch (inner) {
              return fail(reply, ctx, inner);
            }
          }
          return fail(reply, ctx, err);
        }
      },
    );

    scope.post<{ Body: Form }>(
      '/portal/answer',
      { schema: { hide: true }, config: { public: true } },
      async (req, reply) => {
        const b = req.body ?? {};
        const ctx = ctxFor(b.t ?? '', langOf(b.lang));
        try {
          const r = await portal.answer(b.t ?? '', b.nonce ?? '', b.answer ?? '');
          return html(reply, 200, donePage(ctx, r.answer));
        } catch (err) {
          return fail(reply, ctx, err);
        }
      },
    );
  });
}
