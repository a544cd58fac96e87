import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { actorOf } from '../../kernel/http/server.js';
import { type ImportReport, QUARANTINE_STATUSES } from './ingest-types.js';
import { receiveUpload } from './upload.js';
import { uploadOptions } from './upload-options.js';

const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const reportResponse = {
  200: { description: '质量报告 / quality report (counts, columns; masked examples only)', ...anyObject },
};

/** Import routes; the multipart parser is registered for this scope only. */
export async function ingestRoutes(api: FastifyInstance, app: App): Promise<void> {
  const tags = ['imports'];
  await api.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 30, parts: 40 },
    });

    scope.post(
      '/imports',
      {
        schema: {
          tags,
          summary: '上传并导入客户名单 / upload and import a customer list',
          description:
            'multipart/form-data: `file` (.xlsx/.csv/.tsv/.txt; a .xls/.htm/.html/.xml that holds an HTML table, Excel 2003 XML or tab-separated text), `purpose` (repeat, or `purposes` comma-separated), ' +
            "`dryRun`, `onDuplicate` (skip|merge|overwrite), `lenient`, `kind`, `sheet`, `encoding`, `delimiter` (a text file's: one character, or tab/comma/semicolon/pipe; sniffed when absent), " +
            '`mapping` (JSON in the format of `--mapping`: `{"columns": {"<header or column letter>": "<field>|-"}}`), ' +
            '`createFields` (create the proposed custom fields of unmapped columns), `chunkSize` (rows per transaction, 1–10000). ' +
            'Flags are true/false (1/0, yes/no, on/off); any other field is refused (`IMPORT_UPLOAD_INVALID`). The upload is ' +
            'kept in a 0600 temporary file under the data directory and deleted afterwards.',
          consumes: ['multipart/form-data'],
          response: {
            201: { description: '批次质量报告 / the batch report', ...anyObject },
            200: reportResponse[200],
          },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        if (!req.isMultipart())
          throw new AppError('IMPORT_UPLOAD_INVALID', { detail: 'send multipart/form-data' });
        const upload = await receiveUpload(req.parts(), app.kernel.dataDir);
        let report: ImportReport;
        try {
          report = await app.ingest.run(actor, upload.path, {
            ...uploadOptions(upload.fields),
            fileName: upload.fileName,
          });
        } finally {
          // Before the reply: a client that has its answer finds no copy of its file left behind.
          await upload.remove();
        }
        return reply.status(report.dryRun ? 200 : 201).send(report);
      },
    );
  });

  api.get<{ Querystring: { limit?: number } }>(
    '/imports',
    {
      schema: {
        tags,
        summary: '导入批次 / import batches',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500 } },
        },
      },
    },
    async (req) => ({ items: await app.ingest.list(actorOf(req), { limit: req.query.limit }) }),
  );

  api.get<{ Params: { id: string } }>(
    '/imports/:id',
    { schema: { tags, summary: '批次质量报告 / a batch report', params: idParam, response: reportResponse } },
    async (req) => app.ingest.report(actorOf(req), req.params.id),
  );

  api.get<{
    Params: { id: string };
    Querystring: {
      reveal?: boolean;
      purpose?: string;
      reason?: string;
      status?: string;
      limit?: number;
      after?: number;
    };
  }>(
    '/imports/:id/quarantine',
    {
      schema: {
        tags,
        summary:
          '隔离区（默认脱敏；reveal 需目的并留审计，含 L4 时需 reason）/ quarantined rows, masked unless revealed for a purpose (with a reason when they hold L4 cells)',
        params: idParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            reveal: { type: 'boolean' },
            purpose: { type: 'string', maxLength: 40 },
            reason: { type: 'string', maxLength: 500 },
            status: { type: 'string', enum: [...QUARANTINE_STATUSES] },
            limit: { type: 'integer', minimum: 1, maximum: 500 },
            after: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
    async (req) =>
      app.ingest.quarantine(actorOf(req), req.params.id, {
        reveal: req.query.reveal,
        purpose: req.query.purpose,
        reason: req.query.reason,
        status: req.query.status,
        limit: req.query.limit,
        afterSeq: req.query.after,
      }),
  );

  api.post<{ Params: { id: string; row: string }; Body: { fields: Record<string, string> } }>(
    '/imports/:id/quarantine/:row/retry',
    {
      schema: {
        tags,
        summary: '修正并重新导入一行 / fix a quarantined row and import it (row: N, SHEET:N or #SEQ)',
        params: {
          type: 'object',
          required: ['id', 'row'],
          properties: { id: { type: 'string', maxLength: 64 }, row: { type: 'string', maxLength: 200 } },
        },
        body: {
          type: 'object',
          required: ['fields'],
          additionalProperties: false,
          properties: { fields: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
    },
    async (req) => app.ingest.retry(actorOf(req), req.params.id, req.params.row, req.body.fields),
  );

  api.post<{ Params: { id: string; row: string } }>(
    '/imports/:id/quarantine/:row/discard',
    {
      schema: {
        tags,
        summary: '丢弃隔离区的一行 / discard a quarantined row',
        params: {
          type: 'object',
          required: ['id', 'row'],
          properties: { id: { type: 'string', maxLength: 64 }, row: { type: 'string', maxLength: 200 } },
        },
      },
    },
    async (req) => app.ingest.discard(actorOf(req), req.params.id, req.params.row),
  );

  api.post<{ Params: { id: string } }>(
    '/imports/:id/rollback',
    { schema: { tags, summary: '撤销导入批次 / roll an import batch back', params: idParam } },
    async (req) => app.ingest.rollback(actorOf(req), req.params.id),
  );
}
