import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttp } from '../../src/http.js';
import { createLogger } from '../../src/kernel/log/logger.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

const BOUNDARY = '----custodian-test-boundary';

function multipart(
  fields: Array<[string, string]>,
  file: { name: string; content: Buffer },
  fileField = 'file',
): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of fields)
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    file.content,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  );
  return Buffer.concat(parts);
}

const CSV = Buffer.from(
  '\ufeff客户类型,姓名,手机,身份证号,邮箱\r\n' +
    '个人,司徒雷,13800001111,11010519491231002X,situ@example.cn\r\n' +
    '个人,东方白,1380000222,,dongfang@example.cn\r\n',
);

describe('import and export over HTTP', () => {
  let f: AppFixture;
  let server: FastifyInstance;
  const logLines: string[] = [];
  const auth = () => ({ authorization: `Bearer ${f.adminToken}` });
  /** Posts `file` for import with purpose sales and `fields`. */
  const upload = (file: { name: string; content: Buffer }, fields: Array<[string, string]>) =>
    server.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipart([['purpose', 'sales'], ...fields], file),
    });

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    const logger = createLogger({ level: 'trace', destination: sink });
    const [sqlite] = engines();
    if (!sqlite) throw new Error('no engine');
    f = await freshApp(sqlite, { logger });
    server = await buildHttp(f.app, logger);
  });
  afterAll(async () => {
    await server?.close();
    await f?.cleanup();
  });

  it('uploads, reports, shows the quarantine masked, exports and rolls back; no temp file or value left behind', async () => {
    const upload = await server.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipart(
        [
          ['purpose', 'sales'],
          ['onDuplicate', 'merge'],
        ],
        { name: '客户名单.csv', content: CSV },
      ),
    });
    expect(upload.statusCode).toBe(201);
    const report = upload.json() as {
      batchId: string;
      counts: Record<string, number>;
      file: { name: string };
      sheets: Array<{ name: string }>;
    };
    expect(report.counts).toMatchObject({ read: 2, imported: 1, rejected: 1 });
    expect(report.file.name).toBe('客户名单.csv');
    // The rows' sheet is named after the uploaded file, not its scratch copy (upload-<id>).
    expect(report.sheets.map((s) => s.name)).toEqual(['客户名单']);
    const tmp = join(f.dataDir, 'tmp');
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);

    const dry = await server.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipart(
        [
          ['purposes', 'sales'],
          ['dryRun', 'true'],
        ],
        { name: 'again.csv', content: CSV },
      ),
    });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, counts: { merged: 1, imported: 0 } });

    const list = await server.inject({ url: '/api/v1/imports', headers: auth() });
    expect((list.json() as { items: Array<{ id: string }> }).items.map((b) => b.id)).toEqual([
      report.batchId,
    ]);
    const one = await server.inject({ url: `/api/v1/imports/${report.batchId}`, headers: auth() });
    expect(one.json()).toMatchObject({ status: 'completed', quarantine: { open: 1 } });
    const q = await server.inject({ url: `/api/v1/imports/${report.batchId}/quarantine`, headers: auth() });
    expect(q.statusCode).toBe(200);
    expect(q.body).not.toContain('1380000222');
    expect(q.body).not.toContain('dongfang@example.cn');

    const exp = await server.inject({
      method: 'POST',
      url: '/api/v1/exports',
      headers: auth(),
      payload: { format: 'csv', fields: ['name', 'mobile'] },
    });
    expect(exp.statusCode).toBe(200);
    expect(exp.headers['content-disposition']).toMatch(/^attachment;/);
    expect(exp.headers['x-custodian-sha256']).toBe(createHash('sha256').update(exp.rawPayload).digest('hex'));
    expect(exp.body).toContain('138****1111');
    expect(exp.body).not.toContain('13800001111');
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(tmp)).toEqual([]);

    const rollback = await server.inject({
      method: 'POST',
      url: `/api/v1/imports/${report.batchId}/rollback`,
      headers: auth(),
    });
    expect(rollback.json()).toMatchObject({ status: 'rolled_back', deleted: 1 });

    const spec = (await server.inject({ url: '/api/docs/json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/imports',
        '/api/v1/imports/{id}',
        '/api/v1/imports/{id}/quarantine',
        '/api/v1/imports/{id}/rollback',
        '/api/v1/exports',
      ]),
    );
    const logs = logLines.join('');
    for (const secret of ['13800001111', '1380000222', 'situ@example.cn', '11010519491231002X'])
      expect(logs).not.toContain(secret);
  });

  it('imports the HTML table an admin page exports as .xls (GBK), read from its encrypted scratch copy', async () => {
    const html =
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>' +
      '<table><tr><th>姓名</th><th>手机号码</th><th>邮箱</th></tr>' +
      '<tr><td>慕容复</td><td>13800004444</td><td>murong@example.cn</td></tr>' +
      '<tr><td>段誉</td><td>1380000555</td><td>&nbsp;</td></tr></table></body></html>';
    const post = (fields: Array<[string, string]>) =>
      server.inject({
        method: 'POST',
        url: '/api/v1/imports',
        headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        payload: multipart([['purpose', 'sales'], ...fields], {
          name: '会员导出.xls',
          content: iconv.encode(html, 'gbk'),
        }),
      });
    const res = await post([]);
    expect(res.statusCode).toBe(201);
    const report = res.json() as {
      file: { format: string; encoding: string };
      counts: Record<string, unknown>;
      columns: Array<{ field: string | null }>;
    };
    expect(report.file).toMatchObject({ format: 'html', encoding: 'gb18030' });
    expect(report.columns.map((c) => c.field)).toEqual(['name', 'mobile', 'email']);
    expect(report.counts).toMatchObject({
      read: 2,
      imported: 1,
      rejected: 1,
      byReason: { MOBILE_FORMAT: 1 },
    });
    expect(res.body).not.toContain('慕容');
  });

  it('takes a column mapping and custom-field creation with the upload, and refuses a bad mapping by name', async () => {
    const file = {
      name: '展会名单.csv',
      content: Buffer.from('\ufeff客户名,号码,展位\r\n欧阳明,13800003333,A12\r\n'),
    };
    const post = (fields: Array<[string, string]>) => upload(file, fields);
    const mapping = JSON.stringify({ columns: { 客户名: 'name', B: 'mobile' } });
    const preview = await post([
      ['dryRun', 'true'],
      ['mapping', mapping],
    ]);
    expect(preview.statusCode).toBe(200);
    const report = preview.json() as {
      counts: Record<string, number>;
      columns: Array<{ field: string | null }>;
    };
    expect(report.columns.map((c) => c.field)).toEqual(['name', 'mobile', null]);
    expect(report.counts).toMatchObject({ read: 1, imported: 1, rejected: 0 });

    const done = await post([
      ['mapping', mapping],
      ['createFields', 'true'],
    ]);
    expect(done.statusCode).toBe(201);
    const fields = await server.inject({ url: '/api/v1/fields', headers: auth() });
    const labels = (fields.json() as { items: Array<{ labelZh: string }> }).items.map((x) => x.labelZh);
    expect(labels).toContain('展位');

    const bad = await post([['mapping', '{"columns": {"客户名": "no such field!"}}']]);
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ error: { code: 'IMPORT_MAPPING_INVALID' } });
    expect(bad.body).not.toContain('欧阳');

    // One file an upload: a second is refused by name, not by the parser's code.
    const two = await server.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: Buffer.concat([
        multipart([['purpose', 'sales']], file).subarray(0, -`--${BOUNDARY}--\r\n`.length),
        multipart([], { name: 'second.csv', content: file.content }),
      ]),
    });
    expect(two.json()).toMatchObject({ error: { code: 'IMPORT_UPLOAD_INVALID' } });

    // The delimiter field: the report names the one used; a bad one is a usage error.
    const split = await post([
      ['dryRun', 'true'],
      ['delimiter', ';'],
    ]);
    expect(split.statusCode).toBe(200);
    expect(split.json()).toMatchObject({ file: { delimiter: ';' }, counts: { imported: 0 } });
    const badDelimiter = await post([
      ['dryRun', 'true'],
      ['delimiter', 'commas'],
    ]);
    expect(badDelimiter.statusCode).toBe(400);
    expect(badDelimiter.json()).toMatchObject({ error: { code: 'USAGE' } });
  });

  it('refuses a misspelt field or a flag that is neither true nor false, instead of importing for real', async () => {
    const file = { name: '名单.csv', content: Buffer.from('\ufeff姓名,手机\r\n公孙策,13800004444\r\n') };
    const post = (fields: Array<[string, string]>) => upload(file, fields);
    const batches = async () =>
      ((await server.inject({ url: '/api/v1/imports', headers: auth() })).json() as { items: unknown[] })
        .items.length;
    const before = await batches();
    const misspelt = await post([['dryrun', 'true']]);
    expect(misspelt.statusCode).toBe(422);
    expect(misspelt.json()).toMatchObject({ error: { code: 'IMPORT_UPLOAD_INVALID' } });
    expect((misspelt.json() as { error: { messageEn: string } }).error.messageEn).toContain('"dryrun"');
    const maybe = await post([['dryRun', 'maybe']]);
    expect(maybe.statusCode).toBe(422);
    expect(maybe.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const zero = await post([['chunkSize', '0']]);
    expect(zero.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(await batches()).toBe(before);
    // The accepted spellings still work: a preview with no, then a real import one row a transaction.
    expect((await post([['dryRun', 'yes']])).statusCode).toBe(200);
    const real = await post([
      ['dryRun', 'off'],
      ['chunkSize', '1'],
    ]);
    expect(real.statusCode).toBe(201);
    expect(real.json()).toMatchObject({ imported: 1 });
  });

  it('refuses a file sent under another field name than "file", before anything is imported', async () => {
    const file = { name: 'w1.csv', content: Buffer.from('\ufeff姓名,手机\r\n上官云,13800006666\r\n') };
    const batches = async () =>
      ((await server.inject({ url: '/api/v1/imports', headers: auth() })).json() as { items: unknown[] })
        .items.length;
    const before = await batches();
    for (const field of ['attachment', 'File', 'upload'])
      for (const dryRun of [[], [['dryRun', 'true']]] as Array<Array<[string, string]>>) {
        const res = await server.inject({
          method: 'POST',
          url: '/api/v1/imports',
          headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
          payload: multipart([['purpose', 'sales'], ...dryRun], file, field),
        });
        expect(res.statusCode).toBe(422);
        expect(res.json()).toMatchObject({ error: { code: 'IMPORT_UPLOAD_INVALID' } });
        expect((res.json() as { error: { messageEn: string } }).error.messageEn).toContain(`"${field}"`);
        expect(res.body).not.toContain('13800006666');
      }
    expect(await batches()).toBe(before);
    const tmp = join(f.dataDir, 'tmp');
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
    // The documented name still imports.
    expect((await upload(file, [])).statusCode).toBe(201);
  });

  it('tells a GBK download which characters changed: "?" and ¥ written as ￥ counted in headers', async () => {
    await f.app.customers.create(f.actor, {
      kind: 'individual',
      purposes: ['sales'],
      fields: { name: '夏侯渊', mobile: '13800007777', industry: '¥9.9 特价𠀀' },
    });
    const exp = await server.inject({
      method: 'POST',
      url: '/api/v1/exports',
      headers: auth(),
      payload: { format: 'csv', encoding: 'gbk', fields: ['name', 'industry'] },
    });
    expect(exp.statusCode).toBe(200);
    expect(iconv.decode(exp.rawPayload, 'gbk')).toContain('￥9.9 特价');
    expect(exp.headers['x-custodian-substituted']).toBe('1');
    expect(exp.headers['x-custodian-unencodable']).toBe('1');
  });
});
