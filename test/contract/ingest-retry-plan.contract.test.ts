import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

// A quarantined row, fixed and retried, must be read with the columns its import used: a custom field
// the import created, a 电话 column its content made the landline. Otherwise the retry drops those values.

const dir = mkdtempSync(join(tmpdir(), 'custodian-retry-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const target of engines()) {
  describe(`retrying a quarantined row on ${target.engine}`, () => {
    let f: AppFixture;

    beforeAll(async () => {
      f = await freshApp(target);
    });
    afterAll(async () => f?.cleanup());

    it('keeps the values of columns the import mapped by content or to custom fields', async () => {
      const path = join(dir, `fair-${target.engine}.csv`);
      writeFileSync(
        path,
        [
          '姓名,手机,电话,展位号',
          '寅一,13900138071,010-65521001,A01',
          '寅二,1390013807,010-65521002,A02',
          '寅三,13900138073,0571-88881003,A03',
        ].join('\r\n'),
      );
      const report = await f.app.ingest.run(f.actor, path, { purposes: ['sales'], createFields: true });
      expect(report.columns.map((c) => c.field)).toEqual(['name', 'mobile', 'landline', expect.any(String)]);
      const custom = report.columns[3]?.field as string;
      expect(report.counts).toMatchObject({ imported: 2, rejected: 1, byReason: { MOBILE_FORMAT: 1 } });

      const retried = await f.app.ingest.retry(f.actor, report.batchId as string, '3', {
        手机: '13900138072',
      });
      expect(retried.outcome).toBe('imported');
      const customer = await f.app.customers.get(f.actor, retried.customerId as string, {
        reveal: ['mobile', 'landline', custom],
        purpose: 'sales',
      });
      expect(customer.fields).toMatchObject({
        mobile: '13900138072',
        landline: '010-65521002',
        [custom]: 'A02',
      });
    });
  });
}
