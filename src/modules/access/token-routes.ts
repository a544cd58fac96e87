import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { actorOf } from '../../kernel/http/server.js';

export async function tokenRoutes(api: FastifyInstance, app: App): Promise<void> {
  const tags = ['tokens'];
  api.get('/tokens', { schema: { tags, summary: 'API 令牌 / tokens' } }, async (req) => ({
    items: await app.tokens.list(actorOf(req)),
  }));
  api.post<{ Body: { name: string; roles: string[]; expiresInDays?: number } }>(
    '/tokens',
    {
      schema: {
        tags,
        summary: '创建令牌 / create a token (returned once)',
        body: {
          type: 'object',
          required: ['name', 'roles'],
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            roles: { type: 'array', items: { type: 'string' }, minItems: 1 },
            expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 },
          },
        },
      },
    },
    async (req, reply) => reply.status(201).send(await app.tokens.create(actorOf(req), req.body)),
  );
  api.delete<{ Params: { id: string } }>(
    '/tokens/:id',
    { schema: { tags, summary: '吊销令牌 / revoke' } },
    async (req) => {
      await app.tokens.revoke(actorOf(req), req.params.id);
      return { id: req.params.id, revoked: true };
    },
  );
}
