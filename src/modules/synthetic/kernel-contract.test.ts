import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isLikelyChineseAddress,
  isLikelyChineseName,
  validateBankCard,
  validateEmail,
  validateIdNumber,
  validateLandline,
  validateMobile,
  validateUscc,
} from '../../kernel/identifiers/index.js';
import { generateCustomers, generateSyntheticFile } from './index.js';
import { HEADERS } from './table.js';

/**
 * The generator's promises are only useful if the validators the importer uses agree with them: clean
 * values pass, each defect yields exactly the reason code the sidecar announces.
 */

const dir = mkdtempSync(join(tmpdir(), 'custodian-synthetic-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kernel validators', () => {
  it('accept every clean generated value', () => {
    let names = 0;
    let namesRecognised = 0;
    for (const { kind, fields } of generateCustomers({ count: 6000, seed: 'contract' })) {
      const ok = (validation: { ok: boolean }): boolean => validation.ok;
      if (kind !== 'company') {
        expect(ok(validateMobile(fields.mobile ?? ''))).toBe(true);
        expect(ok(validateEmail(fields.email ?? ''))).toBe(true);
        names++;
        if (isLikelyChineseName(fields.name ?? '') >= 0.5) namesRecognised++;
      }
      if (kind === 'individual') {
        const id = validateIdNumber(fields.idNumber ?? '');
        expect(id.ok).toBe(true);
        if (id.ok) {
          expect(id.info.regionPrecision).toBe('prefecture');
          expect(id.info.birthDate).toBe(fields.birthday);
          expect(id.info.sex).toBe(fields.gender === '男' ? 'M' : 'F');
        }
        const card = validateBankCard(fields.bankCard ?? '');
        expect(card.ok && card.info.luhn && card.info.unionPay).toBe(true);
      }
      if (kind !== 'individual') {
        const uscc = validateUscc(fields.uscc ?? '');
        expect(uscc.ok && uscc.info.orgCodeValid).toBe(true);
      }
      if (kind !== 'contact')
        expect(isLikelyChineseAddress(fields.address ?? '')).toBeGreaterThanOrEqual(0.9);
      if (kind === 'company') expect(ok(validateLandline(fields.landline ?? ''))).toBe(true);
    }
    // The name heuristic's surname table need not hold every real surname (it lacks 肖 at the time of
    // writing); a column classifier looks at the share, so the share is what must hold.
    expect(namesRecognised / names).toBeGreaterThan(0.98);
  });

  it('reject each dirty row with the reason the sidecar counts', async () => {
    const outPath = join(dir, 'contract.csv');
    const summary = await generateSyntheticFile({
      count: 6000,
      seed: 'contract',
      dirtyRate: 0.25,
      format: 'csv',
      outPath,
    });
    const rows = Papa.parse<string[]>(readFileSync(outPath, 'utf8').replace(/^\uFEFF/, ''), {
      skipEmptyLines: 'greedy',
    }).data.slice(1);
    const at = (name: string): number => HEADERS.indexOf(name);
    const byReason: Record<string, number> = {};
    const canonical = new Map<string, string>();
    let merged = 0;
    for (const row of rows) {
      const cell = (name: string): string => row[at(name)] ?? '';
      const kind = cell('客户类型');
      const checks = [
        kind === '个人' ? validateIdNumber(cell('身份证号')) : undefined,
        kind !== '企业' ? validateMobile(cell('手机')) : undefined,
        kind !== '企业' ? validateEmail(cell('邮箱')) : undefined,
        validateUscc(cell('统一社会信用代码')),
      ];
      const failures = checks.filter((v) => v !== undefined && !v.ok && v.reason !== 'EMPTY');
      expect(failures.length).toBeLessThanOrEqual(1);
      const failure = failures[0];
      if (failure !== undefined && !failure.ok) {
        byReason[failure.reason] = (byReason[failure.reason] ?? 0) + 1;
        continue;
      }
      if (kind !== '个人') continue;
      // Duplicates normalise to the very values of their original.
      const [id, mobile, email] = checks;
      const key = id?.ok ? id.value : '';
      // The catalog closes up a Chinese name padded with spaces (张  三).
      const value = [
        cell('姓名').replace(/\s+/g, ''),
        mobile?.ok ? mobile.value : '',
        email?.ok ? email.value : '',
      ].join('|');
      const earlier = canonical.get(key);
      if (earlier === undefined) canonical.set(key, value);
      else {
        merged++;
        expect(value).toBe(earlier);
      }
    }
    expect(byReason).toEqual(summary.expected.byReason);
    expect(merged).toBe(summary.expected.merged);
    expect(rows.length).toBe(summary.expected.read);
  });
});
