import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { actorOf } from '../../kernel/http/server.js';
import { accessReviewCsv } from './access-review.js';
import type { ApprovalStatus, ExportApprovalRequest } from './access-types.js';

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

/** Export approvals, customer shares and the access review report. */
export async function approvalRoutes(api: FastifyInstance, app: App): Promise<void> {
  const tags = ['approvals'];
  api.get<{ Querystring: { status?: ApprovalStatus } }>(
    '/approvals',
    {
      schema: {
        tags,
        summary: '导出审批 / export approvals',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['pending', 'approved', 'rejected', 'used', 'expired'] },
          },
        },
      },
    },
    async (req) => ({ items: await app.approvals.list(actorOf(req), req.query) }),
  );

  api.post<{ Body: ExportApprovalRequest }>(
    '/approvals',
    {
      schema: {
        tags,
        summary: '申请导出审批 / request an export approval',
        body: {
          type: 'object',
          required: ['querySummary', 'rowCount', 'revealedFields'],
          additionalProperties: false,
          properties: {
            querySummary: { type: 'object' },
            rowCount: { type: 'integer', minimum: 0 },
            revealedFields: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 200 },
            purpose: { type: 'string', maxLength: 64 },
            reason: { type: 'string', maxLength: 500 },
          },
        },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await app.approvals.requestExportApproval(actorOf(req), req.body)),
  );

  api.post<{ Params: { id: string }; Body: { decision: 'approve' | 'reject'; note?: string } }>(
    '/approvals/:id/decision',
    {
      schema: {
        tags,
        summary: '审批（须为另一人）/ approve or reject (a second person)',
        params: idParam,
        body: {
          type: 'object',
          required: ['decision'],
          additionalProperties: false,
          properties: {
            decision: { type: 'string', enum: ['approve', 'reject'] },
            note: { type: 'string', maxLength: 500 },
          },
        },
      },
    },
    async (req) => app.approvals.decide(actorOf(req), req.params.id, req.body),
  );

  api.get<{ Params: { id: string } }>(
    '/customers/:id/shares',
    {
      schema: { tags: ['customers'], summary: '共享给谁 / who the customer is shared with', params: idParam },
    },
    async (req) => ({ items: await app.shares.list(actorOf(req), req.params.id) }),
  );

  api.post<{ Params: { id: string }; Body: { userId: string } }>(
    '/customers/:id/shares',
    {
      schema: {
        tags: ['customers'],
        summary: '共享客户给同事 / share a customer with a colleague',
        params: idParam,
        body: {
          type: 'object',
          required: ['userId'],
          additionalProperties: false,
          properties: { userId: { type: 'string', maxLength: 64 } },
        },
      },
    },
    async (req) => {
      await app.shares.share(actorOf(req), req.params.id, req.body.userId);
      return { id: req.params.id, userId: req.body.userId, shared: true };
    },
  );

  api.delete<{ Params: { id: string; userId: string } }>(
    '/customers/:id/shares/:userId',
    {
      schema: {
        tags: ['customers'],
        summary: '取消共享 / stop sharing',
        params: {
          type: 'object',
          required: ['id', 'userId'],
          properties: { id: { type: 'string', maxLength: 64 }, userId: { type: 'string', maxLength: 64 } },
        },
      },
    },
    async (req) => {
      await app.shares.unshare(actorOf(req), req.params.id, req.params.userId);
      return { id: req.params.id, userId: req.params.userId, shared: false };
    },
  );

  api.get<{ Querystring: { from?: string; to?: string; format?: 'json' | 'csv' } }>(
    '/reports/access-review',
    {
      schema: {
        tags: ['reports'],
        summary: '权限复核报告 / access review (JSON or CSV)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            format: { type: 'string', enum: ['json', 'csv'] },
          },
        },
      },
    },
    async (req, reply) => {
      const review = await app.accessReview.review(actorOf(req), req.query);
      const wantsCsv = req.query.format === 'csv' || String(req.headers.accept ?? '').includes('text/csv');
      if (!wantsCsv) return review;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="access-review.csv"')
        .send(accessReviewCsv(review));
    },
  );
}
