import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  type ConsoleServer,
  openBrowser,
  screenshot,
  startConsoleServer,
} from './browser-support.js';

describe('console shell in Chromium', () => {
  let s: ConsoleServer;
  let b: Browser;
  beforeAll(async () => {
    s = await startConsoleServer();
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await s?.stop();
  });

  it('serves the built console under the CSP, Chinese by default', async () => {
    const res = await b.page.goto(`${s.base}/`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(res?.headers()['cache-control']).toBe('no-store');
    await b.page.getByTestId('login-card').waitFor();
    await expect.poll(() => b.page.getByText('登录客户信息保管系统').count()).toBe(1);
    expect(await b.page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    await screenshot(b.page, 'login-zh');
    // No CSP violation or script error while booting.
    expect(b.errors.filter((e) => !/401|Unauthorized|Failed to load resource/.test(e))).toEqual([]);
  });

  it('switches to English and remembers the choice across a reload', async () => {
    await b.page.getByTestId('lang-switch').click();
    await b.page.getByText('Sign in to Custodian').waitFor();
    expect(await b.page.evaluate("localStorage.getItem('custodian.lang')")).toBe('en');
    await b.page.reload();
    await b.page.getByText('Sign in to Custodian').waitFor();
    expect(await b.page.evaluate('document.documentElement.lang')).toBe('en');
    await screenshot(b.page, 'login-en');
    await b.page.getByTestId('lang-switch').click();
    await b.page.getByText('登录客户信息保管系统').waitFor();
  });

  it('answers deep links with the console (SPA fallback) and caches hashed assets', async () => {
    const res = await b.page.goto(`${s.base}/customers`);
    expect(res?.status()).toBe(200);
    await b.page.getByTestId('login-card').waitFor();
    const script = String(
      await b.page.evaluate(`document.querySelector('script[type="module"]')?.src ?? ''`),
    );
    expect(script).toMatch(/\/assets\/index-[\w-]+\.js$/);
    const asset = await fetch(script);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});
