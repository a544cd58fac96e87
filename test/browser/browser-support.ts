import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { type App, initApp, systemActor } from '../../src/app.js';
import { buildHttp } from '../../src/http.js';
import { createLogger } from '../../src/kernel/log/logger.js';
import { addStandardPurposes } from '../support/app-fixture.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');
const WEB_DIST = join(process.cwd(), 'web', 'dist', 'index.html');

/** `npm test` builds the console first; a lone `vitest run test/browser` builds it here. */
export async function ensureConsoleBuilt(): Promise<void> {
  if (existsSync(WEB_DIST)) return;
  const { build } = await import('vite');
  await build({ configFile: join(process.cwd(), 'web', 'vite.config.ts'), logLevel: 'warn' });
}

export interface ConsoleServer {
  app: App;
  server: FastifyInstance;
  base: string;
  /** The admin API token `init` prints. */
  adminToken: string;
  /** The first console user `admin` and the one-time password `init` prints for it. */
  adminUser: { username: string; password: string };
  stop(): Promise<void>;
}

/**
 * The real server, in process, on a free loopback port, over a fresh SQLite data directory initialised
 * as `custodian serve --init` does, with purposes `sales` (consent) and `contract`; `orgName` names the
 * organisation (transfer tests run a seller and an acquirer side by side).
 */
export async function startConsoleServer(orgName?: string): Promise<ConsoleServer> {
  await ensureConsoleBuilt();
  const logger = createLogger({ level: 'warn' });
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-browser-'));
  const res = await initApp({ dataDir, who: 'test', logger, ...(orgName ? { orgName } : {}) });
  const system = systemActor(res.app.kernel, 'test');
  await addStandardPurposes(res.app, system);
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

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile (launchPersistentContext owns --user-data-dir). */
export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'custodian-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The export dialog's file, once the server has made it. Under a loaded CI machine the export can take
 * long; if it fails or never starts, the poll's last state says which (the dialog's error text, or a
 * submit button that is not loading: a lost click), not a bare timeout.
 */
export async function exportReady(page: Page): Promise<Locator> {
  const ready = page.getByTestId('export-ready');
  const error = page.locator('.ant-modal .ant-alert-error');
  const submit = page.getByTestId('export-submit');
  await expect
    .poll(
      async () => {
        if (await ready.isVisible()) return 'ready';
        if (await error.isVisible()) return `error: ${await error.textContent()}`;
        const classes = await submit.getAttribute('class', { timeout: 1000 }).catch(() => null);
        return classes !== null && !classes.includes('ant-btn-loading') ? 'submit not loading' : 'exporting';
      },
      { timeout: 60_000 },
    )
    .toBe('ready');
  return ready;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

function base32Decode(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) continue;
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits), as an authenticator app computes it. */
export function totpCode(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

/** The password the console tests give accounts once their one-time password is used. */
export const STRONG_PASSWORD = 'Cust0dian!Strong#2026';

/** The API and page steps the console tests share, bound to one server. */
export function consoleHelpers(s: ConsoleServer) {
  async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${s.base}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${s.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** An account made by the admin token; its one-time password is used once, at first sign-in. */
  async function createUser(
    username: string,
    roles: string[],
    team?: string,
  ): Promise<{ id: string; password: string }> {
    const res = await admin<{ user: { id: string }; oneTimePassword: string }>('POST', '/users', {
      username,
      displayName: username,
      roles,
      ...(team ? { team } : {}),
    });
    return { id: res.user.id, password: res.oneTimePassword };
  }

  /** Signs in through the API and sets STRONG_PASSWORD, for accounts whose first sign-in is not under test. */
  async function activate(username: string, oneTime: string): Promise<void> {
    const login = await fetch(`${s.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: oneTime }),
    });
    if (login.status !== 200) throw new Error(`sign-in of ${username}: ${login.status}`);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const changed = await fetch(`${s.base}/api/v1/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ current: oneTime, next: STRONG_PASSWORD }),
    });
    if (changed.status >= 300) throw new Error(`password change of ${username}: ${changed.status}`);
  }

  async function signIn(page: Page, username: string, password: string): Promise<void> {
    // A fresh start even when an earlier test left a session behind.
    await page.context().clearCookies();
    await page.goto(`${s.base}/`);
    await page.getByTestId('username').fill(username);
    await page.getByTestId('password').fill(password);
    await page.getByTestId('login-submit').click();
  }

  async function signOut(page: Page): Promise<void> {
    // Close any drawer or dialog on top of the header first.
    await page.goto(`${s.base}/`);
    await page.getByTestId('account-menu').hover();
    await page.getByText('退出登录').click();
    await page.getByTestId('login-card').waitFor();
  }

  /** antd Select: open it (typing `search` when given: long lists are virtual), then pick by label. */
  async function pick(page: Page, testId: string, text: string, search?: string): Promise<void> {
    await page.getByTestId(testId).click();
    if (search) await page.keyboard.type(search);
    // Only a dropdown done sliding open: a click while it moves can land on the form beneath, which
    // takes the focus and closes it (seen in CI: "ant-form-item-label … intercepts pointer events").
    await page
      .locator('.ant-select-dropdown:visible:not([class*="-appear"]):not([class*="-enter"])')
      .locator('.ant-select-item-option', { hasText: text })
      .first()
      .click();
  }

  /** 导入: uploads `file` for `purpose` and waits for the dry-run preview's mapping table. */
  async function previewImport(page: Page, file: string, purpose = 'sales'): Promise<void> {
    await page.goto(`${s.base}/import`);
    await page.locator('input[type="file"]').setInputFiles(file);
    await pick(page, 'import-purposes', purpose);
    await page.keyboard.press('Escape');
    await page.getByTestId('import-preview').click();
    await page.getByTestId('mapping-table').waitFor();
  }

  return { admin, createUser, activate, signIn, signOut, pick, previewImport };
}
