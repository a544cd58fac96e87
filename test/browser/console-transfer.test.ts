import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/app.js';
import type {
  OrgIdentityFile,
  SignedManifest,
  SignedReceipt,
} from '../../src/modules/transfer/transfer-types.js';
import { startSmtp } from '../e2e/notices-support.js';
import { SEEDED } from '../support/app-fixture.js';
import {
  type Browser,
  type ConsoleServer,
  consoleHelpers,
  openBrowser,
  STRONG_PASSWORD,
  screenshot,
  startConsoleServer,
} from './browser-support.js';
import { chooseFile, dateIn, download, enrolTotp, readJson, textOf } from './transfer-support.js';

const SELLER = '上海旧城贸易有限公司';
const BUYER = '杭州新华贸易有限公司';
const BUYER_CONTACT = 'dpo@xinhua.example.cn';
const THIRD = { name: '诸葛文涛', mobile: '13700001111', email: 'zhuge.wentao@example.cn' };
const ENV_KEYS = [
  'CUSTODIAN_SMTP_HOST',
  'CUSTODIAN_SMTP_PORT',
  'CUSTODIAN_SMTP_FROM',
  'CUSTODIAN_PUBLIC_URL',
  'CUSTODIAN_NOTICE_WINDOW_START',
  'CUSTODIAN_NOTICE_WINDOW_END',
];

// A real path-B transfer between two servers, each with its own data directory, org identity and DPO,
// driven through both consoles: seller and acquirer exchange only files (identity, package, manifest,
// receipt), as two companies would.
describe('a company transfer (path B) through both consoles in Chromium', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let seller: ConsoleServer;
  let buyer: ConsoleServer;
  let sb: Browser;
  let bb: Browser;
  let dir: string;
  const ids: string[] = [];
  const state: {
    sellerFp?: string;
    buyerFp?: string;
    sellerIdentity?: string;
    buyerIdentity?: string;
    transferId?: string;
    packageFile?: string;
    manifestFile?: string;
    receiptFile?: string;
  } = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custodian-transfer-files-'));
    smtp = await startSmtp();
    Object.assign(process.env, {
      CUSTODIAN_SMTP_HOST: '127.0.0.1',
      CUSTODIAN_SMTP_PORT: String(smtp.port),
      CUSTODIAN_SMTP_FROM: 'notice@jiucheng.example.cn',
      CUSTODIAN_PUBLIC_URL: 'http://127.0.0.1:9',
      // The test may run at any hour: the send window is the whole day here.
      CUSTODIAN_NOTICE_WINDOW_START: '0',
      CUSTODIAN_NOTICE_WINDOW_END: '24',
    });
    seller = await startConsoleServer(SELLER);
    buyer = await startConsoleServer(BUYER);
    for (const s of [seller, buyer]) {
      const h = consoleHelpers(s);
      const dpo = await h.createUser('dpo', ['dpo']);
      await h.activate('dpo', dpo.password);
    }
    // Three customers: one with a contract basis, one held for a consent purpose whose consent was
    // withdrawn (a blocking finding the DPO accepts), one who will object by phone.
    const actor = systemActor(seller.app.kernel, 'test');
    const people = [
      { person: SEEDED[0], purposes: ['contract'] },
      { person: SEEDED[1], purposes: ['sales'] },
      { person: THIRD, purposes: ['contract'] },
    ];
    for (const { person, purposes } of people)
      ids.push(
        await seller.app.customers.create(actor, {
          kind: 'individual',
          purposes,
          fields: { name: person.name, mobile: person.mobile, email: person.email },
        }),
      );
    await seller.app.consent.record(actor, 'withdraw', {
      customerId: ids[1] as string,
      purpose: 'sales',
      channel: 'phone',
    });
    sb = await openBrowser();
    bb = await openBrowser();
  });
  afterAll(async () => {
    await sb?.close();
    await bb?.close();
    await seller?.stop();
    await buyer?.stop();
    await smtp?.stop();
    for (const k of ENV_KEYS) delete process.env[k];
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function signInDpo(page: Page, s: ConsoleServer): Promise<void> {
    await consoleHelpers(s).signIn(page, 'dpo', STRONG_PASSWORD);
    await enrolTotp(page);
  }

  it('both DPOs exchange identity files on 组织身份 and see each other’s fingerprints', async () => {
    await signInDpo(bb.page, buyer);
    await bb.page.getByTestId('main-menu').getByText('组织身份').click();
    state.buyerFp = await textOf(bb.page, 'own-fingerprint');
    state.buyerIdentity = await download(bb.page, 'identity-download', dir);
    const buyerFile = readJson<OrgIdentityFile>(state.buyerIdentity);
    expect(buyerFile.fingerprint).toBe(state.buyerFp);
    expect(buyerFile.orgName).toBe(BUYER);

    await signInDpo(sb.page, seller);
    // The menu shows the transfer pages to the DPO.
    await sb.page.getByTestId('main-menu').getByText('转让').first().waitFor();
    await sb.page.goto(`${seller.base}/transfers/identity`);
    state.sellerFp = await textOf(sb.page, 'own-fingerprint');
    expect(state.sellerFp).not.toBe(state.buyerFp);
    state.sellerIdentity = await download(sb.page, 'identity-download', dir);
    expect(readJson<OrgIdentityFile>(state.sellerIdentity).fingerprint).toBe(state.sellerFp);

    await chooseFile(sb.page, 'cp-file', state.buyerIdentity);
    await sb.page.getByTestId('cp-name').fill(BUYER);
    await sb.page.getByTestId('cp-contact').fill(BUYER_CONTACT);
    await sb.page.getByTestId('cp-submit').click();
    const row = sb.page.getByTestId('cp-table').locator('tbody tr', { hasText: BUYER });
    await row.waitFor();
    expect((await row.getByTestId('cp-fingerprint').textContent())?.trim()).toBe(state.buyerFp);
    await screenshot(sb.page, 'transfer-org-identity');
  });

  it('the seller creates a path-B case and clears readiness with the DPO’s acceptance', async () => {
    const page = sb.page;
    await page.getByTestId('main-menu').getByText('转让', { exact: true }).click();
    await page.getByTestId('transfer-new').click();
    await page.getByTestId('transfer-name').fill('并入杭州新华');
    const { pick } = consoleHelpers(seller);
    await pick(page, 'transfer-counterparty', BUYER);
    await pick(page, 'transfer-scope-kind', '个人');
    await page.getByTestId('transfer-planned-date').fill(dateIn(40));
    await screenshot(page, 'transfer-create');
    await page.getByTestId('transfer-create').click();
    await page.getByTestId('transfer-case').waitFor();
    state.transferId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() as string);
    expect(await textOf(page, 'case-name')).toBe('并入杭州新华');
    // Minimisation: the case holds L1–L3 fields only.
    const tr = (await consoleHelpers(seller).admin<{ fields: string[]; counterpartyId: string }>(
      'GET',
      `/transfers/${state.transferId}`,
    )) as { fields: string[] };
    expect(tr.fields).toEqual(expect.arrayContaining(['name', 'mobile', 'email']));
    expect(tr.fields).not.toContain('idNumber');

    await page.getByTestId('readiness-run').click();
    await page.getByTestId('readiness-blocked').waitFor();
    expect(await textOf(page, 'readiness-in-scope')).toBe('3');
    expect(await textOf(page, 'readiness-count-no-legal-basis')).toBe('1');
    expect(await textOf(page, 'readiness-open')).toBe('1');
    // Drill-down names the customer held without a legal basis.
    await page
      .getByTestId('readiness-table')
      .locator('tr', { has: page.getByTestId('readiness-count-no-legal-basis') })
      .locator('.ant-table-row-expand-icon')
      .click();
    expect(await textOf(page, 'readiness-ids-no-legal-basis')).toContain(ids[1]);
    await screenshot(page, 'transfer-readiness-blocked');
    // Notices cannot start yet: the API's own message is shown.
    await page.getByTestId('step-notices').click();
    await page.getByTestId('campaign-form').waitFor();
    await page.getByTestId('campaign-create').click();
    await page.locator('.ant-message-error', { hasText: 'TRANSFER_BLOCKED' }).waitFor();
    await page.getByTestId('step-readiness').click();

    await page.getByTestId('readiness-accept-no-legal-basis').click();
    await page.getByTestId('accept-reason').fill('已核实：合同另行约定，承继方继续履行');
    await page.getByTestId('accept-confirm').click();
    await page.getByTestId('readiness-accepted-no-legal-basis').waitFor();
    await page.getByTestId('readiness-clear').waitFor();
    expect(await textOf(page, 'readiness-open')).toBe('0');
    // The printable report is the stored one (GET): printing does not run the audit again.
    const runs = async () =>
      (await seller.app.kernel.audit.query({ action: 'transfer.readiness', limit: 100 })).length;
    const before = await runs();
    const [report] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByTestId('readiness-print').click(),
    ]);
    await report.waitForURL(/^blob:/);
    expect(await report.content()).toContain('转让准备度审计');
    await report.close();
    expect(await runs()).toBe(before);

    await page.getByTestId('step-dd').click();
    await page.getByTestId('dd-run').click();
    expect(await textOf(page, 'dd-total')).toBe('3');
    await screenshot(page, 'transfer-dd-room');
  });

  it('the seller runs the notice period: e-mails, a phone objection, the announcement, closing', async () => {
    const page = sb.page;
    // One step: the notice period starts and the case's own scope is notified.
    await page.getByTestId('step-notices').click();
    await page.getByTestId('campaign-form').waitFor();
    // E-mail only (no SMS gateway on this server).
    await page.getByTestId('campaign-channels').getByText('短信').click();
    await page.getByTestId('campaign-create').click();
    await page.getByTestId('notice-period').waitFor();
    await page.getByTestId('notice-tally').waitFor();
    expect(await textOf(page, 'tally-email-queued')).toBe('3');
    await page.getByTestId('notice-send').click();
    await page.getByTestId('tally-email-sent').filter({ hasText: '3' }).waitFor();
    expect(smtp.mails.flatMap((m) => m.to).sort()).toEqual(
      [SEEDED[0].email, SEEDED[1].email, THIRD.email].sort(),
    );

    // The third customer objects by phone: found by mobile (in a POST body), recorded with evidence.
    await page.getByTestId('answer-find-mobile').fill(THIRD.mobile);
    await page.getByTestId('answer-find').click();
    expect(await textOf(page, 'answer-found')).toContain(ids[2]);
    expect(await page.getByTestId('answer-customer').inputValue()).toBe(ids[2]);
    await page.getByTestId('answer-evidence').fill('录音 REC-20261123-0001');
    await page.getByTestId('answer-submit').click();
    await page.getByTestId('tally-answer-object').filter({ hasText: '1' }).waitFor();
    expect(await textOf(page, 'tally-no-answer')).toBe('2');
    expect(page.url()).not.toContain(THIRD.mobile);
    await screenshot(page, 'transfer-notices');

    await page.getByTestId('notice-announcement').click();
    const announcement = await textOf(page, 'announcement-text');
    expect(announcement).toContain(BUYER);
    expect(announcement).toContain(BUYER_CONTACT);
    expect(announcement).not.toContain(SEEDED[0].mobile);
    await page.keyboard.press('Escape');

    await page.getByTestId('answers-close').click();
    await page.getByTestId('answers-close-reason').fill('承继方已确认交割日提前');
    await page.getByTestId('answers-close-confirm').click();
    await page.getByTestId('transfer-status').filter({ hasText: '答复期已结束' }).waitFor();
  });

  it('the seller builds the package: the manifest shows counts, root and both fingerprints', async () => {
    const page = sb.page;
    await page.getByTestId('step-package').click();
    await page.getByTestId('package-build').click();
    await page.getByTestId('manifest').waitFor();
    expect(await textOf(page, 'split-transfer')).toBe('2');
    expect(await textOf(page, 'split-delete')).toBe('1');
    expect(await textOf(page, 'manifest-records')).toBe('2');
    expect(await textOf(page, 'manifest-seller-fingerprint')).toBe(state.sellerFp);
    expect(await textOf(page, 'manifest-buyer-fingerprint')).toBe(state.buyerFp);
    const root = await textOf(page, 'manifest-root');
    expect(root).toMatch(/^[0-9a-f]{64}$/);
    await screenshot(page, 'transfer-package');
    state.packageFile = await download(page, 'package-download', dir);
    state.manifestFile = await download(page, 'manifest-download', dir);
    const manifest = readJson<SignedManifest>(state.manifestFile);
    expect(manifest.merkleRoot).toBe(root);
    expect(manifest.counts.records).toBe(2);
    expect(readFileSync(state.packageFile).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
  });

  it('the acquirer refuses an unknown seller and a tampered package, then receives and signs a receipt', async () => {
    const page = bb.page;
    const files = state as Required<typeof state>;
    const receive = async (pkg: string) => {
      await page.goto(`${buyer.base}/transfers/receive`);
      await chooseFile(page, 'rcv-package', pkg);
      await chooseFile(page, 'rcv-manifest', files.manifestFile);
      await page.getByTestId('rcv-submit').click();
    };
    await receive(files.packageFile);
    const unknown = page.getByTestId('rcv-error');
    await unknown.waitFor();
    expect(await unknown.textContent()).toContain('转出方未知');
    expect(await unknown.textContent()).toContain('TRANSFER_SELLER_UNKNOWN');
    await screenshot(page, 'transfer-receive-unknown-seller');
    // In English the headline and the API's own message are English too.
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('rcv-submit').click();
    await page.getByTestId('rcv-error').filter({ hasText: 'Unknown seller' }).waitFor();
    expect(await page.getByTestId('rcv-error').textContent()).toContain('of no imported counterparty');
    await page.getByTestId('lang-switch').click();

    await page.goto(`${buyer.base}/transfers/identity`);
    await chooseFile(page, 'cp-file', files.sellerIdentity);
    await page.getByTestId('cp-name').fill(SELLER);
    await page.getByTestId('cp-submit').click();
    await page.getByTestId('cp-table').locator('tbody tr', { hasText: files.sellerFp }).waitFor();

    // One byte changed in the ciphertext: refused, nothing imported.
    const tampered = join(dir, 'tampered.age');
    const bytes = readFileSync(files.packageFile);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] as number) ^ 0xff;
    writeFileSync(tampered, bytes);
    await receive(tampered);
    await page.getByTestId('rcv-error').waitFor();
    expect(await page.getByTestId('rcv-error').textContent()).toMatch(/TRANSFER_PACKAGE_(MISMATCH|CORRUPT)/);
    await screenshot(page, 'transfer-receive-tampered');

    await receive(files.packageFile);
    await page.getByTestId('rcv-result').waitFor();
    expect(await textOf(page, 'rcv-imported')).toBe('2');
    expect(await textOf(page, 'rcv-seller-fingerprint')).toBe(files.sellerFp);
    const manifest = readJson<SignedManifest>(files.manifestFile);
    expect(await textOf(page, 'rcv-root')).toBe(manifest.merkleRoot);
    await screenshot(page, 'transfer-received');
    state.receiptFile = await download(page, 'rcv-receipt-download', dir);
    const receipt = readJson<SignedReceipt>(state.receiptFile);
    expect(receipt).toMatchObject({
      transferId: files.transferId,
      count: 2,
      merkleRoot: manifest.merkleRoot,
    });
    const held = await consoleHelpers(buyer).admin<{ items: unknown[] }>('GET', '/customers');
    expect(held.items).toHaveLength(2);
    // The received package is listed, and its receipt can be downloaded again later.
    await page.goto(`${buyer.base}/transfers/receive`);
    const row = page.getByTestId('inbound-table').locator('tbody tr', { hasText: files.sellerFp });
    await row.waitFor();
    expect(await row.getByTestId('inbound-seller').textContent()).toBe(SELLER);
    expect(await row.getByTestId('inbound-count').textContent()).toBe('2');
    expect(await row.getByTestId('inbound-root').textContent()).toBe(manifest.merkleRoot);
    const again = await download(page, 'inbound-receipt', dir);
    expect(readJson<SignedReceipt>(again)).toEqual(receipt);
  });

  it('the seller completes with the receipt; the dossier shows the destruction certificate', async () => {
    const page = sb.page;
    const files = state as Required<typeof state>;
    await page.goto(`${seller.base}/transfers`);
    await page.getByTestId('transfers-table').getByText('并入杭州新华').click();
    await page.getByTestId('transfer-case').waitFor();
    await page.getByTestId('step-closeout').click();
    await chooseFile(page, 'co-receipt', files.receiptFile);
    await page.getByTestId('co-complete').click();
    await page.getByTestId('certificate').waitFor();
    await page.getByTestId('transfer-status').filter({ hasText: '已结案' }).waitFor();
    const manifest = readJson<SignedManifest>(files.manifestFile);
    // The two handed over and the one who objected are crypto-shredded on the seller's side.
    expect(await textOf(page, 'cert-erased')).toBe('3');
    expect(await textOf(page, 'cert-root')).toBe(manifest.merkleRoot);
    expect(await textOf(page, 'cert-fingerprint')).toBe(files.sellerFp);

    await page.getByTestId('step-dossier').click();
    await page.getByTestId('dossier-load').click();
    await page.getByTestId('dossier').waitFor();
    expect(await textOf(page, 'dossier-answers')).toContain('反对 1');
    // The three e-mails sent by the notices module are the notice evidence.
    expect(await textOf(page, 'dossier-notices')).toBe('3');
    expect(Number(await textOf(page, 'dossier-events'))).toBeGreaterThanOrEqual(8);
    expect(await page.getByTestId('panel-dossier').getByTestId('cert-erased').textContent()).toBe('3');
    // The audited timeline lists the close-out, and the notices module's campaign and answer.
    await page.getByTestId('transfer-timeline').getByText('销毁并签发证明').waitFor();
    await page.getByTestId('transfer-timeline').getByText('创建通知批次').waitFor();
    await page.getByTestId('transfer-timeline').getByText('客户答复').first().waitFor();
    await screenshot(page, 'transfer-dossier');
    // The printable dossier opens in a new tab, with no customer's data in it.
    const [tab] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByTestId('dossier-html').click(),
    ]);
    await tab.waitForURL(/^blob:/);
    const html = await tab.content();
    expect(html).toContain('公司转让档案');
    expect(html).toContain(manifest.merkleRoot);
    expect(html).not.toContain(SEEDED[0].mobile);
    await tab.close();
    const left = await consoleHelpers(seller).admin<{ items: unknown[] }>('GET', '/customers?status=active');
    expect(left.items).toHaveLength(0);
    // The only console errors are the refusals the test provokes (blocked notices, refused packages).
    for (const b of [sb, bb]) expect(b.errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  });
});
