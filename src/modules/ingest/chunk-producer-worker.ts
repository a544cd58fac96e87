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
 * most of a row's work here. The worker judges which side is slower from its own credit: a chunk that
 * had to wait for credit found the writer behind (it seals a little more itself next time); a chunk
 * sent at once found the writer waiting or about to (it leaves a little more to the writer). Both cores
 * stay busy whichever side is slower (an empty store's writes are cheaper than a full one's).
 * The writer cannot tell this itself: its loop runs in microtasks, so a chunk already posted is not
 * delivered to it until its next event-loop turn, and it took every chunk for one it had waited for.
 */
let unsealed = 0;
let wake: (() => void) | undefined;
port.on('message', (m: { type: string }) => {
  if (m.type !== 'ack') return;
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
      const writerBehind = credit === 0;
      while (credit === 0) await new Promise<void>((r) => (wake = r));
      credit--;
      unsealed = writerBehind ? Math.max(0, unsealed - STEP) : Math.min(MAX_UNSEALED, unsealed + STEP);
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
