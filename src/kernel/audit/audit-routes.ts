import type { FastifyInstance } from 'fastify';
import { assertCan } from '../authz/permissions.js';
import { actorOf } from '../http/server.js';
import type { Kernel } from '../kernel.js';
import type { ExportedCheckpoint } from './audit-types.js';

export async function auditRoutes(api: FastifyInstance, kernel: Kernel): Promise<void> {
  const tags = ['audit'];
  api.get<{
    Querystring: {
      customer?: string;
      action?: string;
      actor?: string;
      from?: string;
      to?: string;
      after?: number;
      limit?: number;
    };
  }>(
    '/audit/events',
    {
      schema: {
        tags,
        summary: '审计事件 / audit events',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            customer: { type: 'string' },
            action: { type: 'string' },
            actor: { type: 'string' },
            from: { type: 'string' },
            to: { type: 'string' },
            after: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 10000 },
          },
        },
      },
    },
    async (req) => {
      assertCan(actorOf(req), 'audit', 'read');
      const q = req.query;
      return {
        items: await kernel.audit.query({
          customerId: q.customer,
          action: q.action,
          actor: q.actor,
          from: q.from,
          to: q.to,
          afterSeq: q.after,
          limit: q.limit,
        }),
      };
    },
  );
  api.post<{ Body: { checkpoint?: ExportedCheckpoint } | null }>(
    '/audit/verify',
    {
      schema: { tags, summary: '校验审计链 / verify the chain (optionally against an exported checkpoint)' },
    },
    async (req) => {
      assertCan(actorOf(req), 'audit', 'verify');
      return kernel.audit.verify({ checkpoint: req.body?.checkpoint });
    },
  );
  api.post(
    '/audit/checkpoints',
    { schema: { tags, summary: '导出签名检查点 / export a signed checkpoint' } },
    async (req) => {
      assertCan(actorOf(req), 'audit', 'checkpoint');
      return kernel.audit.exportCheckpoint();
    },
  );
}
