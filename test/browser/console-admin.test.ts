import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED } from '../support/app-fixture.js';
import {
  type Browser,
  consoleHelpers,
  exportReady,
  openBrowser,
  STRONG_PASSWORD,
  screenshot,
  startConsoleServer,
  totpCode,
} from './browser-support.js';

// The console's admin flows (quarantine fixes, user administration, export approvals), on a server of
// their own: same setup as console-flows.test.ts.
const s = await startConsoleServer();
afterAll(() => s.stop());

const { admin, createUser, activate, signIn, signOut, pick, previewImport } = consoleHelpers(s);
const PASSWORD = STRONG_PASSWORD;

/** After a change in the preview the confirm waits; a new preview then counts `imported` rows. */
async function previewAgain(page: Page, imported: string): Promise<void> {
  await page.getByTestId('mapping-changed').waitFor();
  expect(await page.getByTestId('import-confirm').isDisabled()).toBe(true);
  await page.getByTestId('import-preview').click();
  await expect.poll(() => page.getByTestId('count-imported').textContent()).toBe(imported);
}

/** 确认导入, and the count of imported rows the result shows. */
async function confirmImport(page: Page, imported: string): Promise<void> {
  await page.getByTestId('import-confirm').click();
  await page.getByTestId('import-done').waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('count-imported').textContent()).toBe(imported);
}

/** An account made by the admin token, its password set through the API (first sign-in not under test). */
async function createActiveUser(username: string, roles: string[]): Promise<string> {
  const created = await createUser(username, roles);
  await activate(username, created.password);
  return created.id;
}

/** Roles that must use two-step sign-in are held at enrolment on their first console visit. */
async function enrolTotp(page: Page): Promise<void> {
  await page.getByTestId('totp-enroll').waitFor();
  await page.getByTestId('totp-start').click();
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
  await page.getByTestId('totp-code').fill(totpCode(secret));
  await page.getByTestId('totp-confirm').click();
  await page.getByTestId('main-menu').waitFor();
}

describe('console admin flows in Chromium', () => {
  let b: Browser;
  beforeAll(async () => {
    b = await openBrowser();
    const managerId = await createActiveUser('zhou.mgr', ['manager']);
    await createActiveUser('wu.sales', ['sales']);
    await createActiveUser('zheng.dpo', ['dpo']);
    await admin('POST', '/customers', {
      kind: 'individual',
      purposes: ['sales'],
      ownerId: managerId,
      fields: { name: SEEDED[0].name, mobile: SEEDED[0].mobile },
    });
  });
  afterAll(async () => {
    await b?.close();
  });

  it('fixes quarantined rows (one by clearing a cell beyond the headers) and discards another from the quarantine drawer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-quarantine-'));
    const file = join(dir, 'tiny.csv');
    writeFileSync(
      file,
      '\ufeff三季度客户名单\r\n客户类型,姓名,手机\r\n个人,周一,13912340001\r\n个人,周二,12345\r\n个人,周三,99\r\n个人,周四,13912340004,朝阳区\r\n',
    );
    try {
      await signIn(b.page, 'zhou.mgr', PASSWORD);
      await b.page.getByTestId('main-menu').waitFor();
      await previewImport(b.page, file);
      // The title above the header is named, not imported.
      expect(await b.page.getByTestId('header-row-note').textContent()).toContain('第 2 行');
      await b.page.getByTestId('import-confirm').click();
      await b.page.getByTestId('import-done').waitFor({ timeout: 60_000 });
      expect(await b.page.getByTestId('count-imported').textContent()).toBe('1');

      await b.page.getByTestId('open-quarantine').first().click();
      const rows = b.page.getByTestId('quarantine-table').locator('tbody tr.ant-table-row');
      await expect.poll(() => rows.count()).toBe(3);

      // 修正重试: a still-wrong value is refused with the reason, the right one imports the row.
      await rows.nth(0).getByTestId('quarantine-retry').click();
      await b.page.getByTestId('retry-cell-C').fill('12');
      await b.page.getByTestId('retry-submit').click();
      await expect.poll(() => b.page.getByTestId('retry-outcome').textContent()).toContain('仍然无效');
      await b.page.getByTestId('retry-cell-C').fill('13912340002');
      await b.page.getByTestId('retry-submit').click();
      await expect.poll(() => b.page.getByTestId('retry-outcome').textContent()).toContain('已导入');
      await screenshot(b.page, 'quarantine-retry');
      await b.page.getByTestId('retry-close').click();
      await expect.poll(() => rows.nth(0).getByTestId('quarantine-status').textContent()).toBe('fixed');

      // 丢弃, after a confirmation.
      await rows.nth(1).getByTestId('quarantine-discard').click();
      await b.page.getByTestId('discard-confirm').click();
      await expect.poll(() => rows.nth(1).getByTestId('quarantine-status').textContent()).toBe('discarded');
      expect(await rows.nth(1).getByTestId('quarantine-discard').count()).toBe(0);

      // A row with a cell beyond the headers (EXTRA_CELLS, column D): cleared, it imports.
      await rows.nth(2).getByTestId('quarantine-retry').click();
      await b.page.getByTestId('retry-clear').getByText('D', { exact: true }).click();
      await b.page.getByTestId('retry-submit').click();
      await expect.poll(() => b.page.getByTestId('retry-outcome').textContent()).toContain('已导入');
      await b.page.getByTestId('retry-close').click();
      await expect.poll(() => rows.nth(2).getByTestId('quarantine-status').textContent()).toBe('fixed');
      await screenshot(b.page, 'quarantine-discarded');
      await signOut(b.page);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('remaps a column in the import preview: the import waits for a new preview, then uses the mapping', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-remap-'));
    const file = join(dir, 'fair.csv');
    // Headers no synonym knows: without a mapping nothing identifies these rows.
    writeFileSync(file, '\ufeff到访人,号码\r\n欧阳一,13912340101\r\n欧阳二,13912340102\r\n');
    try {
      await signIn(b.page, 'zhou.mgr', PASSWORD);
      await b.page.getByTestId('main-menu').waitFor();
      await previewImport(b.page, file);
      expect(await b.page.getByTestId('count-imported').textContent()).toBe('0');
      // No column identifies these customers yet: the preview says so.
      await b.page.getByTestId('no-customer-columns').waitFor();

      await pick(b.page, 'map-A', '(name)', 'name');
      // 号码's content says mobile: one click takes the suggestion.
      await b.page.getByTestId('suggest-B').click();
      expect(await b.page.getByTestId('suggest-B').count()).toBe(0);
      await previewAgain(b.page, '2');
      expect(await b.page.getByTestId('mapping-changed').count()).toBe(0);
      expect(await b.page.getByTestId('no-customer-columns').count()).toBe(0);
      await screenshot(b.page, 'import-remapped');

      await confirmImport(b.page, '2');
      await signOut(b.page);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the import preview maps a contact list's 公司地址 to the company's address, and offers such fields", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-company-columns-'));
    const file = join(dir, 'contacts.csv');
    writeFileSync(
      file,
      '\ufeff公司名称,姓名,手机,公司地址,对公邮箱\r\n子丑物流有限公司,联十,13912340301,湖北省武汉市洪山区珞喻路1号,ops@zichou.cn\r\n',
    );
    try {
      await signIn(b.page, 'zhou.mgr', PASSWORD);
      await b.page.getByTestId('main-menu').waitFor();
      await previewImport(b.page, file);
      expect(await b.page.getByTestId('map-D').textContent()).toContain('所属企业的地址');
      // A column no synonym knows can be given to the company's field from the list.
      await pick(b.page, 'map-E', '(company.email)', 'company.email');
      await previewAgain(b.page, '1');
      expect(await b.page.getByTestId('map-E').textContent()).toContain('所属企业的邮箱');
      await screenshot(b.page, 'import-company-columns');
      await confirmImport(b.page, '1');
      await signOut(b.page);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the import preview names a hidden sheet it did not read, and imports it when chosen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-hidden-'));
    const file = join(dir, 'members.xlsx');
    const book = new ExcelJS.Workbook();
    const members = book.addWorksheet('会员');
    members.addRow(['姓名', '手机']);
    members.addRow(['隐藏一', '13912340201']);
    const older = book.addWorksheet('旧会员', { state: 'hidden' });
    older.addRow(['姓名', '手机']);
    older.addRow(['隐藏二', '13912340202']);
    older.addRow(['隐藏三', '13912340203']);
    await book.xlsx.writeFile(file);
    try {
      await signIn(b.page, 'zhou.mgr', PASSWORD);
      await b.page.getByTestId('main-menu').waitFor();
      await previewImport(b.page, file);
      expect(await b.page.getByTestId('count-imported').textContent()).toBe('1');
      expect(await b.page.getByTestId('hidden-sheets').textContent()).toContain('旧会员');

      // Choosing the hidden sheet holds the confirm until a new preview, which reads that sheet alone.
      await pick(b.page, 'import-sheet', '旧会员');
      await previewAgain(b.page, '2');
      expect(await b.page.getByTestId('hidden-sheets').count()).toBe(0);
      await confirmImport(b.page, '2');
      await signOut(b.page);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an admin disables a user on the Users page and that user can no longer sign in', async () => {
    // Before: wu.sales signs in.
    await signIn(b.page, 'wu.sales', PASSWORD);
    await b.page.getByTestId('main-menu').waitFor();

    await signIn(b.page, s.adminUser.username, s.adminUser.password);
    await b.page.getByTestId('pw-current').fill(s.adminUser.password);
    await b.page.getByTestId('pw-next').fill(PASSWORD);
    await b.page.getByTestId('pw-repeat').fill(PASSWORD);
    await b.page.getByTestId('pw-submit').click();
    await enrolTotp(b.page);

    await b.page.goto(`${s.base}/users`);
    const actions = b.page.getByTestId('user-actions-wu.sales');
    await actions.waitFor();
    await actions.getByTestId('user-disable').click();
    await b.page.getByTestId('user-disable-confirm').click();
    const row = b.page.getByTestId('users-table').locator('tbody tr.ant-table-row', { hasText: 'wu.sales' });
    await row.getByText('已停用').waitFor();
    await actions.getByTestId('user-enable').waitFor();
    await screenshot(b.page, 'users-disabled');
    await signOut(b.page);

    await signIn(b.page, 'wu.sales', PASSWORD);
    await b.page.getByTestId('login-error').waitFor();
    expect(await b.page.getByTestId('main-menu').count()).toBe(0);
    await screenshot(b.page, 'disabled-user-sign-in');
  });

  it('an export revealing an L3 field is approved by the DPO on the 审批 page, then run with the approval', async () => {
    // The manager asks: revealing mobiles needs a second person's approval.
    await signIn(b.page, 'zhou.mgr', PASSWORD);
    await b.page.getByTestId('main-menu').waitFor();
    expect(await b.page.getByTestId('main-menu').getByText('审批').count()).toBe(0);
    await b.page.goto(`${s.base}/customers`);
    await b.page.getByTestId('export-open').click();
    await pick(b.page, 'export-reveal', '手机', 'mobile');
    await b.page.keyboard.press('Escape');
    await pick(b.page, 'export-purpose', 'sales');
    await b.page.getByTestId('export-submit').click();
    const filed = b.page.getByTestId('export-approval-id');
    await filed.waitFor();
    const approvalId = ((await filed.textContent()) ?? '')
      .split(/[:：]\s*/)
      .pop()!
      .trim();
    expect(approvalId).not.toBe('');
    await screenshot(b.page, 'export-approval-filed');
    await b.page.getByTestId('export-close').click();
    await signOut(b.page);

    // The DPO (two-step sign-in first) approves it on the 审批 page.
    await signIn(b.page, 'zheng.dpo', PASSWORD);
    await enrolTotp(b.page);
    await b.page.getByTestId('main-menu').getByText('审批').click();
    const pending = b.page
      .getByTestId('approvals-table')
      .locator('tbody tr.ant-table-row', { hasText: approvalId });
    await pending.waitFor();
    await screenshot(b.page, 'approvals-pending');
    await pending.getByTestId('approval-approve').click();
    await b.page.getByTestId('approval-note').fill('核对无误，同意');
    await b.page.getByTestId('approval-decide').click();
    await pending.waitFor({ state: 'detached' });
    await signOut(b.page);

    // The manager exports with it.
    await signIn(b.page, 'zhou.mgr', PASSWORD);
    await b.page.getByTestId('main-menu').waitFor();
    await b.page.goto(`${s.base}/customers`);
    await b.page.getByTestId('export-open').click();
    await pick(b.page, 'export-reveal', '手机', 'mobile');
    await b.page.keyboard.press('Escape');
    await pick(b.page, 'export-purpose', 'sales');
    await pick(b.page, 'export-approval', approvalId);
    await b.page.getByTestId('export-submit').click();
    await exportReady(b.page);
    await screenshot(b.page, 'export-with-approval');
    await b.page.getByTestId('export-close').click();
    const used = await admin<{ items: Array<{ id: string; status: string }> }>(
      'GET',
      '/approvals?status=used',
    );
    expect(used.items.map((a) => a.id)).toContain(approvalId);
    await signOut(b.page);
  });
});
