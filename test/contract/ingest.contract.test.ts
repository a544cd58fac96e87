import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/kernel/authz/permissions.js';
import { idNumberCheckChar } from '../../src/kernel/identifiers/checksums.js';
import { unpackIndexKeys } from '../../src/modules/customers/index-keys.js';
import { batchIndexKeys } from '../../src/modules/customers/pending-index.js';
import type { ImportOptions, ImportReport } from '../../src/modules/ingest/ingest-types.js';
import { reportText } from '../../src/modules/ingest/report-text.js';
import { generateSyntheticFile, type SyntheticSummary } from '../../src/modules/synthetic/index.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { filesUnder, findInFiles, pgDump, plaintextForms } from '../support/byte-scan.js';
import { engines } from '../support/engines.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = '客户类型,姓名,手机,身份证号,邮箱,地址,客户名称,统一社会信用代码,行业';

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `\ufeff${[HEADER, ...lines].join('\r\n')}\r\n`);
  return path;
}

async function activeCustomers(f: AppFixture): Promise<number> {
  const row = await f.app.kernel.store.db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function countsOf(r: ImportReport): SyntheticSummary['expected'] {
  const c = r.counts;
  return {
    read: c.read,
    blank: c.blank,
    imported: c.imported,
    merged: c.merged,
    rejected: c.rejected,
    flagged: c.flagged,
    byReason: c.byReason,
  };
}

for (const target of engines()) {
  describe(`import on ${target.engine}`, () => {
    let f: AppFixture;

    beforeAll(async () => {
      f = await freshApp(target);
    });
    afterAll(async () => f?.cleanup());

    /** Saves `book` as `<name>-<engine>.xlsx` and imports it for sales. */
    async function importWorkbook(book: ExcelJS.Workbook, name: string, opts: Partial<ImportOptions> = {}) {
      const path = join(dir, `${name}-${target.engine}.xlsx`);
      await book.xlsx.writeFile(path);
      return f.app.ingest.run(f.actor, path, { purposes: ['sales'], ...opts });
    }

    it('imports a dirty GBK CSV with exactly the counts the generator expects', async () => {
      const path = join(dir, `dirty-${target.engine}.csv`);
      await generateSyntheticFile({
        count: 2000,
        seed: 'ingest',
        dirtyRate: 0.1,
        format: 'csv',
        encoding: 'gbk',
        outPath: path,
      });
      const expected = (JSON.parse(readFileSync(`${path}.truth.json`, 'utf8')) as SyntheticSummary).expected;
      const before = await activeCustomers(f);
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'], chunkSize: 300 });
      expect(report.file.encoding).toMatch(/^(gbk|gb18030)$/);
      expect(report.status).toBe('completed');
      expect(countsOf(report)).toEqual(expected);
      expect(report.counts.companiesCreated).toBe(0);
      expect(await activeCustomers(f)).toBe(before + expected.imported);
      // Where the time went: the rows, then the indexes at the end; kept with the batch.
      expect(report.timings?.rowsSeconds).toBeGreaterThan(0);
      expect(report.timings?.indexSeconds).toBeGreaterThanOrEqual(0);
      const stored = await f.app.ingest.report(f.actor, report.batchId as string);
      expect(stored.timings).toEqual(report.timings);
      // The report holds masked examples only.
      const json = JSON.stringify(stored);
      expect(json).not.toMatch(/1[3-9]\d{9}/);
      expect(json).not.toMatch(/\d{17}[\dX]/);
      // Contacts hang under their company.
      const contacts = await f.app.kernel.store.db
        .selectFrom('customers')
        .select(['parent_id'])
        .where('kind', '=', 'contact')
        .where('batch_id', '=', report.batchId)
        .execute();
      expect(contacts.length).toBeGreaterThan(0);
      expect(contacts.every((c) => c.parent_id !== null)).toBe(true);
    });

    it('imports an xlsx workbook with the expected counts, and a dry run writes nothing', async () => {
      const path = join(dir, `book-${target.engine}.xlsx`);
      await generateSyntheticFile({
        count: 800,
        seed: 'xlsx-ingest',
        dirtyRate: 0.1,
        format: 'xlsx',
        outPath: path,
      });
      const expected = (JSON.parse(readFileSync(`${path}.truth.json`, 'utf8')) as SyntheticSummary).expected;
      const before = await activeCustomers(f);
      const batches = (await f.app.ingest.list(f.actor)).length;
      const dry = await f.app.ingest.run(f.actor, path, { purposes: ['contract'], dryRun: true });
      expect(countsOf(dry)).toEqual(expected);
      expect(dry.batchId).toBeNull();
      expect(dry.columns.find((c) => c.header === '身份证号')).toMatchObject({
        field: 'idNumber',
        detected: { kind: 'id-number', grade: 'L4' },
      });
      expect(await activeCustomers(f)).toBe(before);
      expect((await f.app.ingest.list(f.actor)).length).toBe(batches);
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['contract'] });
      expect(report.file.format).toBe('xlsx');
      expect(countsOf(report)).toEqual(expected);
      expect(await activeCustomers(f)).toBe(before + expected.imported);
    });

    // A title merged across the columns and a 制表日期 line above the header, as Chinese workbooks have.
    it.each(['inline', 'thread'] as const)(
      'finds the header under a workbook title; the title rows are reported, not imported (%s)',
      async (producer) => {
        const book = new ExcelJS.Workbook();
        const sheet = book.addWorksheet('客户');
        sheet.addRow(['2024年重点客户名单']);
        sheet.mergeCells('A1:D1');
        sheet.addRow(['制表日期：', '2024-03-01']);
        sheet.addRow([]);
        sheet.addRow(['客户类型', '姓名', '手机', '邮箱']);
        const people = Array.from({ length: 3000 }, (_, i) => [
          '个人',
          `标题${i}`,
          '',
          `title${i}.${producer}@example.cn`,
        ]);
        for (const p of people) sheet.addRow(p);
        const before = await activeCustomers(f);
        const report = await importWorkbook(book, `titled-${producer}`, { chunkSize: 500, producer });
        expect(report.counts).toMatchObject({ read: 3000, imported: 3000, rejected: 0, blank: 0 });
        expect(report.sheets).toEqual([{ name: '客户', rows: 3000, headerRow: 4 }]);
        expect(report.columns.map((c) => c.field)).toEqual(['kind', 'name', 'mobile', 'email']);
        expect(await activeCustomers(f)).toBe(before + 3000);
      },
    );

    // A grouped header as registration templates have: 联系方式 over 手机 and 邮箱, the other names merged
    // down over both header rows, a title above.
    it.each(['inline', 'thread'] as const)(
      'reads a two-row grouped header as one, column by column (%s)',
      async (producer) => {
        const book = new ExcelJS.Workbook();
        const sheet = book.addWorksheet('登记表');
        sheet.addRow(['2025年客户登记表']);
        sheet.mergeCells('A1:E1');
        sheet.addRow(['序号', '姓名', '联系方式', '', '备注']);
        sheet.addRow(['', '', '手机', '邮箱', '']);
        for (const range of ['A2:A3', 'B2:B3', 'C2:D2', 'E2:E3']) sheet.mergeCells(range);
        for (let i = 0; i < 1200; i++)
          sheet.addRow([i + 1, `分组${i}`, '', `grouped${i}.${producer}@example.cn`, i % 2 ? '老客户' : '']);
        const before = await activeCustomers(f);
        const report = await importWorkbook(book, `grouped-${producer}`, { chunkSize: 500, producer });
        // Read as one row, 手机 and 邮箱 would have no header and the names no column: all rejected.
        expect(report.counts).toMatchObject({ read: 1200, imported: 1200, rejected: 0 });
        expect(report.sheets).toEqual([{ name: '登记表', rows: 1200, headerRow: 2, headerRows: 2 }]);
        expect(report.columns.slice(1).map((c) => [c.header, c.field])).toEqual([
          ['姓名', 'name'],
          ['手机', 'mobile'],
          ['邮箱', 'email'],
          ['备注', 'notes'],
        ]);
        expect(await activeCustomers(f)).toBe(before + 1200);
      },
    );

    it('keeps rows whose cells sit under a header merged across two columns (not EXTRA_CELLS)', async () => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('会员');
      sheet.addRow(['姓名', '手机', '']);
      sheet.mergeCells('B1:C1');
      for (let i = 1; i <= 3; i++) sheet.addRow([`横并${i}`, `1390013806${i}`, `1390013807${i}`]);
      const report = await importWorkbook(book, 'merged-header');
      expect(report.counts).toMatchObject({ read: 3, imported: 3, rejected: 0 });
      // The second column of the merge is named too; the mobile went to the first, so it awaits a mapping.
      expect(report.columns.map((c) => [c.column, c.header, c.field])).toEqual([
        ['A', '姓名', 'name'],
        ['B', '手机', 'mobile'],
        ['C', '手机', null],
      ]);
    });

    it('--create-fields types a column of second mobiles as mobiles: normalised, checked and masked so', async () => {
      const path = join(dir, `second-mobile-${target.engine}.csv`);
      writeFileSync(
        path,
        '姓名,手机,备用手机\r\n二号一,13900138101,+86 139-0013-8111\r\n二号二,13900138102,+852 9123 4502\r\n',
      );
      const preview = await f.app.ingest.run(f.actor, path, { purposes: ['sales'], dryRun: true });
      const second = preview.columns.find((c) => c.header === '备用手机');
      // The mobile field is taken by 手机: a custom field, checked as a mobile.
      expect(second?.proposal).toMatchObject({ builtinField: null, like: 'mobile' });
      expect(reportText(preview, 'zh')).toContain('按 mobile 校验');

      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'], createFields: true });
      expect(report.counts).toMatchObject({ imported: 2, rejected: 0 });
      const key = report.columns.find((c) => c.header === '备用手机')?.field as string;
      const def = (await f.app.catalog.load()).get(key);
      expect(def).toMatchObject({ type: 'mobile', mask: 'mobile', grade: 'L3', builtin: false });
      const [one] = await f.app.customers.find(f.actor, { mobile: '13900138101' });
      const revealed = await f.app.customers.get(f.actor, one?.id as string, {
        reveal: [key],
        purpose: 'sales',
      });
      expect(revealed.fields[key]).toBe('13900138111');
      expect((await f.app.customers.get(f.actor, one?.id as string)).fields[key]).toBe('139****8111');
    });

    it('a dry run counts the conflicts and the merges with the store that the import records', async () => {
      const path = join(dir, `dry-conflicts-${target.engine}.csv`);
      writeFileSync(
        path,
        '姓名,手机,地址\r\n吴一,13844440001,地址甲\r\n吴一,+86 138-4444-0001,地址乙\r\n吴二,13844440002,地址丙\r\n',
      );
      const preview = await f.app.ingest.run(f.actor, path, { purposes: ['sales'], dryRun: true });
      expect(preview.counts).toMatchObject({ imported: 2, merged: 1, mergedWithStore: 0, conflicts: 1 });
      // Overwriting records no conflict.
      const over = await f.app.ingest.run(f.actor, path, {
        purposes: ['sales'],
        dryRun: true,
        onDuplicate: 'overwrite',
      });
      expect(over.counts).toMatchObject({ merged: 1, conflicts: 0 });
      const real = await f.app.ingest.run(f.actor, path, { purposes: ['sales'] });
      expect(real.counts).toMatchObject({ imported: 2, merged: 1, mergedWithStore: 0, conflicts: 1 });
      // Again, into the store that now holds them: every row merges with an existing customer.
      const again = join(dir, `dry-conflicts-again-${target.engine}.csv`);
      writeFileSync(again, '姓名,手机\r\n吴一,13844440001\r\n吴二,13844440002\r\n');
      const second = await f.app.ingest.run(f.actor, again, { purposes: ['sales'], dryRun: true });
      expect(second.counts).toMatchObject({ imported: 0, merged: 2, mergedWithStore: 2 });
    });

    it('a name in Latin letters is one name in any case: the rows merge and find ignores case', async () => {
      const path = join(dir, `latin-${target.engine}.csv`);
      writeFileSync(path, 'name,mobile\r\nLatin Case,13844449999\r\nlatin case,13844449999\r\n');
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'] });
      expect(report.counts).toMatchObject({ imported: 1, merged: 1 });
      expect(await f.app.customers.find(f.actor, { name: 'LATIN CASE' })).toHaveLength(1);
    });

    it('keeps an address as written; a duplicate typing it in other widths is no conflict', async () => {
      const path = join(dir, `widths-${target.engine}.csv`);
      writeFileSync(
        path,
        '姓名,手机,地址\r\n宽窄,13844448888,东区（南楼）１２号\r\n宽窄,13844448888,东区(南楼)12号\r\n',
      );
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'] });
      expect(report.counts).toMatchObject({ imported: 1, merged: 1, conflicts: 0 });
      const [one] = await f.app.customers.find(f.actor, { mobile: '13844448888' });
      const got = await f.app.customers.get(f.actor, one?.id as string, {
        reveal: ['address'],
        purpose: 'sales',
      });
      expect(got.fields.address).toBe('东区（南楼）１２号');
    });

    it("a dry run's rejects file is audited with its SHA-256, as a real import's is", async () => {
      const path = join(dir, `dry-rejects-${target.engine}.csv`);
      writeFileSync(path, '姓名,手机\r\n坏号,1384444000\r\n好号,13844440009\r\n');
      const rejectsFile = join(dir, `dry-rejects-${target.engine}.csv.rejects.csv`);
      const preview = await f.app.ingest.run(f.actor, path, {
        purposes: ['sales'],
        dryRun: true,
        rejectsFile,
      });
      expect(preview.counts).toMatchObject({ rejected: 1, imported: 1 });
      const sha256 = createHash('sha256').update(readFileSync(rejectsFile)).digest('hex');
      const events = await f.app.kernel.store.db
        .selectFrom('audit_events')
        .select(['details'])
        .where('action', '=', 'import.rejects.export')
        .execute();
      expect(events.map((e) => JSON.parse(e.details))).toContainEqual({
        batchId: null,
        dryRun: true,
        rows: 1,
        sha256,
      });
    });

    it('names the hidden sheets it did not read, in the report and its text', async () => {
      const book = new ExcelJS.Workbook();
      const members = book.addWorksheet('会员');
      members.addRow(['姓名', '手机']);
      members.addRow(['隐一', '13900138081']);
      const lists = book.addWorksheet('下拉选项', { state: 'hidden' });
      lists.addRow(['姓名', '手机']);
      lists.addRow(['隐二', '13900138082']);
      const report = await importWorkbook(book, 'hidden-sheet', { dryRun: true });
      expect(report.counts).toMatchObject({ read: 1, imported: 1 });
      expect(report.hiddenSheets).toEqual(['下拉选项']);
      expect(reportText(report, 'zh')).toContain('未读取的隐藏工作表：下拉选项');
      const named = await importWorkbook(book, 'hidden-sheet', { dryRun: true, sheet: '下拉选项' });
      expect(named.counts).toMatchObject({ read: 1, imported: 1 });
      expect(named.hiddenSheets).toBeUndefined();
    });

    it('composes 省份, 城市 and 区县 columns into the region of each customer', async () => {
      const path = join(dir, `regions-${target.engine}.csv`);
      writeFileSync(
        path,
        '姓名,手机,省份,城市,区县,详细地址\r\n区一,13900138091,浙江省,杭州市,西湖区,文三路90号\r\n区二,13900138092,北京市,北京市,朝阳区,\r\n',
      );
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'] });
      expect(report.counts).toMatchObject({ read: 2, imported: 2, rejected: 0 });
      expect(report.columns.map((c) => c.field)).toEqual([
        'name',
        'mobile',
        'region',
        'region',
        'region',
        'address',
      ]);
      const regions = await f.app.kernel.store.db
        .selectFrom('customer_public')
        .innerJoin('customers', 'customers.id', 'customer_public.customer_id')
        .select('customer_public.value')
        .where('customers.batch_id', '=', report.batchId)
        .where('customer_public.field', '=', 'region')
        .execute();
      expect(regions.map((r) => JSON.parse(r.value)).sort()).toEqual(['北京市朝阳区', '浙江省杭州市西湖区']);
    });

    it('links every contact under a company name merged down over them to that company', async () => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('联系人');
      sheet.addRow(['客户名称', '姓名', '手机']);
      sheet.addRow(['合并单元格科技有限公司', '合一', '13900138031']);
      sheet.addRow(['', '合二', '13900138032']);
      sheet.addRow(['', '合三', '13900138033']);
      sheet.mergeCells('A2:A4');
      const report = await importWorkbook(book, 'merged');
      // Without the merge read, the second and third rows would be individuals with no company.
      expect(report.counts).toMatchObject({
        read: 3,
        rejected: 0,
        companiesCreated: 1,
        byKind: { contact: 3, company: 1, individual: 0 },
      });
      const parents = await f.app.kernel.store.db
        .selectFrom('customers')
        .select('parent_id')
        .where('kind', '=', 'contact')
        .where('batch_id', '=', report.batchId)
        .execute();
      expect(parents).toHaveLength(3);
      expect(new Set(parents.map((p) => p.parent_id)).size).toBe(1);
      expect(parents[0]?.parent_id).not.toBeNull();
    });

    it('counts flags by kind: a gender the ID number contradicts, a cell left out under --lenient', async () => {
      const path = join(dir, `flags-${target.engine}.csv`);
      writeFileSync(
        path,
        [
          '姓名,身份证号,性别,手机',
          // 110105198511206000: a woman's number (even 17th digit); its own, shared with no other test.
          '甄一,110105198511206000,男,13900138041',
          '甄二,110105198511206000,女,13900138042',
          '甄三,110105198511206001,女,13900138043',
          '',
        ].join('\r\n'),
      );
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'], lenient: true });
      // 甄二 shares 甄一's ID number: merged into it.
      expect(report.counts).toMatchObject({
        read: 3,
        imported: 2,
        merged: 1,
        flagged: 2,
        byFlag: { 'inconsistent:gender': 1, 'lenient:idNumber': 1 },
      });
    });

    it('imports a Big5 list from Taiwan with traditional headers, its values kept as written', async () => {
      const path = join(dir, `taiwan-${target.engine}.csv`);
      const text =
        '客戶類型,姓名,手機,電子郵件,公司名稱\r\n' +
        '聯絡人,陳美玲,+886 912 345 601,chen.ml@example.tw,台灣某某科技股份有限公司\r\n' +
        '個人,林志明,0922-111-602,,\r\n';
      writeFileSync(path, iconv.encode(text, 'big5'));
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'] });
      expect(report.file.encoding).toBe('big5');
      expect(report.columns.map((c) => c.field)).toEqual(['kind', 'name', 'mobile', 'email', 'companyName']);
      // 0922-111-602 is a Taiwan mobile as written there: the reason asks for its +886.
      expect(report.counts).toMatchObject({
        read: 2,
        imported: 1,
        rejected: 1,
        companiesCreated: 1,
        byKind: { contact: 1 },
        byReason: { MOBILE_NEEDS_CODE: 1 },
      });
      const [found] = await f.app.customers.find(f.actor, { mobile: '+886912345601' });
      const chen = await f.app.customers.get(f.actor, found?.id as string, {
        reveal: ['name'],
        purpose: 'sales',
      });
      expect(chen.fields.name).toBe('陳美玲');
    });

    it('flags a child under 14 (from the ID number) for the guardian consent PIPL Art. 31 asks', async () => {
      const path = join(dir, `minors-${target.engine}.csv`);
      // Born 2020-03-01 (under 14 until 2034) and 1980-03-01; check characters computed.
      const id = (first17: string) => first17 + idNumberCheckChar(first17);
      writeFileSync(
        path,
        [
          '姓名,身份证号,手机',
          `童一,${id('11010520200301003')},13900138061`,
          `童二,${id('11010519800301003')},13900138062`,
        ].join('\r\n'),
      );
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'] });
      expect(report.counts).toMatchObject({ imported: 2, flagged: 1, byFlag: { 'minor:under-14': 1 } });
      const flags = await f.app.kernel.store.db
        .selectFrom('customers')
        .select('flags')
        .where('batch_id', '=', report.batchId as string)
        .execute();
      expect(flags.map((r) => JSON.parse(r.flags) as string[]).sort()).toEqual([[], ['minor:under-14']]);
    });

    it('merges a duplicate of a stored customer: empty fields filled, a differing value kept as a conflict', async () => {
      const id = await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['sales'],
        fields: {
          name: '上官婉儿',
          mobile: '13700001111',
          idNumber: '11010519491231002X',
          email: 'old.mail@example.cn',
        },
      });
      const path = csv(`merge-${target.engine}.csv`, [
        '个人,上官婉儿,13700001111,11010519491231002x,new.mail@example.cn,浙江省杭州市西湖区文三路1号,,,',
      ]);
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['contract'] });
      expect(report.counts).toMatchObject({
        read: 1,
        imported: 0,
        merged: 1,
        mergedWithStore: 1,
        conflicts: 1,
      });
      const v = await f.app.customers.get(f.actor, id, { reveal: ['email', 'address'], purpose: 'sales' });
      expect(v.fields.email).toBe('old.mail@example.cn');
      expect(v.fields.address).toBe('浙江省杭州市西湖区文三路1号');
      expect(v.purposes).toEqual(['contract', 'sales']);
      const conflicts = await f.app.kernel.store.db
        .selectFrom('import_conflicts')
        .selectAll()
        .where('batch_id', '=', report.batchId as string)
        .execute();
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]).toMatchObject({ customer_id: id, field: 'email', row_number: 2 });
      expect(Buffer.from(conflicts[0]?.sealed as Buffer).includes(Buffer.from('new.mail'))).toBe(false);

      // Rollback restores the customer as it was and removes what the import added.
      const rolled = await f.app.ingest.rollback(f.actor, report.batchId as string);
      expect(rolled).toMatchObject({ status: 'rolled_back', restored: 1, deleted: 0 });
      const after = await f.app.customers.get(f.actor, id, { reveal: ['email'], purpose: 'sales' });
      expect(after.fields.email).toBe('old.mail@example.cn');
      expect(after.fields.address).toBeUndefined();
      expect(after.purposes).toEqual(['sales']);
      await expect(f.app.ingest.rollback(f.actor, report.batchId as string)).rejects.toMatchObject({
        code: 'IMPORT_BATCH_STATE',
      });
    });

    it('keeps mobiles of Hong Kong, Macau, Taiwan and abroad in E.164: merged across forms, found, masked', async () => {
      const path = csv(`abroad-${target.engine}.csv`, [
        '个人,陈家豪,+852 9876 5432,,,香港九龙弥敦道1号,,,',
        '个人,陈家豪,00852-9876-5432,,hk.chan@example.hk,,,,',
        '个人,林志明,+886 0912 345 678,,,,,,',
        '个人,何嘉欣,853 6612 3456,,,,,,',
        '个人,Smith John,+1 (415) 555-0100,,,,,,',
        '个人,黄小明,+852 9876 543,,,,,,',
      ]);
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'] });
      expect(report.counts).toMatchObject({ read: 6, imported: 4, merged: 1, rejected: 1 });
      expect(report.counts.byReason).toEqual({ MOBILE_INTL_FORMAT: 1 });
      const mobile = report.columns.find((c) => c.field === 'mobile');
      expect(mobile?.validRate).toBeCloseTo(5 / 6, 3);
      // The report names no customer's number (its messages' examples are other numbers).
      expect(JSON.stringify(report)).not.toContain('9876');

      const [hk] = await f.app.customers.find(f.actor, { mobile: '(+852) 9876 5432' });
      expect(hk).toBeDefined();
      const v = await f.app.customers.get(f.actor, hk?.id as string, {
        reveal: ['mobile', 'email'],
        purpose: 'sales',
      });
      expect(v.fields).toMatchObject({ mobile: '+85298765432', email: 'hk.chan@example.hk' });
      const masked = await f.app.customers.get(f.actor, hk?.id as string);
      expect(masked.fields.mobile).toBe('+852 ****5432');
      expect(await f.app.customers.find(f.actor, { mobile: '+886 912-345-678' })).toHaveLength(1);
      expect(await f.app.customers.find(f.actor, { mobile: '+853 6612 3456' })).toHaveLength(1);
      expect(await f.app.customers.find(f.actor, { mobileLast4: '0100' })).toHaveLength(1);
    });

    it('rolls back a completed batch: its customers and every search entry they had go, others stay', async () => {
      const keep = await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['sales'],
        fields: { name: '留存者', mobile: '13600001111' },
      });
      const path = join(dir, `completed-${target.engine}.csv`);
      await generateSyntheticFile({
        count: 600,
        seed: 'rollback',
        dirtyRate: 0,
        format: 'csv',
        outPath: path,
      });
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'], chunkSize: 100 });
      const batchId = report.batchId as string;
      const db = f.app.kernel.store.db;
      const batchIds = (
        await db.selectFrom('customers').select('id').where('batch_id', '=', batchId).execute()
      ).map((r) => r.id);
      expect(batchIds.length).toBe(report.counts.imported + report.counts.companiesCreated);
      const entriesOfBatch = async () => {
        let n = 0;
        for (let i = 0; i < batchIds.length; i += 500) {
          const row = await db
            .selectFrom('blind_index')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('customer_id', 'in', batchIds.slice(i, i + 500))
            .executeTakeFirstOrThrow();
          n += Number(row.n);
        }
        return n;
      };
      const published = await entriesOfBatch();
      expect(published).toBeGreaterThan(batchIds.length);

      const rolled = await f.app.ingest.rollback(f.actor, batchId);
      expect(rolled).toMatchObject({ status: 'rolled_back', deleted: batchIds.length });
      expect(await entriesOfBatch()).toBe(0);
      const left = await db.selectFrom('customers').select('id').where('batch_id', '=', batchId).execute();
      expect(left).toEqual([]);
      const [found] = await f.app.customers.find(f.actor, { mobile: '13600001111' });
      expect(found?.id).toBe(keep);
      // On SQLite the published entries went first, in key order, each slice recorded with its count.
      const steps = await f.app.kernel.audit.query({ action: 'import.rollback.index', limit: 50 });
      const entries = steps.reduce((n, e) => n + Number(e.details.entries), 0);
      expect(steps.every((e) => e.details.batchId === batchId)).toBe(true);
      expect(entries).toBe(target.engine === 'sqlite' ? published : 0);
    });

    it('skips or overwrites duplicates on request', async () => {
      const id = await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['sales'],
        fields: { name: '诸葛明', mobile: '13700002222', email: 'keep@example.cn' },
      });
      const line = '个人,诸葛明,137-0000-2222,,other@example.cn,,,,';
      const skip = await f.app.ingest.run(f.actor, csv(`skip-${target.engine}.csv`, [line]), {
        purposes: ['sales'],
        onDuplicate: 'skip',
      });
      expect(skip.counts).toMatchObject({ skipped: 1, merged: 0, imported: 0 });
      const over = await f.app.ingest.run(f.actor, csv(`over-${target.engine}.csv`, [line, '']), {
        purposes: ['sales'],
        onDuplicate: 'overwrite',
      });
      expect(over.counts).toMatchObject({ merged: 1, conflicts: 0 });
      const v = await f.app.customers.get(f.actor, id, { reveal: ['email'], purpose: 'sales' });
      expect(v.fields.email).toBe('other@example.cn');
    });

    it('--lenient imports a row without its invalid cell and flags the customer', async () => {
      const lines = ['个人,公孙丽,13700003333,110105194912310021,gs.li@example.cn,,,,'];
      const strict = await f.app.ingest.run(f.actor, csv(`strict-${target.engine}.csv`, lines), {
        purposes: ['sales'],
      });
      expect(strict.counts).toMatchObject({ rejected: 1, imported: 0, byReason: { ID_CHECKSUM: 1 } });
      await f.app.ingest.rollback(f.actor, strict.batchId as string);
      const lenient = await f.app.ingest.run(
        f.actor,
        csv(`lenient-${target.engine}.csv`, [...lines, '   ']),
        {
          purposes: ['sales'],
          lenient: true,
        },
      );
      expect(lenient.counts).toMatchObject({ imported: 1, rejected: 0, flagged: 1 });
      const [found] = await f.app.customers.find(f.actor, { mobile: '13700003333' });
      const v = await f.app.customers.get(f.actor, found?.id as string);
      expect(v.flags).toEqual(['lenient:idNumber']);
      expect(v.fields.idNumber).toBeUndefined();
      expect(v.batchId).toBe(lenient.batchId);
      expect(v.source).toBe(`import:lenient-${target.engine}.csv`);
    });

    // On the worker thread too: its reader's error crosses back as the same AppError (file, row).
    it.each(['inline', 'thread'] as const)(
      'a failure midway (bad bytes under --encoding utf8) rolls the batch back (%s)',
      async (producer) => {
        const rows: string[] = [];
        for (let i = 0; i < 5000; i++) rows.push(`个人,测试${i},,,user${i}@example.cn,,,,`);
        const path = join(dir, `broken-${target.engine}-${producer}.csv`);
        writeFileSync(
          path,
          Buffer.concat([
            Buffer.from(`${[HEADER, ...rows].join('\r\n')}\r\n`),
            Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x2c, 0x0d, 0x0a]),
            Buffer.from('个人,最后,,,last@example.cn,,,,\r\n'),
          ]),
        );
        const before = await activeCustomers(f);
        const err = await f.app.ingest
          .run(f.actor, path, { purposes: ['sales'], encoding: 'utf8', chunkSize: 200, producer })
          .catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'IMPORT_BAD_ENCODING', details: { rolledBack: true } });
        expect(await activeCustomers(f)).toBe(before);
        const batchId = (err as { details: { batchId: string } }).details.batchId;
        const report = await f.app.ingest.report(f.actor, batchId);
        expect(report).toMatchObject({
          status: 'failed',
          rolledBack: true,
          error: { code: 'IMPORT_BAD_ENCODING' },
        });
        expect(report.rowsDone).toBeGreaterThan(1000);
        expect(report.counts.imported).toBeGreaterThan(1000);
        const events = await f.app.kernel.audit.query({ action: 'import.rollback*', limit: 10 });
        expect(events.some((e) => e.action === 'import.rollback' && e.details.batchId === batchId)).toBe(
          true,
        );
      },
    );

    it.each(['inline', 'thread'] as const)(
      'a stray quote near the end fails the file with its row and column and rolls the batch back (%s)',
      async (producer) => {
        const rows: string[] = [];
        for (let i = 0; i < 5000; i++) rows.push(`个人,测试${i},,,quote${i}@example.cn,,,,`);
        rows.push('个人,"末行,,,last@example.cn,,,,', '个人,被吞掉,,,eaten@example.cn,,,,');
        const path = join(dir, `stray-quote-${target.engine}-${producer}.csv`);
        writeFileSync(path, `${[HEADER, ...rows].join('\r\n')}\r\n`);
        const before = await activeCustomers(f);
        const err = await f.app.ingest
          .run(f.actor, path, { purposes: ['sales'], chunkSize: 200, producer })
          .catch((e: unknown) => e);
        // Header row 1, the 5,000 rows 2 to 5001: the quote opens column B of row 5002.
        expect(err).toMatchObject({
          code: 'IMPORT_FILE_CORRUPT',
          details: { row: 5002, column: 'B', rolledBack: true },
        });
        expect(await activeCustomers(f)).toBe(before);
      },
    );

    it("defers a batch's index to its end: matches across chunks all the same, searchable once complete", async () => {
      const path = csv(`deferred-${target.engine}.csv`, [
        '个人,甲一,13900000001,,a1@example.cn,,,,',
        '联系人,乙一,13900000002,,,,星辰科技有限公司,,',
        '个人,丙三,13900000003,,,,,,',
        '个人,丁四,13900000004,,,,,,',
        '个人,戊五,13900000005,,,,,,',
        '个人,己六,13900000006,,,,,,',
        '个人,庚七,13900000007,,,,,,',
        '个人,辛八,13900000008,,,,,,',
        '个人,甲一,139 0000 0001,,,浙江省杭州市西湖区文三路9号,,,',
        '联系人,乙二,13900000009,,,,星辰科技有限公司,,',
        '个人,壬九,13900000010,,,,,,',
      ]);
      const seen: Array<{ pending: number; found: number }> = [];
      let erasedMidway: string | undefined;
      // Customers whose rows hold search keys that no search entry carries yet.
      const pendingRows = async () =>
        Number(
          (
            await f.app.kernel.store.db
              .selectFrom('customers as c')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('c.index_keys', 'is not', null)
              .where(({ not, exists, selectFrom }) =>
                not(
                  exists(
                    selectFrom('blind_index as b').select('b.field').whereRef('b.customer_id', '=', 'c.id'),
                  ),
                ),
              )
              .executeTakeFirstOrThrow()
          ).n,
        );
      const heldBy = async (field: string, hash: Buffer) => {
        const rows = await f.app.kernel.store.db
          .selectFrom('customers')
          .select(['id', 'index_keys'])
          .execute();
        return rows.find((r) =>
          unpackIndexKeys(r.index_keys).some((k) => k.field === field && k.hash.equals(hash)),
        )?.id;
      };
      const report = await f.app.ingest.run(f.actor, path, {
        purposes: ['sales'],
        chunkSize: 4,
        onProgress: async () => {
          seen.push({
            pending: await pendingRows(),
            found: (await f.app.customers.find(f.actor, { mobile: '13900000001' })).length,
          });
          if (erasedMidway) return;
          // Erasing a customer of the running batch (丁四, found by the mobile key its row holds) takes
          // its keys too.
          const id = await heldBy('mobile', f.app.kernel.keys.blindIndex('mobile', '13900000004'));
          expect(id).toBeDefined();
          erasedMidway = id as string;
          await f.app.customers.erase(f.actor, erasedMidway, {
            reason: 'test: erased while its import runs',
          });
        },
      });
      // While the batch ran its customers were pending, not yet searchable...
      expect(seen[0]?.pending).toBeGreaterThan(0);
      expect(seen[0]?.found).toBe(0);
      // ...yet the later rows matched them: one merge, one company shared by both contacts.
      expect(report.counts).toMatchObject({ read: 11, imported: 10, merged: 1, companiesCreated: 1 });
      expect(await pendingRows()).toBe(0);
      const leftover = await f.app.kernel.store.db
        .selectFrom('blind_index')
        .select('field')
        .where('customer_id', '=', erasedMidway as string)
        .execute();
      expect(erasedMidway).toBeDefined();
      expect(leftover).toEqual([]);
      const found = await f.app.customers.find(f.actor, { mobile: '13900000001' });
      expect(found).toHaveLength(1);
      const merged = await f.app.customers.get(f.actor, found[0]?.id as string, {
        reveal: ['address'],
        purpose: 'sales',
      });
      expect(merged.fields.address).toBe('浙江省杭州市西湖区文三路9号');
      const parents = await f.app.kernel.store.db
        .selectFrom('customers')
        .select('parent_id')
        .where('batch_id', '=', report.batchId as string)
        .where('kind', '=', 'contact')
        .execute();
      expect(parents).toHaveLength(2);
      expect(new Set(parents.map((p) => p.parent_id)).size).toBe(1);
      // Each customer's row records exactly its search-index entries (what erasure deletes them by); the
      // customer erased while pending records none and has none.
      const entries = await f.app.kernel.store.db
        .selectFrom('blind_index')
        .select(['field', 'hash', 'customer_id'])
        .execute();
      const batchRows = await f.app.kernel.store.db
        .selectFrom('customers')
        .select(['id', 'index_keys'])
        .where('batch_id', '=', report.batchId as string)
        .execute();
      expect(batchRows).toHaveLength(11);
      for (const row of batchRows) {
        const recorded = unpackIndexKeys(row.index_keys).map((k) => `${k.field}|${k.hash.toString('hex')}`);
        const live = entries
          .filter((e) => e.customer_id === row.id)
          .map((e) => `${e.field}|${Buffer.from(e.hash).toString('hex')}`);
        expect(live.sort()).toEqual(recorded.sort());
        if (row.id === erasedMidway) expect(row.index_keys).toBeNull();
        else expect(recorded.length).toBeGreaterThan(0);
      }
      // What a resumed batch reloads to match its later rows: every key its customers' rows hold.
      const reloaded: string[] = [];
      for await (const keys of batchIndexKeys(f.app.kernel.store.db, f.actor.orgId, report.batchId as string))
        for (const k of keys) reloaded.push(`${k.customer_id}|${k.field}|${k.hash.toString('hex')}`);
      const batchIds = new Set(batchRows.map((r) => r.id));
      const expectedKeys = entries
        .filter((e) => batchIds.has(e.customer_id))
        .map((e) => `${e.customer_id}|${e.field}|${Buffer.from(e.hash).toString('hex')}`);
      expect(reloaded.length).toBeGreaterThan(20);
      expect(reloaded.sort()).toEqual(expectedKeys.sort());
      const named = await f.app.customers.find(f.actor, { companyName: '星辰科技有限公司' });
      expect(named.filter((c) => c.kind === 'company').map((c) => c.id)).toEqual([parents[0]?.parent_id]);
    });

    it('keeps rejected rows encrypted in the quarantine, masked unless revealed; rejects file has 错误原因', async () => {
      const badEmail = 'zz.quarantine.only@@example.cn';
      const badMobile = '1390013800';
      const path = csv(`quarantine-${target.engine}.csv`, [
        `个人,慕容复,13900138001,,${badEmail},,,,`,
        `个人,独孤求败,${badMobile},,dugu@example.cn,,,,`,
        '企业,,,,,,杭州示例二号有限公司,91350100M000100Y44,制造业',
      ]);
      const rejects = join(dir, `rejects-${target.engine}.xlsx`);
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'], rejectsFile: rejects });
      expect(report.counts).toMatchObject({
        rejected: 3,
        byReason: { EMAIL_FORMAT: 1, MOBILE_FORMAT: 1, USCC_CHECKSUM: 1 },
      });
      const batchId = report.batchId as string;

      const masked = await f.app.ingest.quarantine(f.actor, batchId);
      expect(masked.items).toHaveLength(3);
      expect(JSON.stringify(masked)).not.toContain(badEmail);
      expect(masked.items[0]?.reasons[0]).toMatchObject({
        code: 'EMAIL_FORMAT',
        column: 'E',
        header: '邮箱',
      });
      const revealed = await f.app.ingest.quarantine(f.actor, batchId, { reveal: true, purpose: 'sales' });
      expect(revealed.items[0]?.cells.find((c) => c.header === '邮箱')?.value).toBe(badEmail);
      // A token (or a signed-in person) states why before L4 cells (身份证号) are shown, as on a customer.
      const token: Actor = { ...f.actor, id: 'token:quarantine', kind: 'token' };
      await expect(
        f.app.ingest.quarantine(token, batchId, { reveal: true, purpose: 'sales' }),
      ).rejects.toMatchObject({ code: 'REASON_REQUIRED' });
      const why = await f.app.ingest.quarantine(token, batchId, {
        reveal: true,
        purpose: 'sales',
        reason: '核对导入错误',
      });
      expect(why.items[0]?.cells.find((c) => c.header === '邮箱')?.value).toBe(badEmail);
      const reveals = await f.app.kernel.store.db
        .selectFrom('audit_events')
        .select(['actor', 'details'])
        .where('action', '=', 'import.quarantine.reveal')
        .execute();
      expect(
        reveals.filter((e) => e.actor === 'token:quarantine').map((e) => JSON.parse(e.details).reason),
      ).toEqual(['核对导入错误']);

      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(rejects);
      const sheet = book.worksheets[0];
      if (!sheet) throw new Error('no worksheet in the rejects file');
      const header = (sheet.getRow(1).values as unknown[]).filter(Boolean);
      expect(header).toContain('错误原因');
      expect(String(sheet.getRow(2).getCell(header.length).value)).toContain('邮箱');

      const stored = target.engine === 'sqlite' ? undefined : pgDump(f.dbUrl as string);
      const hits =
        stored === undefined
          ? findInFiles(filesUnder(f.dataDir), plaintextForms(badEmail))
          : plaintextForms(badEmail)
              .filter((n) => stored.includes(n.bytes))
              .map((n) => n.label);
      expect(hits).toEqual([]);

      // Fixed and retried, the row becomes a customer of the batch; a discarded row loses its content.
      const fixed = await f.app.ingest.retry(f.actor, batchId, '3', { 手机: '13900138002' });
      expect(fixed.outcome).toBe('imported');
      const customer = await f.app.customers.get(f.actor, fixed.customerId as string);
      expect(customer.batchId).toBe(batchId);
      // Searchable at once: its batch completed long ago and will not publish again.
      const found = await f.app.customers.find(f.actor, { mobile: '13900138002' });
      expect(found.map((c) => c.id)).toEqual([fixed.customerId]);
      await expect(f.app.ingest.retry(f.actor, batchId, '2', { 邮箱: 'still@@bad' })).rejects.toMatchObject({
        code: 'IMPORT_ROW_STILL_INVALID',
      });
      await f.app.ingest.discard(f.actor, batchId, '2');
      const after = await f.app.ingest.report(f.actor, batchId);
      expect(after.quarantine).toEqual({ open: 1, fixed: 1, discarded: 1 });
    });

    it('rejects a row shifted by an unquoted comma (EXTRA_CELLS) and lets it be fixed by column letter', async () => {
      // 地址 "杭州市,西湖区" unquoted: the row's tail moves one column right, into J (no header).
      const path = csv(`shifted-${target.engine}.csv`, [
        '个人,令狐冲,13900138021,,linghu@example.cn,杭州市,西湖区,,,制造业',
        '个人,任盈盈,13900138022,,ren@example.cn,杭州市西湖区,,,',
      ]);
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'] });
      expect(report.counts).toMatchObject({
        read: 2,
        imported: 1,
        rejected: 1,
        byReason: { EXTRA_CELLS: 1 },
      });
      const batchId = report.batchId as string;
      const q = await f.app.ingest.quarantine(f.actor, batchId, { reveal: true, purpose: 'sales' });
      // The shift also put 西湖区 under 客户名称, which an individual cannot have.
      expect(q.items[0]?.reasons).toEqual([
        { code: 'EXTRA_CELLS', column: 'J', header: null, field: null },
        { code: 'FIELD_NOT_FOR_KIND', column: 'G', header: '客户名称', field: 'companyName' },
      ]);
      // Nothing of the row is lost: the cell beyond the headers is shown, under no header.
      expect(q.items[0]?.cells.at(-1)).toEqual({ column: 'J', header: '', value: '制造业' });
      // Still shifted while J holds content.
      await expect(
        f.app.ingest.retry(f.actor, batchId, '2', { 地址: '杭州市西湖区', G: '' }),
      ).rejects.toMatchObject({
        code: 'IMPORT_ROW_STILL_INVALID',
        details: { reasons: [{ code: 'EXTRA_CELLS', column: 'J' }] },
      });
      const fixed = await f.app.ingest.retry(f.actor, batchId, '2', { 地址: '杭州市西湖区', G: '', J: '' });
      expect(fixed.outcome).toBe('imported');
      const customer = await f.app.customers.get(f.actor, fixed.customerId as string, {
        reveal: ['name', 'address'],
        purpose: 'sales',
      });
      expect(customer.fields).toMatchObject({ name: '令狐冲', address: '杭州市西湖区' });
    });

    it('a team-scoped user cannot merge into customers outside its scope (无权覆盖); its new customers are its own', async () => {
      await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['sales'],
        fields: { name: '夏侯惇', mobile: '13700004444' },
      });
      const manager: Actor = {
        id: 'user:m1',
        kind: 'user',
        orgId: f.actor.orgId,
        roles: ['manager'],
        userId: 'm1',
        team: 'east',
      };
      const report = await f.app.ingest.run(
        manager,
        csv(`scope-${target.engine}.csv`, [
          '个人,夏侯惇,13700004444,,x@example.cn,,,,',
          '个人,夏侯渊,13700005555,,,,,,',
        ]),
        // Through the worker thread: the blocked row must reach the quarantine with its cells.
        { purposes: ['sales'], producer: 'thread' },
      );
      expect(report.counts).toMatchObject({
        imported: 1,
        merged: 0,
        rejected: 1,
        byReason: { DUPLICATE_OUT_OF_SCOPE: 1 },
      });
      const mine = await f.app.kernel.store.db
        .selectFrom('customers')
        .select('owner_id')
        .where('batch_id', '=', report.batchId as string)
        .execute();
      expect(mine).toEqual([{ owner_id: 'm1' }]);
      const q = await f.app.ingest.quarantine(f.actor, report.batchId as string);
      expect(q.items[0]?.reasons[0]?.code).toBe('DUPLICATE_OUT_OF_SCOPE');
      expect(q.items[0]?.cells.map((c) => c.header)).toContain('手机');
      expect(q.items[0]?.cells.find((c) => c.header === '手机')?.value).toMatch(/^137\*+4444$/);
    });
  });
}
