import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main.js';

const root = mkdtempSync(join(tmpdir(), 'custodian-user-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; json: () => unknown }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'custodian', ...args], {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    stderrIsTty: false,
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

describe('custodian user | role | access review (in-process CLI)', () => {
  const D = join(root, 'data');

  it('init creates the console admin with a one-time password, keeping every earlier JSON key', async () => {
    const init = await cli(['init', '--data', D, '--json']);
    expect(init.code).toBe(0);
    const out = init.json() as Record<string, string>;
    expect(Object.keys(out)).toEqual(
      expect.arrayContaining([
        'orgId',
        'dataDir',
        'keyProvider',
        'adminToken',
        'adminTokenId',
        'adminUser',
        'adminPassword',
      ]),
    );
    expect(out.adminUser).toBe('admin');
    expect(out.adminPassword).toMatch(/^[\w]{4}-[\w]{4}-[\w]{4}-[\w]{4}$/);
    const list = await cli(['user', 'list', '--data', D, '--json']);
    expect(list.json()).toEqual([
      expect.objectContaining({
        username: 'admin',
        roles: ['admin'],
        mustChangePassword: true,
        totpEnrolled: false,
      }),
    ]);
  });

  it('adds, lists, re-roles, resets and disables users; refuses incompatible roles', async () => {
    const add = await cli([
      'user',
      'add',
      '--data',
      D,
      '--username',
      'li.si',
      '--display-name',
      '李四',
      '--role',
      'sales',
      '--team',
      'east',
      '--json',
    ]);
    expect(add.code).toBe(0);
    const user = add.json() as { id: string; oneTimePassword: string; team: string };
    expect(user).toMatchObject({ username: 'li.si', roles: ['sales'], team: 'east' });
    expect(user.oneTimePassword).toMatch(/-/);
    const bad = await cli([
      'user',
      'add',
      '--data',
      D,
      '--username',
      'x.y',
      '--role',
      'admin,auditor',
      '--json',
    ]);
    expect(bad.code).toBe(3);
    expect(bad.json()).toMatchObject({ error: { code: 'ROLES_INCOMPATIBLE' } });
    expect(
      (await cli(['user', 'add', '--data', D, '--username', 'li.si', '--role', 'sales', '--json'])).code,
    ).toBe(5);
    const roles = await cli(['user', 'roles', 'li.si', '--data', D, '--role', 'manager', '--json']);
    expect(roles.json()).toMatchObject({ roles: ['manager'] });
    const reset = await cli(['user', 'reset-password', 'li.si', '--data', D, '--json']);
    expect((reset.json() as { oneTimePassword: string }).oneTimePassword).not.toBe(user.oneTimePassword);
    const off = await cli(['user', 'disable', 'li.si', '--data', D, '--json']);
    expect(off.json()).toMatchObject({ status: 'disabled' });
    expect((await cli(['user', 'disable', 'nobody', '--data', D, '--json'])).code).toBe(4);
  });

  it('lists built-in roles and adds a validated custom role', async () => {
    const list = (await cli(['role', 'list', '--data', D, '--json'])).json() as Array<{ key: string }>;
    expect(list.map((r) => r.key)).toEqual(['admin', 'dpo', 'manager', 'sales', 'service', 'auditor']);
    const add = await cli([
      'role',
      'add',
      '--data',
      D,
      '--key',
      'telesales',
      '--name',
      '电销',
      '--grant',
      'customer.read=L2',
      '--grant',
      'customer.reveal=L3',
      '--grant',
      'catalog.read',
      '--scope',
      'own',
      '--json',
    ]);
    expect(add.code).toBe(0);
    expect(add.json()).toMatchObject({ key: 'telesales', scope: 'own', duties: ['operation'] });
    const mixed = await cli([
      'role',
      'add',
      '--data',
      D,
      '--key',
      'superuser',
      '--name',
      'x',
      '--grant',
      'customer.read=L4',
      '--grant',
      'user.manage',
      '--json',
    ]);
    expect(mixed.json()).toMatchObject({ error: { code: 'ROLES_INCOMPATIBLE' } });
    const badGrade = await cli([
      'role',
      'add',
      '--data',
      D,
      '--key',
      'odd',
      '--name',
      'x',
      '--grant',
      'catalog.read=L2',
      '--json',
    ]);
    expect(badGrade.json()).toMatchObject({ error: { code: 'ROLE_INVALID' } });
    const user = await cli([
      'user',
      'add',
      '--data',
      D,
      '--username',
      'wang.wu',
      '--role',
      'telesales',
      '--json',
    ]);
    expect(user.json()).toMatchObject({ roles: ['telesales'] });
  });

  it('access review as JSON and CSV', async () => {
    const csvFile = join(root, 'review.csv');
    const review = await cli(['access', 'review', '--data', D, '--csv', csvFile, '--json']);
    expect(review.code).toBe(0);
    const r = review.json() as {
      users: Array<{ username: string; totpRequired: boolean }>;
      withoutTotp: string[];
    };
    expect(r.users.map((u) => u.username)).toEqual(['admin', 'li.si', 'wang.wu']);
    expect(r.withoutTotp).toEqual(['admin', 'wang.wu']);
    expect(readFileSync(csvFile, 'utf8')).toContain('wang.wu');
  });
});
