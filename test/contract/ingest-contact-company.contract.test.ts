import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

// A contact list often carries its companies' own fields (公司网址, 公司简称, 信用额度): they describe
// the contact's company, so they go to it rather than reject the contact's row (FIELD_NOT_FOR_KIND).

const dir = mkdtempSync(join(tmpdir(), 'custodian-contact-company-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = '客户名称,姓名,手机,公司网址,公司简称,信用额度';
const COMPANY_FIELDS = ['companyName', 'website', 'shortName', 'creditLimit'];

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `\ufeff${[HEADER, ...lines].join('\r\n')}\r\n`);
  return path;
}

for (const target of engines()) {
  describe(`company fields in a contact list on ${target.engine}`, () => {
    let f: AppFixture;

    beforeAll(async () => {
      f = await freshApp(target);
    });
    afterAll(async () => f?.cleanup());

    async function parentsOf(batchId: string): Promise<Array<string | null>> {
      const rows = await f.app.kernel.store.db
        .selectFrom('customers')
        .select('parent_id')
        .where('kind', '=', 'contact')
        .where('batch_id', '=', batchId)
        .execute();
      return rows.map((r) => r.parent_id);
    }

    async function companyFields(id: string): Promise<Record<string, unknown>> {
      const company = await f.app.customers.get(f.actor, id, { reveal: COMPANY_FIELDS, purpose: 'sales' });
      return company.fields;
    }

    async function conflictFields(batchId: string): Promise<Array<{ customer_id: string; field: string }>> {
      return f.app.kernel.store.db
        .selectFrom('import_conflicts')
        .select(['customer_id', 'field'])
        .where('batch_id', '=', batchId)
        .orderBy('row_number')
        .execute();
    }

    it('fills the company a contact list creates, keeps a differing value as its conflict', async () => {
      const path = csv(`new-company-${target.engine}.csv`, [
        '甲乙科技有限公司,联一,13900138051,www.jiayi.cn,,50万',
        '甲乙科技有限公司,联二,13900138052,www.jiayi.cn,,',
        '甲乙科技有限公司,联三,13900138053,www.jiayi-other.cn,,',
        // 联一 again: a duplicate contact, whose row still tells the company's short name.
        '甲乙科技有限公司,联一,139 0013 8051,,甲乙科技,',
        // No company: an individual, who has no website of a company.
        ',散户,13900138054,www.sanhu.cn,,',
      ]);
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'] });
      expect(report.counts).toMatchObject({
        read: 5,
        imported: 3,
        merged: 1,
        rejected: 1,
        companiesCreated: 1,
        conflicts: 1,
        byKind: { contact: 3, company: 1, individual: 0 },
        byReason: { FIELD_NOT_FOR_KIND: 1 },
      });
      const parents = new Set(await parentsOf(report.batchId as string));
      expect(parents.size).toBe(1);
      const companyId = [...parents][0] as string;
      expect(await companyFields(companyId)).toMatchObject({
        companyName: '甲乙科技有限公司',
        website: 'www.jiayi.cn',
        shortName: '甲乙科技',
        creditLimit: 500000,
      });
      expect(await conflictFields(report.batchId as string)).toEqual([
        { customer_id: companyId, field: 'website' },
      ]);
      const website = report.columns.find((c) => c.header === '公司网址');
      expect(website).toMatchObject({ field: 'website' });
    });

    it("fills a stored company's empty fields, keeps its own values, and rolls back to what it was", async () => {
      const companyId = await f.app.customers.create(f.actor, {
        kind: 'company',
        purposes: ['sales'],
        fields: { companyName: '丙丁贸易有限公司', website: 'www.bingding.cn' },
      });
      const path = csv(`stored-company-${target.engine}.csv`, [
        '丙丁贸易有限公司,联五,13900138055,www.bingding-new.cn,丙丁贸易,',
      ]);
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'] });
      expect(report.counts).toMatchObject({ imported: 1, companiesCreated: 0, conflicts: 1, rejected: 0 });
      expect(await parentsOf(report.batchId as string)).toEqual([companyId]);
      expect(await companyFields(companyId)).toMatchObject({
        website: 'www.bingding.cn',
        shortName: '丙丁贸易',
      });
      expect(await conflictFields(report.batchId as string)).toEqual([
        { customer_id: companyId, field: 'website' },
      ]);

      const rolled = await f.app.ingest.rollback(f.actor, report.batchId as string);
      expect(rolled).toMatchObject({ status: 'rolled_back', restored: 1, deleted: 1 });
      const after = await companyFields(companyId);
      expect(after.shortName).toBeUndefined();
      expect(after.website).toBe('www.bingding.cn');
    });

    it("imports a CRM's company rows that name a contact as the company and its contact", async () => {
      const path = join(dir, `crm-${target.engine}.csv`);
      writeFileSync(
        path,
        [
          '客户类型,客户名称,联系人,手机,职务,地址',
          '企业,庚辛电子有限公司,联七,13900138057,采购经理,江苏省南京市鼓楼区中山路1号',
          '企业,庚辛电子有限公司,联八,13900138058,,',
          '企业,壬癸食品有限公司,,,,上海市浦东新区世纪大道2号',
        ].join('\r\n'),
      );
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'] });
      expect(report.counts).toMatchObject({
        read: 3,
        imported: 3,
        rejected: 0,
        companiesCreated: 1,
        byKind: { company: 2, contact: 2, individual: 0 },
        byFlag: { 'import:contact-from-company-row': 2 },
      });
      const parents = await parentsOf(report.batchId as string);
      expect(parents).toHaveLength(2);
      expect(new Set(parents).size).toBe(1);
      const company = await companyFields(parents[0] as string);
      expect(company).toMatchObject({ companyName: '庚辛电子有限公司' });
      const full = await f.app.customers.get(f.actor, parents[0] as string, {
        reveal: ['address'],
        purpose: 'sales',
      });
      expect(full.fields.address).toBe('江苏省南京市鼓楼区中山路1号');
    });

    it("gives a contact list's 公司地址 and 单位电话 (and a column mapped to company.email) to the company", async () => {
      const path = join(dir, `company-columns-${target.engine}.csv`);
      writeFileSync(
        path,
        [
          '客户名称,姓名,手机,公司地址,单位电话,对公邮箱',
          '癸甲建材有限公司,联九,13900138059,浙江省宁波市鄞州区四明路9号,0574-88881234,finance@guijia.cn',
        ].join('\r\n'),
      );
      const report = await f.app.ingest.run(f.actor, path, {
        purposes: ['sales'],
        mapping: { 对公邮箱: 'company.email' },
      });
      expect(report.columns.map((c) => c.field)).toEqual([
        'companyName',
        'name',
        'mobile',
        'company.address',
        'company.landline',
        'company.email',
      ]);
      expect(report.counts).toMatchObject({ imported: 1, companiesCreated: 1, rejected: 0 });
      const [companyId] = await parentsOf(report.batchId as string);
      const company = await f.app.customers.get(f.actor, companyId as string, {
        reveal: ['address', 'landline', 'email'],
        purpose: 'sales',
      });
      expect(company.fields).toMatchObject({
        address: '浙江省宁波市鄞州区四明路9号',
        landline: '0574-88881234',
        email: 'finance@guijia.cn',
      });
      await expect(
        f.app.ingest.run(f.actor, path, { purposes: ['sales'], mapping: { 对公邮箱: 'company.name' } }),
      ).rejects.toMatchObject({ code: 'IMPORT_MAPPING_INVALID' });
    });

    it('leaves a stored company as it is when skipping duplicates, and flags the contact', async () => {
      const companyId = await f.app.customers.create(f.actor, {
        kind: 'company',
        purposes: ['sales'],
        fields: { companyName: '戊己物流有限公司' },
      });
      const path = csv(`skip-company-${target.engine}.csv`, ['戊己物流有限公司,联六,13900138056,,戊己物流,']);
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'], onDuplicate: 'skip' });
      expect(report.counts).toMatchObject({
        imported: 1,
        flagged: 1,
        byFlag: { 'company:not-updated': 1 },
      });
      expect(await parentsOf(report.batchId as string)).toEqual([companyId]);
      expect((await companyFields(companyId)).shortName).toBeUndefined();
    });
  });
}
