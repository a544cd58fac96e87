import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleIndexHtml, consoleStatic } from './console-static.js';

describe('console static serving', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custodian-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>客户信息保管系统</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'index-abc123.js.gz'), gzipSync('console.log(1)'));
    app = Fastify();
    // The server's own hook, which the console must override for hashed assets only.
    app.addHook('onSend', async (_req, reply) => {
      reply.header('cache-control', 'no-store');
    });
    app.get('/api/v1/known', async () => ({ ok: true }));
    await app.register(consoleStatic, { dir });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves hashed assets with a long immutable cache', async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/javascript/);
  });

  it('sends the precompressed sibling when the browser accepts it', async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers client-side routes with index.html, never cached', async () => {
    for (const url of ['/customers', '/audit', '/account/totp', '/index.html']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('客户信息保管系统');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('keeps API and missing assets as 404s', async () => {
    expect((await app.inject({ url: '/api/v1/nope' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/known' })).json()).toEqual({ ok: true });
    expect((await app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
  });

  it('does nothing when the console is not built', async () => {
    expect(consoleIndexHtml(join(dir, 'nowhere'))).toBeNull();
    const bare = Fastify();
    await bare.register(consoleStatic, { dir: join(dir, 'nowhere') });
    expect((await bare.inject({ url: '/customers' })).statusCode).toBe(404);
    await bare.close();
  });
});
