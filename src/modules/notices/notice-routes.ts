import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { actorOf } from '../../kernel/http/server.js';
import { type AliyunReport, receiptSecretOk, type SmsReply, type TencentReport } from './notice-receipts.js';
import {
  ANSWER_CHANNELS,
  ANSWERS,
  type AnswerChannel,
  NOTICE_CHANNELS,
  type NoticeAnswer,
  type NoticeCampaignInput,
  type NoticeChannel,
} from './notice-types.js';

export const RECEIPT_SECRET_HEADER = 'x-custodian-receipt-secret';

const campaignBody = {
  type: 'object',
  required: ['transferId', 'path', 'recipientName', 'recipientContact', 'plannedDate', 'customerIds'],
  properties: {
    transferId: { type: 'string', minLength: 1 },
    path: { type: 'string', enum: ['A', 'B', 'C', 'D'] },
    recipientName: { type: 'string', minLength: 1 },
    recipientContact: { type: 'string', minLength: 1 },
    plannedDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    customerIds: { type: 'array', items: { type: 'string' }, minItems: 1 },
    sellerName: { type: 'string' },
    rightsContact: { type: 'string' },
    purposes: { type: 'string' },
    methods: { type: 'string' },
    categories: { type: 'string' },
    consentPurpose: { type: 'string' },
    channels: { type: 'array', items: { type: 'string', enum: [...NOTICE_CHANNELS] } },
  },
  additionalProperties: false,
} as const;

/** Staff routes (bearer or session): campaigns, tally, staff-recorded answers, sending now. */
export async function noticeRoutes(api: FastifyInstance, app: App): Promise<void> {
  const n = app.notices;
  api.post<{ Body: NoticeCampaignInput }>(
    '/notices/campaigns',
    { schema: { tags: ['notices'], body: campaignBody } },
    async (req, reply) => reply.status(201).send(await n.service.createCampaign(actorOf(req), req.body)),
  );
  // Read-only lookup for the console's transfer page: the campaigns of one transfer, oldest first.
  api.get<{ Querystring: { transferId: string } }>(
    '/notices/campaigns',
    {
      schema: {
        tags: ['notices'],
        summary: '某次转让的通知批次 / the notice campaigns of a transfer',
        querystring: {
          type: 'object',
          required: ['transferId'],
          additionalProperties: false,
          properties: { transferId: { type: 'string', minLength: 1 } },
        },
      },
    },
    async (req) => ({ items: await n.service.campaignsOfTransfer(actorOf(req), req.query.transferId) }),
  );
  api.get<{ Params: { id: string } }>(
    '/notices/campaigns/:id',
    { schema: { tags: ['notices'] } },
    async (req) => n.service.getCampaign(actorOf(req), req.params.id),
  );
  api.get<{ Params: { id: string } }>(
    '/notices/campaigns/:id/tally',
    { schema: { tags: ['notices'] } },
    async (req) => n.service.tally(actorOf(req), req.params.id),
  );
  api.post<{ Params: { id: string } }>(
    '/notices/campaigns/:id/send',
    { schema: { tags: ['notices'] } },
    async (req) => {
      await n.service.authorizeSend(actorOf(req), req.params.id);
      return n.sender.drain({ campaignId: req.params.id });
    },
  );
  api.get<{ Params: { id: string } }>(
    '/notices/campaigns/:id/announcement',
    { schema: { tags: ['notices'] } },
    async (req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send(await n.documents.announcement(actorOf(req), req.params.id)),
  );
  api.post<{
    Params: { id: string };
    Body: { customerId: string; answer: NoticeAnswer; channel: AnswerChannel; evidence: string };
  }>(
    '/notices/campaigns/:id/answers',
    {
      schema: {
        tags: ['notices'],
        body: {
          type: 'object',
          required: ['customerId', 'answer', 'channel', 'evidence'],
          properties: {
            customerId: { type: 'string' },
            answer: { type: 'string', enum: [...ANSWERS] },
            channel: { type: 'string', enum: [...ANSWER_CHANNELS] },
            evidence: { type: 'string', minLength: 1 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await n.service.recordStaffAnswer(actorOf(req), { campaignId: req.params.id, ...req.body })),
  );
  api.post<{ Body: { channel: NoticeChannel; address: string; reason?: string } }>(
    '/notices/suppressions',
    {
      schema: {
        tags: ['notices'],
        body: {
          type: 'object',
          required: ['channel', 'address'],
          properties: {
            channel: { type: 'string', enum: [...NOTICE_CHANNELS] },
            address: { type: 'string' },
            reason: { type: 'string' },
          },
        },
      },
    },
    async (req) => n.receipts.suppress(actorOf(req), req.body.channel, req.body.address, req.body.reason),
  );

  // Gateway callbacks: no user, a shared secret instead (the route is public to the session/bearer check).
  const gate = (req: FastifyRequest) => {
    const given = req.headers[RECEIPT_SECRET_HEADER];
    if (!receiptSecretOk(n.config.receiptSecret, typeof given === 'string' ? given : undefined))
      throw new AppError('NOTICE_RECEIPT_UNAUTHENTICATED');
  };
  const list = <T>(body: unknown): T[] => (Array.isArray(body) ? (body as T[]) : body ? [body as T] : []);
  const hidden = { hide: true };
  api.post('/notices/receipts/aliyun', { schema: hidden, config: { public: true } }, async (req) => {
    gate(req);
    await n.receipts.aliyunReports(list<AliyunReport>(req.body));
    return { code: 0, msg: '成功' };
  });
  api.post('/notices/receipts/tencent', { schema: hidden, config: { public: true } }, async (req) => {
    gate(req);
    await n.receipts.tencentReports(list<TencentReport>(req.body));
    return { result: 0, errmsg: 'OK' };
  });
  api.post('/notices/replies/aliyun', { schema: hidden, config: { public: true } }, async (req) => {
    gate(req);
    const items = list<{ phone_number?: string; content?: string }>(req.body).map(
      (r): SmsReply => ({ phone: r.phone_number ?? '', text: r.content ?? '' }),
    );
    await n.receipts.replies('aliyun', items);
    return { code: 0, msg: '成功' };
  });
  api.post('/notices/replies/tencent', { schema: hidden, config: { public: true } }, async (req) => {
    gate(req);
    const items = list<{ mobile?: string; text?: string }>(req.body).map(
      (r): SmsReply => ({ phone: r.mobile ?? '', text: r.text ?? '' }),
    );
    await n.receipts.replies('tencent', items);
    return { result: 0, errmsg: 'OK' };
  });
}
