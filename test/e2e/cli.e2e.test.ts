import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'custodian');
const dirs: string[] = [];

function cli(
  args: string[],
  env: Record<string, string> = {},
): { code: number; stdout: string; stderr: string; json: () => unknown } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'custodian-cli-'));
  dirs.push(d);
  return join(d, 'data');
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the documented CLI flow (compiled bin/custodian)', () => {
  it('init -> purpose add -> customer add -> find -> get --reveal -> erase -> audit verify, with --json', () => {
    const D = dataDir();
    const init = cli(['init', '--data', D, '--json']);
    expect(init.code).toBe(0);
    const initOut = init.json() as { orgId: string; adminToken: string };
    expect(initOut.orgId).toMatch(/^[0-9a-f-]{36}$/);
    expect(initOut.adminToken).toMatch(/^cst_/);
    expect(statSync(join(D, 'custodian.key')).mode & 0o777).toBe(0o600);
    expect(cli(['init', '--data', D, '--json']).code).toBe(5);

    const env = { CUSTODIAN_DATA: D };
    expect(
      cli(
        ['purpose', 'add', '--key', 'sales', '--name', '销售服务', '--basis', 'consent', '--retention', '3y'],
        env,
      ).code,
    ).toBe(0);
    const add = cli(
      [
        'customer',
        'add',
        '--kind',
        'individual',
        '--purpose',
        'sales',
        '--field',
        'name=张三',
        '--field',
        'mobile=13800138000',
        '--field',
        'idNumber=11010519491231002X',
        '--json',
      ],
      env,
    );
    expect(add.code).toBe(0);
    const { id } = add.json() as { id: string };
    expect(add.stdout.trim()).toBe(JSON.stringify({ id }));

    const find = cli(['customer', 'find', '--mobile', '+86 138-0013-8000', '--json'], env);
    expect(find.code).toBe(0);
    const matches = find.json() as Array<{ id: string; display: Record<string, string> }>;
    expect(matches.map((m) => m.id)).toEqual([id]);
    expect(matches[0]?.display.mobile).toBe('138****8000');

    const masked = cli(['customer', 'get', id, '--json'], env).json() as { fields: Record<string, string> };
    expect(masked.fields.idNumber).toBe('110***********002X');
    const revealed = cli(
      ['customer', 'get', id, '--reveal', 'idNumber', '--purpose', 'sales', '--json'],
      env,
    );
    expect(revealed.code).toBe(0);
    expect((revealed.json() as { fields: Record<string, string> }).fields.idNumber).toBe(
      '11010519491231002X',
    );

    const log = cli(['audit', 'log', '--customer', id, '--json'], env).json() as Array<{
      action: string;
      purpose: string | null;
    }>;
    expect(log.find((e) => e.action === 'customer.reveal')?.purpose).toBe('sales');

    const verify = cli(['audit', 'verify', '--json'], env);
    expect(verify.code).toBe(0);
    expect(verify.json()).toMatchObject({ ok: true });

    const reindex = cli(['keys', 'reindex', '--batch-size', '50', '--json'], env);
    expect(reindex.code).toBe(0);
    expect(reindex.json()).toEqual({ customers: 1, changed: 0 });
    // A flag's value out of range is a usage error, like any other bad flag value.
    const zero = cli(['keys', 'reindex', '--batch-size', '0', '--json'], env);
    expect(zero.code).toBe(2);
    expect(zero.json()).toMatchObject({ error: { code: 'USAGE' } });

    const erase = cli(['customer', 'erase', id, '--reason', '客户要求删除', '--json'], env);
    expect(erase.code).toBe(0);
    const gone = cli(['customer', 'get', id, '--json'], env);
    expect(gone.code).toBe(10);
    expect(gone.json()).toMatchObject({ error: { code: 'CUSTOMER_ERASED' } });
    expect(JSON.stringify(gone.json())).toContain((erase.json() as { erasedAt: string }).erasedAt);
  });

  it('exits with distinct codes per error class and keeps stdout clean JSON', () => {
    const D = dataDir();
    expect(cli(['customer', 'list', '--data', D, '--json']).code).toBe(2);
    expect(cli(['init', '--data', D, '--json']).code).toBe(0);
    const env = { CUSTODIAN_DATA: D };
    const bad = cli(
      ['customer', 'add', '--kind', 'individual', '--purpose', 'sales', '--field', 'mobile=12345', '--json'],
      env,
    );
    expect(bad.code).toBe(4); // the purpose does not exist yet: not found
    expect(
      cli(
        ['purpose', 'add', '--key', 'sales', '--name', '销售', '--basis', 'consent', '--retention', '1y'],
        env,
      ).code,
    ).toBe(0);
    const invalid = cli(
      ['customer', 'add', '--kind', 'individual', '--purpose', 'sales', '--field', 'mobile=12345', '--json'],
      env,
    );
    expect(invalid.code).toBe(3);
    expect(invalid.json()).toMatchObject({ error: { code: 'FIELD_INVALID', details: { field: 'mobile' } } });
    expect(invalid.stdout).not.toContain('12345');
    expect(cli(['customer', 'get', '01a00000-0000-7000-8000-000000000000', '--json'], env).code).toBe(4);
    expect(cli(['customer', 'frobnicate'], env).code).toBe(2);
    const unknownField = cli(
      [
        'customer',
        'add',
        '--kind',
        'individual',
        '--purpose',
        'sales',
        '--field',
        'nickname=x',
        '--lang',
        'en',
      ],
      env,
    );
    expect(unknownField.code).toBe(3);
    expect(unknownField.stderr).toContain('Unknown field "nickname"');
  });

  it('refuses a missing key file and a tampered audit trail with their exit codes', () => {
    const D = dataDir();
    cli(['init', '--data', D]);
    const env = { CUSTODIAN_DATA: D };
    const db = new Database(join(D, 'custodian.db'));
    db.prepare("UPDATE audit_events SET actor = 'cli:mallory' WHERE seq = 2").run();
    db.close();
    const verify = cli(['audit', 'verify', '--json'], env);
    expect(verify.code).toBe(8);
    expect(verify.json()).toMatchObject({ ok: false, firstBadSeq: 2 });
    rmSync(join(D, 'custodian.key'));
    const r = cli(['customer', 'list'], env);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain('KEY_FILE_MISSING');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
