import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { actorOf } from '../../kernel/http/server.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import { CUSTOMER_KINDS, type CustomerKind } from '../customers/customer-types.js';
import { forgetScratch, readBytes, registerScratch } from '../ingest/readers/file-access.js';
import { scratchDir } from '../ingest/upload.js';

interface ExportBody {
  format?: 'xlsx' | 'csv';
  encoding?: 'utf8' | 'gbk';
  fields?: string[];
  kind?: CustomerKind;
  filters?: Record<string, string>;
  batchId?: string;
  reveal?: string[];
  purpose?: string;
  approvalId?: string;
}

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
} as const;

/** POST /exports: the file as a download; written to a 0600 temporary file first, deleted once sent. */
export async function exportRoutes(api: FastifyInstance, app: App): Promise<void> {
  api.post<{ Body: ExportBody }>(
    '/exports',
    {
      schema: {
        tags: ['exports'],
        summary: '导出客户（默认脱敏，留审计）/ export customers as a download, masked by default, audited',
        description:
          'Revealing L3/L4 fields needs `purpose`: customers without a basis for it are exported masked ' +
          '(counted in the X-Custodian-Masked-No-Basis header). X-Custodian-Sha256 is the file hash recorded in the audit trail. ' +
          'A GBK CSV counts the characters GBK cannot hold (written as "?") in X-Custodian-Unencodable, and those written as ' +
          'their full-width form (¥ as ￥) in X-Custodian-Substituted. ' +
          'A person or token exporting many rows or revealing L3/L4 fields needs an approved request (POST /approvals): ' +
          'named by `approvalId` or found among theirs; otherwise APPROVAL_REQUIRED (403) with `details.rows`.',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            format: { type: 'string', enum: ['xlsx', 'csv'] },
            encoding: { type: 'string', enum: ['utf8', 'gbk'] },
            fields: { type: 'array', items: { type: 'string' }, maxItems: 200 },
            kind: { type: 'string', enum: [...CUSTOMER_KINDS] },
            filters: { type: 'object', additionalProperties: { type: 'string' } },
            batchId: { type: 'string', maxLength: 64 },
            reveal: { type: 'array', items: { type: 'string' }, maxItems: 200 },
            purpose: { type: 'string', maxLength: 40 },
            approvalId: { type: 'string', maxLength: 64 },
          },
        },
        response: {
          200: { description: 'the .xlsx or .csv file', type: 'string', format: 'binary' },
        },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const format = req.body.format ?? 'xlsx';
      const label = `customers-${new Date().toISOString().slice(0, 10)}.${format}`;
      const path = join(scratchDir(app.kernel.dataDir), `export-${uuidv7()}.${format}`);
      registerScratch(path);
      const result = await app.exports
        .exportCustomers(actor, { ...req.body, format, out: path, label })
        .catch((err: unknown) => {
          forgetScratch(path);
          void unlink(path).catch(() => undefined);
          throw err;
        });
      const stream = readBytes(path);
      const remove = () => {
        void unlink(path).catch(() => undefined);
        forgetScratch(path);
      };
      stream.on('close', remove);
      stream.on('error', remove);
      return reply
        .header('content-type', CONTENT_TYPES[format])
        .header(
          'content-disposition',
          `attachment; filename="${label}"; filename*=UTF-8''${encodeURIComponent(label)}`,
        )
        .header('x-custodian-export-id', result.exportId)
        .header('x-custodian-sha256', result.sha256)
        .header('x-custodian-rows', String(result.rows))
        .header('x-custodian-masked-no-basis', String(result.maskedNoBasis))
        .header('x-custodian-unencodable', String(result.unencodable))
        .header('x-custodian-substituted', String(result.substituted))
        .send(stream);
    },
  );
}
