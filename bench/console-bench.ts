import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { initApp } from '../src/app.js';
import { CONSOLE_DIR } from '../src/console-static.js';
import { buildHttp } from '../src/http.js';
import { createLogger } from '../src/kernel/log/logger.js';
import { median } from './support.js';

/**
 * `node --import tsx bench/console-bench.ts`: the console's first load in Debian's Chromium, cold
 * (fresh profile) and warm (reload, hashed assets from cache): bytes over the wire, DOMContentLoaded,
 * load, and time to interactive = navigation start to the sign-in form accepting input.
 */
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

interface Load {
  transferBytes: number;
  decodedBytes: number;
  requests: number;
  domContentLoadedMs: number;
  loadMs: number;
  interactiveMs: number;
}

function bundleSizes(): { initialJsGzip: number; allJsGzip: number; cssGzip: number } {
  const assets = join(CONSOLE_DIR, 'assets');
  const index = readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8');
  let initial = 0;
  let all = 0;
  let css = 0;
  for (const f of readdirSync(assets)) {
    const gz = gzipSync(readFileSync(join(assets, f))).length;
    if (f.endsWith('.js')) {
      all += gz;
      if (index.includes(`/assets/${f}`)) initial += gz;
    } else if (f.endsWith('.css')) css += gz;
  }
  return { initialJsGzip: initial, allJsGzip: all, cssGzip: css };
}

async function main(): Promise<void> {
  if (!existsSync(join(CONSOLE_DIR, 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: join(process.cwd(), 'web', 'vite.config.ts'), logLevel: 'warn' });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-console-bench-'));
  const logger = createLogger({ level: 'warn' });
  const { app } = await initApp({ dataDir, who: 'bench', logger });
  const server = await buildHttp(app, logger);
  await server.listen({ port: 0, host: '127.0.0.1' });
  const addr = server.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  const cold: Load[] = [];
  const warm: Load[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const profile = mkdtempSync(join(tmpdir(), 'custodian-bench-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: '/usr/bin/chromium',
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
      });
      const page = context.pages()[0] ?? (await context.newPage());
      const measure = async (): Promise<Load> => {
        await page.locator('[data-testid="username"]').waitFor({ state: 'visible' });
        const interactive = Number(await page.evaluate('performance.now()'));
        await page.waitForLoadState('load');
        const t = (await page.evaluate(`(() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const res = performance.getEntriesByType('resource');
          const sum = (k) => res.reduce((s, r) => s + (r[k] || 0), 0);
          return {
            transferBytes: nav.transferSize + sum('transferSize'),
            decodedBytes: nav.decodedBodySize + sum('decodedBodySize'),
            requests: 1 + res.length,
            domContentLoadedMs: nav.domContentLoadedEventEnd,
            loadMs: nav.loadEventEnd,
          };
        })()`)) as Omit<Load, 'interactiveMs'>;
        return { ...t, interactiveMs: Math.round(interactive) };
      };
      await page.goto(base);
      cold.push(await measure());
      await page.reload();
      warm.push(await measure());
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  } finally {
    await server.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const summarise = (xs: Load[]) => ({
    transferKb: +(median(xs.map((x) => x.transferBytes)) / 1024).toFixed(1),
    decodedKb: +(median(xs.map((x) => x.decodedBytes)) / 1024).toFixed(1),
    requests: median(xs.map((x) => x.requests)),
    domContentLoadedMs: Math.round(median(xs.map((x) => x.domContentLoadedMs))),
    loadMs: Math.round(median(xs.map((x) => x.loadMs))),
    interactiveMs: median(xs.map((x) => x.interactiveMs)),
  });
  const sizes = bundleSizes();
  const result = {
    at: new Date().toISOString(),
    runs: RUNS,
    bundle: {
      initialJsGzipKb: +(sizes.initialJsGzip / 1024).toFixed(1),
      allJsGzipKb: +(sizes.allJsGzip / 1024).toFixed(1),
      cssGzipKb: +(sizes.cssGzip / 1024).toFixed(1),
      budgetInitialJsGzipKb: 1536,
    },
    cold: summarise(cold),
    warm: summarise(warm),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  mkdirSync(join(process.cwd(), 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(process.cwd(), 'bench', 'results', 'console.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
}

await main();
