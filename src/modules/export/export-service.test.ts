import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppFixture, freshApp } from '../../../test/support/app-fixture.js';
import { engines } from '../../../test/support/engines.js';
import { exportResultText } from './export-cli.js';

describe('export service', () => {
  let f: AppFixture;
  let withBasis: string;
  let withoutBasis: string;
  const out = (name: string): string => join(f.dataDir, name);
  const pageOf = async (exportId: string) =>
    (await f.app.kernel.audit.query({ action: 'customer.export', limit: 50 })).find(
      (e) => e.details.exportId === exportId,
    );

  beforeAll(async () => {
    const [sqlite] = engines();
    if (!sqlite) throw new Error('no engine');
    f = await freshApp(sqlite);
    withBasis = await f.app.customers.create(f.actor, {
      kind: 'individual',
      purposes: ['sales'],
      fields: { name: '皇甫嵩', mobile: '13912340011', industry: '零售 ¥9.9 专区' },
    });
    withoutBasis = await f.app.customers.create(f.actor, {
      kind: 'individual',
      purposes: ['contract'],
      fields: { name: '诸葛瑾', mobile: '13912340012', industry: '¥¥ 批发' },
    });
  });
  afterAll(async () => f?.cleanup());

  it('audits a masked export as revealing nothing to no one', async () => {
    const result = await f.app.exports.exportCustomers(f.actor, {
      out: out('masked.csv'),
      fields: ['name', 'mobile'],
    });
    expect(result).toMatchObject({ rows: 2, revealed: [], maskedNoBasis: 0 });
    const page = await pageOf(result.exportId);
    expect(page?.subjects.sort()).toEqual([withBasis, withoutBasis].sort());
    expect(page?.details).toMatchObject({ revealed: [], revealedFor: 0, maskedNoBasis: 0 });
    // A purpose given without a reveal reveals nothing either.
    const withPurpose = await f.app.exports.exportCustomers(f.actor, {
      out: out('masked-purpose.csv'),
      fields: ['name', 'mobile'],
      purpose: 'sales',
    });
    expect((await pageOf(withPurpose.exportId))?.details).toMatchObject({ revealedFor: 0, maskedNoBasis: 0 });
  });

  it('audits a revealing export as revealed for the customers with a basis only', async () => {
    const result = await f.app.exports.exportCustomers(f.actor, {
      out: out('revealed.csv'),
      fields: ['name', 'mobile'],
      reveal: ['mobile'],
      purpose: 'sales',
    });
    expect(result).toMatchObject({ revealed: ['mobile'], maskedNoBasis: 1 });
    expect((await pageOf(result.exportId))?.details).toMatchObject({
      revealed: ['mobile'],
      revealedFor: 1,
      maskedNoBasis: 1,
    });
  });

  it('GBK: counts each ¥ written as ￥, and the command line says a character changed', async () => {
    const result = await f.app.exports.exportCustomers(f.actor, {
      out: out('gbk.csv'),
      fields: ['name', 'industry'],
      encoding: 'gbk',
    });
    const text = iconv.decode(readFileSync(out('gbk.csv')), 'gbk');
    expect(text).toContain('零售 ￥9.9 专区');
    expect(text).toContain('￥￥ 批发');
    expect(result).toMatchObject({ substituted: 3, unencodable: 0 });
    expect(exportResultText(result, true)).toContain('3 个字符 GBK 中没有，已写为全角形式（¥ 写为 ￥）');
    expect(exportResultText(result, false)).toContain('3 characters do not exist in GBK');

    const utf8 = await f.app.exports.exportCustomers(f.actor, {
      out: out('utf8.csv'),
      fields: ['name', 'industry'],
    });
    expect(utf8).toMatchObject({ substituted: 0, unencodable: 0 });
    expect(exportResultText(utf8, false)).not.toContain('GBK');
    expect(readFileSync(out('utf8.csv'), 'utf8')).toContain('零售 ¥9.9 专区');
  });
});
