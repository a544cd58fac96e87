import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Writes .br and .gz beside each asset; the server sends them when the browser accepts them. */
function precompress(): Plugin {
  return {
    name: 'custodian-precompress',
    apply: 'build',
    closeBundle() {
      const dir = join(root, 'dist', 'assets');
      for (const f of readdirSync(dir)) {
        if (!/\.(js|css|svg|json)$/.test(f)) continue;
        const body = readFileSync(join(dir, f));
        writeFileSync(join(dir, `${f}.gz`), gzipSync(body, { level: 9 }));
        writeFileSync(
          join(dir, `${f}.br`),
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

// No React plugin: esbuild's automatic JSX runtime is enough for a console without fast refresh.
export default defineConfig({
  root,
  base: '/',
  esbuild: { jsx: 'automatic' },
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The CSP has script-src 'self': no inline scripts, so no modulepreload polyfill snippet either.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: true,
    rollupOptions: {
      // antd marks its modules "use client" for React Server Components; meaningless in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
