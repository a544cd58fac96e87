import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgIndexNumber } from '../../src/kernel/store/org-index-number.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

// Lists from Hong Kong and Taiwan spell names in traditional characters; a mainland list spells the same
// person or company in simplified ones. Names are matched in simplified form, so they merge and link.

const dir = mkdtempSync(join(tmpdir(), 'custodian-traditional-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `\ufeff${['客户类型,客户名称,姓名,手机', ...lines].join('\r\n')}\r\n`);
  return path;
}

for (const target of engines()) {
  describe(`traditional and simplified names on ${target.engine}`, () => {
    let f: AppFixture;

    beforeAll(async () => {
      f = await freshApp(target);
    });
    afterAll(async () => f?.cleanup());

    it('merges a person and links contacts to a company written in the other script', async () => {
      const first = await f.app.ingest.run(
        f.actor,
        csv(`hk-${target.engine}.csv`, ['个人,,陳敏鳳,13900138061', '企业,臺灣積體電路製造股份有限公司,,']),
        { purposes: ['sales'] },
      );
      expect(first.counts).toMatchObject({ imported: 2, merged: 0 });

      const second = await f.app.ingest.run(
        f.actor,
        csv(`cn-${target.engine}.csv`, [
          '个人,,陈敏凤,139 0013 8061',
          '联系人,台湾积体电路制造股份有限公司,林志玲,13900138062',
        ]),
        { purposes: ['sales'] },
      );
      expect(second.counts).toMatchObject({
        imported: 1,
        merged: 1,
        mergedWithStore: 1,
        companiesCreated: 0,
      });

      const [company] = await f.app.customers.find(f.actor, { companyName: '台湾积体电路制造股份有限公司' });
      const [sameCompany] = await f.app.customers.find(f.actor, {
        companyName: '臺灣積體電路製造股份有限公司',
      });
      expect(company).toBeDefined();
      expect(sameCompany?.id).toBe(company?.id);
      const contact = await f.app.kernel.store.db
        .selectFrom('customers')
        .select('parent_id')
        .where('batch_id', '=', second.batchId as string)
        .where('kind', '=', 'contact')
        .executeTakeFirstOrThrow();
      expect(contact.parent_id).toBe(company?.id);

      // The values stay as each list wrote them; only matching folds them.
      const person = await f.app.customers.find(f.actor, { name: '陈敏凤' });
      expect(person).toHaveLength(1);
      const shown = await f.app.customers.get(f.actor, person[0]?.id as string, {
        reveal: ['name'],
        purpose: 'sales',
      });
      expect(shown.fields.name).toBe('陳敏鳳');
    });

    it('still finds and merges a customer indexed in traditional form before names were folded', async () => {
      const report = await f.app.ingest.run(
        f.actor,
        csv(`old-${target.engine}.csv`, ['个人,,黃麗華,13900138071']),
        {
          purposes: ['sales'],
        },
      );
      const db = f.app.kernel.store.db;
      const { id } = await db
        .selectFrom('customers')
        .select('id')
        .where('batch_id', '=', report.batchId as string)
        .executeTakeFirstOrThrow();
      // Its name entry as an earlier version wrote it: the traditional form's keyed hash.
      const keys = f.app.kernel.keys;
      const orgNo = orgIndexNumber(f.actor.orgId);
      await db
        .updateTable('blind_index')
        .set({ hash: keys.blindIndex('name', '黃麗華') })
        .where('org_no', '=', orgNo)
        .where('field', '=', 'name')
        .where('hash', '=', keys.blindIndex('name', '黄丽华'))
        .execute();

      expect((await f.app.customers.find(f.actor, { name: '黃麗華' })).map((c) => c.id)).toEqual([id]);
      const again = await f.app.ingest.run(
        f.actor,
        csv(`again-${target.engine}.csv`, ['个人,,黃麗華,13900138071']),
        {
          purposes: ['sales'],
        },
      );
      expect(again.counts).toMatchObject({ imported: 0, merged: 1, mergedWithStore: 1 });
    });
  });
}
