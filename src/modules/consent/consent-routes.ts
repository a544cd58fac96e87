import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { actorOf } from '../../kernel/http/server.js';
import { CONSENT_CHANNELS, LEGAL_BASES } from './consent-types.js';

export async function consentRoutes(api: FastifyInstance, app: App): Promise<void> {
  const tags = ['purposes & consent'];
  api.get('/purposes', { schema: { tags, summary: '处理目的 / purposes' } }, async (req) => ({
    items: await app.consent.listPurposes(actorOf(req)),
  }));
  api.post<{
    Body: {
      key: string;
      name: string;
      basis: string;
      retention: string;
      noticeVersion?: string;
      description?: string;
    };
  }>(
    '/purposes',
    {
      schema: {
        tags,
        summary: '添加处理目的 / add a purpose',
        body: {
          type: 'object',
          required: ['key', 'name', 'basis', 'retention'],
          additionalProperties: false,
          properties: {
            key: { type: 'string' },
            name: { type: 'string' },
            basis: { type: 'string', enum: Object.keys(LEGAL_BASES) },
            retention: { type: 'string' },
            noticeVersion: { type: 'string' },
            description: { type: 'string' },
          },
        },
      },
    },
    async (req, reply) => reply.status(201).send(await app.consent.addPurpose(actorOf(req), req.body)),
  );
  api.get<{ Params: { id: string } }>(
    '/customers/:id/consents',
    {
      schema: {
        tags,
        summary: '同意记录 / consent ledger',
        params: { type: 'object', properties: { id: { type: 'string' } } },
      },
    },
    async (req) => ({ items: await app.consent.list(actorOf(req), req.params.id) }),
  );
  api.post<{
    Params: { id: string };
    Body: {
      action: 'grant' | 'withdraw';
      purpose: string;
      channel?: string;
      noticeVersion?: string;
      evidence?: string;
      separate?: boolean;
    };
  }>(
    '/customers/:id/consents',
    {
      schema: {
        tags,
        summary: '记录同意或撤回 / record a grant or withdrawal',
        params: { type: 'object', properties: { id: { type: 'string' } } },
        body: {
          type: 'object',
          required: ['action', 'purpose'],
          additionalProperties: false,
          properties: {
            action: { type: 'string', enum: ['grant', 'withdraw'] },
            purpose: { type: 'string' },
            channel: { type: 'string', enum: [...CONSENT_CHANNELS] },
            noticeVersion: { type: 'string' },
            evidence: { type: 'string' },
            separate: { type: 'boolean' },
          },
        },
      },
    },
    async (req, reply) => {
      const { action, ...rest } = req.body;
      return reply
        .status(201)
        .send(await app.consent.record(actorOf(req), action, { customerId: req.params.id, ...rest }));
    },
  );
}
