import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SealingKeys } from '../../kernel/crypto/key-ring.js';
import type { ErrorParams } from '../../kernel/errors/app-error.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { ErrorCode } from '../../kernel/errors/catalogue.js';
import { MessageInbox } from '../../kernel/threads/message-inbox.js';
import { type ProducedChunk, type ProducerInput, produceChunks } from './chunk-producer.js';
import { type ChunkMessage, unpackChunk } from './chunk-wire.js';

type WorkerMessage =
  | ChunkMessage
  | { type: 'end' }
  | {
      type: 'error';
      error: { code: ErrorCode; params: ErrorParams; details: Record<string, unknown> | null };
    };

/** Files smaller than this are produced on the calling thread: a worker costs more to start than it saves. */
export const THREAD_MIN_BYTES = 4 * 1024 * 1024;

/**
 * The worker entry beside this module. Run from TypeScript (the tests), the worker registers tsx's
 * loader first: a worker does not inherit the loader hooks of its parent or `--import` in execArgv.
 */
function workerEntry(): { source: URL | string; eval: boolean } {
  if (!import.meta.url.endsWith('.ts'))
    return { source: new URL('./chunk-producer-worker.js', import.meta.url), eval: false };
  const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsx, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./chunk-producer-worker.ts', import.meta.url).href;
  return {
    source: `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
  };
}

/**
 * The produced chunks of an import, in order. With `thread`, the producer runs on a worker thread
 * (parsing, validation, hashing and sealing take about half of an import's CPU; the store writes are
 * the other half) at most `window` chunks ahead; stopping early stops the worker.
 */
export async function* producedChunks(
  input: ProducerInput,
  keys: SealingKeys,
  opts: { thread: boolean; window?: number; unsealedShare?: number },
): AsyncGenerator<ProducedChunk> {
  if (!opts.thread) {
    const share = opts.unsealedShare ?? 0;
    yield* produceChunks(input, keys, () => share);
    return;
  }
  const entry = workerEntry();
  const worker = new Worker(entry.source, {
    eval: entry.eval,
    workerData: { input, material: keys.sealingMaterial(), window: opts.window ?? 2 },
    // A young generation whose semi-spaces (a third of it, rounded up to a power of two: 32 MB) hold
    // what the chunks in flight keep alive. With less, a chunk's rows, sealed values and hashes survive
    // two scavenges, are promoted, and the old generation is marked and compacted again and again
    // (docs/adr/0015: 200k rows 28.9 → 23.4–25.6 s, 50 → 40–44 CPU-s, for 50 MB more peak RSS).
    resourceLimits: { maxYoungGenerationSizeMb: 64 },
  });
  const inbox = new MessageInbox<WorkerMessage>();
  const deliver = inbox.deliver;
  const crashed = (cause: string): WorkerMessage => ({
    type: 'error',
    error: { code: 'INTERNAL', params: {}, details: { cause } },
  });
  worker.on('message', deliver);
  worker.on('error', (err) => deliver(crashed(err.name)));
  worker.on('exit', (code) => {
    if (code !== 0) deliver(crashed(`worker exit ${code}`));
  });
  try {
    for (;;) {
      const m = await inbox.next();
      if (m.type === 'end') return;
      if (m.type === 'error') throw new AppError(m.error.code, m.error.params, m.error.details ?? undefined);
      worker.postMessage({ type: 'ack' });
      yield unpackChunk(m, keys.orgId);
    }
  } finally {
    await worker.terminate();
  }
}
