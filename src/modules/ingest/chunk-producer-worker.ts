import { parentPort, workerData } from 'node:worker_threads';
import { SealingKeys, type SealingMaterial } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { type ProducerInput, produceChunks } from './chunk-producer.js';
import { packChunk } from './chunk-wire.js';

/**
 * Worker-thread entry of the chunk producer (see chunk-producer-thread.ts). It runs ahead of the
 * writer by at most `window` chunks: each `ack` from the writer lets it post one more.
 */
const { input, material, window } = workerData as {
  input: ProducerInput;
  material: SealingMaterial;
  window: number;
};
const port = parentPort;
if (!port) throw new Error('chunk-producer-worker runs only as a worker thread');

/** Most of the rows the worker may leave to the writer, and the step it moves by per chunk. */
const MAX_UNSEALED = 0.5;
const STEP = 1 / 16;

let credit = window;
/**
 * The share of valid rows this worker leaves unsealed for the writing thread to seal itself. Sealing is
 * most of a row's work here: each time the writer had to wait for a chunk it takes a little more of
 * it, each time a chunk was ready a little less. Both cores stay busy whichever side is slower (an
 * empty store's writes are cheaper than a full one's).
 */
let unsealed = 0;
let wake: (() => void) | undefined;
port.on('message', (m: { type: string; waited?: boolean }) => {
  if (m.type !== 'ack') return;
  unsealed = m.waited ? Math.min(MAX_UNSEALED, unsealed + STEP) : Math.max(0, unsealed - STEP);
  credit++;
  const w = wake;
  wake = undefined;
  w?.();
});

(async () => {
  try {
    const keys = SealingKeys.fromMaterial({
      ...material,
      dekWrap: Buffer.from(material.dekWrap),
      blindIndexRoot: Buffer.from(material.blindIndexRoot),
    });
    for await (const chunk of produceChunks(input, keys, () => unsealed)) {
      while (credit === 0) await new Promise<void>((r) => (wake = r));
      credit--;
      const { message, transfer } = packChunk(chunk, input.keepValidCells);
      port.postMessage(message, transfer);
    }
    port.postMessage({ type: 'end' });
  } catch (err) {
    // An AppError names the file, row and column; anything else is reported without its message,
    // which could quote a cell.
    port.postMessage({
      type: 'error',
      error:
        err instanceof AppError
          ? { code: err.code, params: err.params, details: err.details ?? null }
          : { code: 'INTERNAL', params: {}, details: { cause: err instanceof Error ? err.name : 'unknown' } },
    });
  }
})();
