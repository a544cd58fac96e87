import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { initApp, systemActor } from '../../src/app.js';
import { buildHttp } from '../../src/http.js';
import { createLogger } from '../../src/kernel/log/logger.js';
import { addStandardPurposes } from '../support/app-fixture.js';
import { type ConsoleServer, ensureConsoleBuilt, totpCode } from './browser-support.js';

/**
 * One organisation's real server (its own SQLite data directory, its own keys and org identity) on a
 * free loopback port, as `custodian serve --init` starts it, with purposes `sales` and `contract`.
 */
export async function startOrgServer(orgName: string): Promise<ConsoleServer> {
  await ensureConsoleBuilt();
  const logger = createLogger({ level: 'warn' });
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-transfer-browser-'));
  const res = await initApp({ dataDir, who: 'test', logger, orgName });
  await addStandardPurposes(res.app, systemActor(res.app.kernel, 'test'));
  const server = await buildHttp(res.app, logger);
  await server.listen({ port: 0, host: '127.0.0.1' });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    app: res.app,
    server,
    base: `http://127.0.0.1:${port}`,
    adminToken: res.adminToken.token,
    adminUser: { username: res.adminUser.username, password: res.adminUser.password },
    async stop() {
      await server.close();
      await res.app.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Two-step sign-in enrolment, which the DPO role must complete on its first console visit. */
export async function enrolTotp(page: Page): Promise<void> {
  await page.getByTestId('totp-enroll').waitFor();
  await page.getByTestId('totp-start').click();
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
  await page.getByTestId('totp-code').fill(totpCode(secret));
  await page.getByTestId('totp-confirm').click();
  await page.getByTestId('main-menu').waitFor();
}

/** Clicks what starts a download and keeps the file in `dir`; returns its path. */
export async function download(page: Page, testId: string, dir: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Chooses a local file in a FilePick (antd Upload) of the transfer pages. */
export async function chooseFile(page: Page, testId: string, path: string): Promise<void> {
  await page.getByTestId(testId).locator('input[type=file]').setInputFiles(path);
}

/** The trimmed text of the first element with this test id, once it is there. */
export async function textOf(page: Page, testId: string): Promise<string> {
  const el = page.getByTestId(testId).first();
  await el.waitFor();
  return ((await el.textContent()) ?? '').trim();
}

/** YYYY-MM-DD `days` from now (Asia/Shanghai is ahead of UTC; a day of slack is enough). */
export function dateIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
