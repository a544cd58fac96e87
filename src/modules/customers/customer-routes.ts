import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { actorOf } from '../../kernel/http/server.js';
import { CUSTOMER_KINDS, CUSTOMER_STATUSES, type CustomerKind } from './customer-types.js';

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;
const fieldsObject = {
  type: 'object',
  additionalProperties: true,
  description: 'field key -> value (see GET /fields)',
} as const;

/** Customer routes. Personal data travels in bodies, never in URLs (find is a POST). */
export async function customerRoutes(api: FastifyInstance, app: App): Promise<void> {
  const tags = ['customers'];
  api.post<{
    Body: {
      kind: CustomerKind;
      purposes: string[];
      fields: Record<string, unknown>;
      companyId?: string;
      ownerId?: string;
      source?: string;
    };
  }>(
    '/customers',
    {
      schema: {
        tags,
        summary: '添加客户 / create a customer',
        body: {
          type: 'object',
          required: ['kind', 'purposes', 'fields'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: [...CUSTOMER_KINDS] },
            purposes: { type: 'array', items: { type: 'string' }, minItems: 1 },
            fields: fieldsObject,
            companyId: { type: 'string' },
            ownerId: { type: 'string' },
            source: { type: 'string' },
          },
        },
      },
    },
    async (req, reply) => {
      const id = await app.customers.create(actorOf(req), req.body);
      return reply.status(201).send({ id });
    },
  );

  api.get<{
    Querystring: {
      kind?: CustomerKind;
      status?: 'active' | 'erased' | 'restricted';
      limit?: number;
      cursor?: string;
      industry?: string;
      region?: string;
      companyName?: string;
      uscc?: string;
    };
  }>(
    '/customers',
    {
      schema: {
        tags,
        summary: '客户列表（脱敏）/ list customers, masked',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: [...CUSTOMER_KINDS] },
            status: { type: 'string', enum: [...CUSTOMER_STATUSES] },
            limit: { type: 'integer', minimum: 1, maximum: 500 },
            cursor: { type: 'string' },
            industry: { type: 'string' },
            region: { type: 'string' },
            companyName: { type: 'string' },
            uscc: { type: 'string' },
          },
        },
      },
    },
    async (req) => {
      const { kind, status, limit, cursor, ...filters } = req.query;
      const clean = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >;
      return app.customers.list(actorOf(req), { kind, status, limit, cursor, filters: clean });
    },
  );

  api.post<{
    Body: {
      mobile?: string;
      mobileLast4?: string;
      idNumber?: string;
      email?: string;
      name?: string;
      companyName?: string;
      uscc?: string;
    };
  }>(
    '/customers/search',
    {
      schema: {
        tags,
        summary: '精确查找 / exact find (POST keeps identifiers out of URLs and logs)',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            mobile: { type: 'string' },
            mobileLast4: { type: 'string' },
            idNumber: { type: 'string' },
            email: { type: 'string' },
            name: { type: 'string' },
            companyName: { type: 'string' },
            uscc: { type: 'string' },
          },
        },
      },
    },
    async (req) => ({ items: await app.customers.find(actorOf(req), req.body) }),
  );

  api.get<{ Params: { id: string } }>(
    '/customers/:id',
    { schema: { tags, summary: '客户详情（脱敏）/ a customer, masked', params: idParam } },
    async (req) => app.customers.get(actorOf(req), req.params.id),
  );

  api.post<{ Params: { id: string }; Body: { fields: string[]; purpose: string; reason?: string } }>(
    '/customers/:id/reveal',
    {
      schema: {
        tags,
        summary: '按目的查看明文（先审计）/ reveal fields for a purpose (audited first)',
        params: idParam,
        body: {
          type: 'object',
          required: ['fields', 'purpose'],
          additionalProperties: false,
          properties: {
            fields: { type: 'array', items: { type: 'string' }, minItems: 1 },
            purpose: { type: 'string' },
            reason: { type: 'string', maxLength: 500 },
          },
        },
      },
    },
    async (req) =>
      app.customers.get(actorOf(req), req.params.id, {
        reveal: req.body.fields,
        purpose: req.body.purpose,
        reason: req.body.reason,
      }),
  );

  api.patch<{ Params: { id: string }; Body: { fields?: Record<string, unknown>; purposes?: string[] } }>(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: '修改字段（null 清除）/ update fields (null clears)',
        params: idParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { fields: fieldsObject, purposes: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
    async (req) => {
      await app.customers.update(actorOf(req), req.params.id, req.body.fields ?? {}, {
        purposes: req.body.purposes,
      });
      return { id: req.params.id, updated: Object.keys(req.body.fields ?? {}) };
    },
  );

  api.post<{ Params: { id: string }; Body: { reason: string; requestId?: string } }>(
    '/customers/:id/erase',
    {
      schema: {
        tags,
        summary: '删除（密钥销毁）/ erase by crypto-shredding',
        params: idParam,
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: {
            reason: { type: 'string', minLength: 1, maxLength: 500 },
            requestId: { type: 'string' },
          },
        },
      },
    },
    async (req) => app.customers.erase(actorOf(req), req.params.id, req.body),
  );

  api.get<{ Params: { id: string } }>(
    '/customers/:id/history',
    { schema: { tags, summary: '谁处理过该客户 / who touched this customer', params: idParam } },
    async (req) => ({ items: await app.customers.history(actorOf(req), req.params.id) }),
  );

  api.get('/fields', { schema: { tags: ['catalog'], summary: '字段目录 / field catalog' } }, async (req) => ({
    items: await app.catalog.list(actorOf(req)),
  }));

  api.post<{
    Body: {
      key: string;
      grade: 'L1' | 'L2' | 'L3' | 'L4';
      labelZh?: string;
      labelEn?: string;
      type?: string;
      mask?: string;
      searchable?: boolean;
      sensitive?: boolean;
      kinds?: CustomerKind[];
    };
  }>(
    '/fields',
    {
      schema: {
        tags: ['catalog'],
        summary: '添加自定义字段 / add a custom field',
        body: {
          type: 'object',
          required: ['key', 'grade'],
          properties: {
            key: { type: 'string' },
            grade: { type: 'string', enum: ['L1', 'L2', 'L3', 'L4'] },
            labelZh: { type: 'string' },
            labelEn: { type: 'string' },
            category: { type: 'string' },
            type: { type: 'string' },
            mask: { type: 'string' },
            searchable: { type: 'boolean' },
            sensitive: { type: 'boolean' },
            kinds: { type: 'array', items: { type: 'string', enum: [...CUSTOMER_KINDS] } },
          },
        },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await app.catalog.add(actorOf(req), req.body as Parameters<App['catalog']['add']>[1])),
  );
}
