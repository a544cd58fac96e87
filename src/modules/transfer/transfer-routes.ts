import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { actorOf } from '../../kernel/http/server.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import { ANSWER_KINDS, type AnswerKind } from './answers-port.js';
import type { CampaignChannel } from './campaign-port.js';
import { dossierHtml, readinessHtml } from './report-html.js';
import type { CaseCampaignOptions } from './transfer-campaign.js';
import { assertTransfer } from './transfer-policy.js';
import { TRANSFER_PATHS, type TransferPath } from './transfer-types.js';

const tags = ['transfer 公司转让'];
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const str = { type: 'string' } as const;

/** Routes under /api/v1 for each step of a transfer; every handler is one service call. */
export async function transferRoutes(api: FastifyInstance, app: App): Promise<void> {
  const t = app.transfer;
  const packageDir = join(app.kernel.dataDir, 'transfers');
  const packageFile = (id: string) => join(packageDir, `${id}.age`);

  api.get(
    '/org/identity',
    { schema: { tags, summary: '本组织身份文件 / this org’s identity file' } },
    async (req) => t.identity.exportIdentity(actorOf(req)),
  );
  api.get('/org/counterparties', { schema: { tags, summary: '交易对方 / counterparties' } }, async (req) => ({
    items: await t.identity.listCounterparties(actorOf(req)),
  }));
  api.post<{ Body: { identity: unknown; name: string; contact?: string; uscc?: string } }>(
    '/org/counterparties',
    {
      schema: {
        tags,
        summary: '导入交易对方身份 / import a counterparty identity',
        body: {
          type: 'object',
          required: ['identity', 'name'],
          additionalProperties: false,
          properties: { identity: { type: 'object' }, name: str, contact: str, uscc: str },
        },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await t.identity.importCounterparty(actorOf(req), req.body.identity, req.body)),
  );

  api.get('/transfers', { schema: { tags, summary: '转让案件 / transfers' } }, async (req) => ({
    items: await t.cases.list(actorOf(req)),
  }));
  api.post<{
    Body: {
      path: TransferPath;
      name: string;
      counterpartyId?: string;
      scope?: { kind?: string; purpose?: string; owner?: string; tag?: string };
      fields?: string[];
      includeL4?: boolean;
      l4Reason?: string;
      noticeDays?: number;
      plannedDate?: string;
    };
  }>(
    '/transfers',
    {
      schema: {
        tags,
        summary: '创建转让案件 / create a transfer',
        body: {
          type: 'object',
          required: ['path', 'name'],
          additionalProperties: false,
          properties: {
            path: { type: 'string', enum: [...TRANSFER_PATHS] },
            name: str,
            counterpartyId: str,
            scope: {
              type: 'object',
              additionalProperties: false,
              properties: { kind: str, purpose: str, owner: str, tag: str },
            },
            fields: { type: 'array', items: str },
            includeL4: { type: 'boolean' },
            l4Reason: str,
            noticeDays: { type: 'integer', minimum: 0, maximum: 365 },
            plannedDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          },
        },
      },
    },
    async (req, reply) => reply.status(201).send(await t.cases.create(actorOf(req), req.body)),
  );
  api.get<{ Params: { id: string } }>(
    '/transfers/:id',
    { schema: { tags, summary: '转让案件 / a transfer', params: idParams } },
    async (req) => t.cases.get(actorOf(req), req.params.id),
  );
  api.get<{ Params: { id: string } }>(
    '/transfers/:id/timeline',
    { schema: { tags, summary: '时间线（审计日志）/ timeline', params: idParams } },
    async (req) => ({ items: await t.cases.timeline(actorOf(req), req.params.id) }),
  );
  api.post<{ Params: { id: string }; Querystring: { format?: 'json' | 'html' } }>(
    '/transfers/:id/readiness',
    {
      schema: {
        tags,
        summary: '运行准备度审计 / run the readiness audit',
        params: idParams,
        querystring: { type: 'object', properties: { format: { type: 'string', enum: ['json', 'html'] } } },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const report = await t.cases.readiness(actor, req.params.id);
      if (req.query.format !== 'html') return report;
      return reply
        .type('text/html; charset=utf-8')
        .send(readinessHtml(await t.cases.get(actor, req.params.id), report));
    },
  );
  api.get<{ Params: { id: string }; Querystring: { format?: 'json' | 'html' } }>(
    '/transfers/:id/readiness',
    {
      schema: {
        tags,
        summary: '最近一次准备度审计报告（不重新运行；?format=html 可打印）/ the stored readiness report',
        params: idParams,
        querystring: { type: 'object', properties: { format: { type: 'string', enum: ['json', 'html'] } } },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const report = await t.cases.storedReadiness(actor, req.params.id);
      if (req.query.format !== 'html') return report;
      return reply
        .type('text/html; charset=utf-8')
        .send(readinessHtml(await t.cases.get(actor, req.params.id), report));
    },
  );
  api.post<{ Params: { id: string }; Body: { item: string; reason: string } }>(
    '/transfers/:id/accept',
    {
      schema: {
        tags,
        summary: 'DPO 接受阻断项 / accept a blocking item',
        params: idParams,
        body: {
          type: 'object',
          required: ['item', 'reason'],
          additionalProperties: false,
          properties: { item: str, reason: str },
        },
      },
    },
    async (req) => t.cases.accept(actorOf(req), req.params.id, req.body.item, req.body.reason),
  );
  api.post<{ Params: { id: string } }>(
    '/transfers/:id/notice-start',
    { schema: { tags, summary: '开始告知期 / start notices', params: idParams } },
    async (req) => t.cases.startNotice(actorOf(req), req.params.id),
  );
  api.post<{ Params: { id: string }; Body: CaseCampaignOptions }>(
    '/transfers/:id/campaign',
    {
      schema: {
        tags,
        summary:
          '按案件范围通知客户（必要时先开始告知期）/ notify exactly the case’s scope (starts the notice period if needed)',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            channels: {
              type: 'array',
              minItems: 1,
              items: { type: 'string', enum: ['email', 'sms'] satisfies CampaignChannel[] },
            },
            recipientName: str,
            recipientContact: str,
            plannedDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
            sellerName: str,
            rightsContact: str,
            purposes: str,
            methods: str,
            categories: str,
            consentPurpose: str,
          },
        },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await t.campaigns.start(actorOf(req), req.params.id, req.body ?? {})),
  );
  api.post<{
    Params: { id: string };
    Body: { customerId: string; answer: AnswerKind; channel: string; evidence?: string };
  }>(
    '/transfers/:id/answers',
    {
      schema: {
        tags,
        summary: '记录客户答复 / record an answer',
        params: idParams,
        body: {
          type: 'object',
          required: ['customerId', 'answer', 'channel'],
          additionalProperties: false,
          properties: {
            customerId: str,
            answer: { type: 'string', enum: [...ANSWER_KINDS] },
            channel: str,
            evidence: str,
          },
        },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await t.cases.recordAnswer(actorOf(req), req.params.id, req.body)),
  );
  api.post<{ Params: { id: string }; Body: { reason?: string } }>(
    '/transfers/:id/close-answers',
    {
      schema: {
        tags,
        summary: '结束答复期 / close the answer window',
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: { reason: str } },
      },
    },
    async (req) => t.cases.closeAnswers(actorOf(req), req.params.id, req.body ?? {}),
  );
  api.post<{ Params: { id: string }; Body: { k?: number; sample?: number } }>(
    '/transfers/:id/dd',
    {
      schema: {
        tags,
        summary: '尽调数据室（汇总与 k-匿名样本）/ due-diligence room',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            k: { type: 'integer', minimum: 2 },
            sample: { type: 'integer', minimum: 0, maximum: 10000 },
          },
        },
      },
    },
    async (req) => t.dd.room(actorOf(req), req.params.id, req.body ?? {}),
  );
  api.post<{ Params: { id: string } }>(
    '/transfers/:id/package',
    { schema: { tags, summary: '生成移交包（保存在数据目录）/ build the package', params: idParams } },
    async (req) => {
      mkdirSync(packageDir, { recursive: true, mode: 0o700 });
      const r = await t.packages.build(actorOf(req), req.params.id, packageFile(req.params.id));
      return { manifest: r.manifest, split: r.split };
    },
  );
  api.get<{ Params: { id: string } }>(
    '/transfers/:id/package',
    { schema: { tags, summary: '下载移交包（age 加密，流式）/ download the package', params: idParams } },
    async (req, reply) => {
      const actor = actorOf(req);
      assertTransfer(actor, 'package');
      const tr = await t.cases.get(actor, req.params.id);
      const file = packageFile(tr.id);
      const info = await stat(file).catch(() => null);
      if (!info || !tr.manifest) throw new AppError('FILE_NOT_FOUND', { path: `transfers/${tr.id}.age` });
      return reply
        .type('application/octet-stream')
        .header('content-length', info.size)
        .header('content-disposition', `attachment; filename="transfer-${tr.id}.age"`)
        .send(createReadStream(file));
    },
  );
  api.get<{ Params: { id: string } }>(
    '/transfers/:id/manifest',
    { schema: { tags, summary: '签名清单 / signed manifest', params: idParams } },
    async (req) => {
      const tr = await t.cases.get(actorOf(req), req.params.id);
      if (!tr.manifest)
        throw new AppError('TRANSFER_STATE', { id: tr.id, status: tr.status, action: 'give a manifest' });
      return tr.manifest;
    },
  );
  api.post<{
    Params: { id: string };
    Body: { receipt?: unknown; noRecipient?: boolean; retainPurpose?: string; approver?: string };
  }>(
    '/transfers/:id/complete',
    {
      schema: {
        tags,
        summary: '校验回执并销毁，签发证明 / verify receipt, crypto-shred, certificate',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            receipt: { type: 'object' },
            noRecipient: { type: 'boolean' },
            retainPurpose: str,
            approver: str,
          },
        },
      },
    },
    async (req) => t.closeOut.complete(actorOf(req), req.params.id, req.body ?? {}),
  );
  api.get<{ Params: { id: string }; Querystring: { format?: 'json' | 'html' } }>(
    '/transfers/:id/dossier',
    {
      schema: {
        tags,
        summary: '转让档案 / dossier',
        params: idParams,
        querystring: { type: 'object', properties: { format: { type: 'string', enum: ['json', 'html'] } } },
      },
    },
    async (req, reply) => {
      const d = await t.dossier.build(actorOf(req), req.params.id);
      if (req.query.format !== 'html') return d;
      return reply.type('text/html; charset=utf-8').send(dossierHtml(d));
    },
  );

  api.get(
    '/transfers/inbound',
    { schema: { tags, summary: '已接收的移交包 / received packages' } },
    async (req) => ({
      items: await t.inbound.list(actorOf(req)),
    }),
  );
  api.get<{ Params: { id: string } }>(
    '/transfers/inbound/:id/receipt',
    { schema: { tags, summary: '签名回执（再次获取）/ the signed receipt, again', params: idParams } },
    async (req, reply) => {
      const receipt = await t.inbound.receipt(actorOf(req), req.params.id);
      return reply
        .header('content-disposition', `attachment; filename="receipt-${receipt.transferId}.json"`)
        .send(receipt);
    },
  );

  // The acquirer uploads the encrypted package: multipart (`manifest` JSON file + `package` .age file),
  // or the raw body with the manifest in a header (kept for scripts; Node caps headers at 16 KB).
  await api.register(async (inner) => {
    inner.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    await inner.register(multipart, {
      limits: {
        fileSize: MAX_PACKAGE_BYTES,
        files: 2,
        fields: 2,
        parts: 4,
        fieldSize: MAX_MANIFEST_BYTES,
      },
    });
    inner.post<{ Headers: { 'x-custodian-manifest'?: string } }>(
      '/transfers/inbound',
      {
        bodyLimit: MAX_PACKAGE_BYTES,
        schema: {
          tags,
          summary: '接收移交包 / receive a package',
          description:
            'multipart/form-data with the file parts `manifest` (the signed FILE.manifest.json) and `package` ' +
            '(FILE.age); or the .age file as an application/octet-stream body with the manifest as base64 JSON ' +
            'in the header x-custodian-manifest (up to about 16 KB of header).',
          consumes: ['multipart/form-data', 'application/octet-stream'],
          headers: { type: 'object', properties: { 'x-custodian-manifest': str } },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        assertTransfer(actor, 'receive');
        mkdirSync(packageDir, { recursive: true, mode: 0o700 });
        // Ciphertext only: the upload is kept encrypted until the receiver decrypts it in a stream.
        const tmp = join(packageDir, `inbound-${uuidv7()}.age`);
        try {
          let manifest: unknown;
          if (req.isMultipart()) {
            manifest = await receiveParts(req.parts(), tmp);
          } else {
            const header = req.headers['x-custodian-manifest'];
            if (typeof header !== 'string' || !header)
              throw new AppError('TRANSFER_UPLOAD_INVALID', {
                detail: 'send multipart/form-data (manifest, package) or the x-custodian-manifest header',
              });
            try {
              manifest = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
            } catch {
              throw new AppError('VALIDATION_FAILED', { detail: 'x-custodian-manifest must be base64 JSON' });
            }
            await pipeline(req.body as Readable, createWriteStream(tmp, { mode: 0o600 }));
          }
          const res = await t.receiver.receive(actor, { file: tmp, manifest });
          return reply.status(201).send(res);
        } finally {
          await rm(tmp, { force: true });
        }
      },
    );
  });
}

const MAX_PACKAGE_BYTES = 64 * 1024 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/**
 * Reads the multipart upload of a package: the `manifest` part (a JSON file, or a text field) into
 * memory, the `package` part streamed to `file` (0600; it is age ciphertext). Returns the parsed manifest.
 */
async function receiveParts(
  parts: AsyncIterableIterator<MultipartFile | MultipartValue>,
  file: string,
): Promise<unknown> {
  const bad = (detail: string) => new AppError('TRANSFER_UPLOAD_INVALID', { detail });
  let manifestText: string | null = null;
  let gotPackage = false;
  for await (const part of parts) {
    if (part.type !== 'file') {
      if (part.fieldname !== 'manifest' || manifestText !== null)
        throw bad(`unexpected field ${part.fieldname}`);
      manifestText = String(part.value);
      continue;
    }
    if (part.fieldname === 'package' && !gotPackage) {
      await pipeline(part.file, createWriteStream(file, { mode: 0o600 }));
      if (part.file.truncated) throw bad('the package is larger than allowed');
      gotPackage = true;
    } else if (part.fieldname === 'manifest' && manifestText === null) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of part.file as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > MAX_MANIFEST_BYTES) throw bad('the manifest is larger than allowed');
        chunks.push(c);
      }
      manifestText = Buffer.concat(chunks).toString('utf8');
    } else {
      part.file.resume();
      throw bad(`unexpected file part ${part.fieldname}`);
    }
  }
  if (!gotPackage) throw bad('no file part named "package"');
  if (manifestText === null) throw bad('no part named "manifest"');
  try {
    return JSON.parse(manifestText) as unknown;
  } catch {
    throw new AppError('VALIDATION_FAILED', { detail: 'the manifest part must be JSON' });
  }
}
