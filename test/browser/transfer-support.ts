import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { totpCode } from './browser-support.js';

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
