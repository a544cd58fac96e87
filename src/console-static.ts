import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:web` writes the console: web/dist beside src/ and dist/. */
export const CONSOLE_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

/** The built console's index.html, or null when the console has not been built. */
export function consoleIndexHtml(dir: string = CONSOLE_DIR): string | null {
  const file = join(dir, 'index.html');
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built console: content-hashed files under /assets/ cached for a year, and index.html
 * (never cached, so a deploy shows at once) for every other non-API path the client router owns.
 * `/` itself is the server's console route, fed the same index.html.
 */
export async function consoleStatic(app: FastifyInstance, opts: { dir?: string } = {}): Promise<void> {
  const dir = opts.dir ?? CONSOLE_DIR;
  const index = consoleIndexHtml(dir);
  if (index === null) return;
  const assets = join(dir, 'assets');
  if (existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      decorateReply: false,
      wildcard: false,
      index: false,
      cacheControl: false,
      // vite build writes .br/.gz siblings (web/vite.config.ts), sent per Accept-Encoding.
      preCompressed: true,
      etag: true,
      lastModified: false,
    });
  }
  // Runs after the server-wide no-store hook (parent hooks first), so hashed assets keep a long cache.
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/assets/') && reply.statusCode === 200) reply.header('cache-control', IMMUTABLE);
  });
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    if (req.url.startsWith('/api/') || req.url === '/api' || req.url.startsWith('/assets/'))
      return reply.callNotFound();
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(index);
  });
}
