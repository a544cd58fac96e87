import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main.js';

const root = mkdtempSync(join(tmpdir(), 'custodian-cli-options-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const D = join(root, 'data');

async function cli(args: string[]) {
  let stdout = '';
  const code = await runCli(['node', 'custodian', ...args, '--data', D, '--json'], {
    stdout: (s) => {
      stdout += s;
    },
    stderr: () => {},
    stderrIsTty: false,
  });
  return { code, json: () => JSON.parse(stdout) as Record<string, unknown> & { error?: ErrorBody } };
}

interface ErrorBody {
  code: string;
  messageEn: string;
  message: string;
}

async function errorOf(args: string[], exit: number): Promise<ErrorBody> {
  const r = await cli(args);
  expect(r.code).toBe(exit);
  return r.json().error as ErrorBody;
}

const CSV = '姓名,手机号\n张伟,13812345678\n李娜,13912345678\n';

beforeAll(async () => {
  expect((await cli(['init'])).code).toBe(0);
  expect(
    (
      await cli([
        'purpose',
        'add',
        '--key',
        'sales',
        '--name',
        '销售服务',
        '--basis',
        'contract',
        '--retention',
        '3y',
      ])
    ).code,
  ).toBe(0);
  writeFileSync(join(root, '客户.csv'), CSV);
});

describe('numeric options are whole numbers in range, refused with the flag named (exit 2)', () => {
  it.each([
    [['customer', 'list', '--limit', 'abc'], '--limit', '1 to 500'],
    [['customer', 'list', '--limit', '0'], '--limit', '1 to 500'],
    [['customer', 'list', '--limit', '9999'], '--limit', '1 to 500'],
    [['import', 'list', '--limit', '2.5'], '--limit', '1 to 500'],
    [['audit', 'log', '--limit', '1e3'], '--limit', '1 to 10000'],
    [['audit', 'log', '--after', '-1'], '--after', 'from 0'],
    [
      ['import', join(root, '客户.csv'), '--purpose', 'sales', '--chunk-size', '0'],
      '--chunk-size',
      '1 to 10000',
    ],
    [['keys', 'rotate', '--batch-size', '0'], '--batch-size', '1 to 10000'],
    [
      ['token', 'create', '--name', 'x', '--role', 'auditor', '--expires-days', 'abc'],
      '--expires-days',
      '1 to 3650',
    ],
  ])('%j', async (args, flag, range) => {
    const err = await errorOf(args, 2);
    expect(err.code).toBe('USAGE');
    expect(err.messageEn).toContain(flag);
    expect(err.messageEn).toContain(range);
  });

  it.each([
    [['customer', 'list', '--status', 'bogus'], 'active, erased, restricted'],
    [['import', 'quarantine', 'any-batch', '--status', 'closed'], 'open, fixed, discarded'],
  ])(
    'a status that is none of the known ones is refused, not answered with an empty list: %j',
    async (args, known) => {
      const err = await errorOf(args, 2);
      expect(err.code).toBe('USAGE');
      expect(err.messageEn).toContain(`--status must be ${known}`);
    },
  );

  it('takes the numbers it accepts: a page of one, a chunk of one', async () => {
    const imported = await cli(['import', join(root, '客户.csv'), '--purpose', 'sales', '--chunk-size', '1']);
    expect(imported.code).toBe(0);
    expect(imported.json()).toMatchObject({ imported: 2, rejected: 0 });
    const page = await cli(['customer', 'list', '--limit', '1']);
    expect(page.code).toBe(0);
    expect(page.json()).toMatchObject({ items: [expect.any(Object)], nextCursor: expect.any(String) });
  });
});

describe('mistakes that used to pass in silence', () => {
  it('a --mapping target that is no field is refused before a batch exists', async () => {
    const before = (await cli(['import', 'list'])).json() as unknown as unknown[];
    const err = await errorOf(
      ['import', join(root, '客户.csv'), '--purpose', 'sales', '--mapping', '{"姓名":"nope"}'],
      3,
    );
    expect(err.code).toBe('IMPORT_MAPPING_INVALID');
    expect(err.messageEn).toContain('"nope"');
    expect((await cli(['import', 'list'])).json()).toHaveLength(before.length);
  });

  it('--sheet naming another sheet of a text file is IMPORT_SHEET_NOT_FOUND listing its one sheet', async () => {
    const err = await errorOf(
      ['import', join(root, '客户.csv'), '--purpose', 'sales', '--sheet', 'Sheet2'],
      4,
    );
    expect(err.code).toBe('IMPORT_SHEET_NOT_FOUND');
    expect(err.message).toContain('“客户”');
    // The file's own name is its sheet, matched loosely as on a workbook.
    const dry = await cli([
      'import',
      join(root, '客户.csv'),
      '--purpose',
      'sales',
      '--sheet',
      ' 客户 ',
      '--dry-run',
    ]);
    expect(dry.code).toBe(0);
  });

  it('export --batch with an unknown batch id is IMPORT_BATCH_NOT_FOUND, and writes no file', async () => {
    const out = join(root, 'none.csv');
    const err = await errorOf(['export', '--out', out, '--batch', '0190a6f0-0000-7000-8000-000000000000'], 4);
    expect(err.code).toBe('IMPORT_BATCH_NOT_FOUND');
    expect(existsSync(out)).toBe(false);
  });

  it('export and generate refuse a --format that contradicts the file name, and follow the name without one', async () => {
    const exported = await errorOf(['export', '--out', join(root, 'x.xlsx'), '--format', 'csv'], 2);
    expect(exported.messageEn).toContain('--format csv does not match');
    const generated = await errorOf(
      ['generate', '--count', '3', '--format', 'csv', '--out', join(root, 'g.xlsx')],
      2,
    );
    expect(generated.code).toBe('USAGE');
    expect(existsSync(join(root, 'g.xlsx'))).toBe(false);
    expect((await cli(['generate', '--count', '3', '--out', join(root, 'g.xlsx')])).code).toBe(0);
    // An xlsx file is a zip archive: PK, not a CSV header.
    expect(readFileSync(join(root, 'g.xlsx')).subarray(0, 2).toString('latin1')).toBe('PK');
  });
});
