import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { actorOf } from '../../kernel/http/server.js';

export async function keyRoutes(api: FastifyInstance, app: App): Promise<void> {
  api.get('/keys', { schema: { tags: ['keys'], summary: '密钥状态 / key status' } }, async (req) =>
    app.keys.status(actorOf(req)),
  );
  api.post(
    '/keys/rotate',
    { schema: { tags: ['keys'], summary: '轮换组织密钥 / rotate the org key' } },
    async (req) => app.keys.rotate(actorOf(req)),
  );
  api.post<{ Body: { batchSize?: number } | undefined }>(
    '/keys/reindex',
    {
      schema: {
        tags: ['keys'],
        summary:
          '重建搜索索引（盲索引）/ rebuild the search index (blind indexes) from the customers’ values',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { batchSize: { type: 'integer', minimum: 1, maximum: 10_000 } },
        },
      },
    },
    async (req) =>
      app.searchIndex.rebuild(
        actorOf(req),
        req.body?.batchSize === undefined ? {} : { batchSize: req.body.batchSize },
      ),
  );
}
