import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../kernel/errors/app-error.js';
import { MERKLE_FOLD_SOURCE } from './merkle-stream.js';

/** What the sealer hands back once the package file is complete and synced. */
export interface SealedPackage {
  records: number;
  merkleRoot: string;
  packageSha256: string;
}

/**
 * Age-encrypts the package's JSON lines on a worker thread while the caller reads and decrypts the next
 * page (the pure-JavaScript age cipher and the hashes would otherwise take about a fifth of one core).
 * For each line the worker takes its SHA-256 (the record digest, a Merkle leaf) and folds it into the
 * root in O(log n) memory; the ciphertext goes through a file handle (flat memory, ARCHITECTURE §7) and
 * is hashed as it is written. Plaintext stays in memory: it crosses to the worker by message, never a
 * file. `push` waits while `window` chunks are not yet taken, so memory stays bounded.
 */
export interface PackageSealer {
  /** Complete lines (without their `\n`), each a JSON record. */
  push(lines: readonly string[]): Promise<void>;
  /** Ends the stream and waits for the synced file with its root and hash. */
  finish(): Promise<SealedPackage>;
  /** Stops the worker (after a failure); the caller removes the partial file. */
  abort(): Promise<void>;
}

// Plain JavaScript evaluated in the worker (no loader needed under tsx, vitest or the compiled build).
// Its Merkle fold is MERKLE_FOLD_SOURCE (merkle-stream.ts).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { open } = require('node:fs/promises');
${MERKLE_FOLD_SOURCE}
function addLine(line) {
  addDigest(createHash('sha256').update(line).digest());
}
const queue = [];
let waiting = null;
let ended = false;
parentPort.on('message', (m) => {
  if (m.type === 'end') ended = true;
  else queue.push(new Uint8Array(m.bytes, 0, m.length));
  if (waiting) { const w = waiting; waiting = null; w(); }
});
function next() {
  if (queue.length > 0 || ended) return Promise.resolve();
  return new Promise((r) => { waiting = r; });
}
(async () => {
  const { Encrypter } = await import(workerData.ageUrl);
  const source = new ReadableStream({
    async pull(controller) {
      await next();
      if (queue.length === 0) { controller.close(); return; }
      const bytes = queue.shift();
      parentPort.postMessage({ type: 'taken' });
      // Record digests over each line's UTF-8 bytes (the same bytes the receiver hashes).
      let start = 0;
      for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
        addLine(bytes.subarray(start, nl));
        start = nl + 1;
      }
      controller.enqueue(bytes);
    },
  });
  const encrypter = new Encrypter();
  encrypter.addRecipient(workerData.recipient);
  const hash = createHash('sha256');
  const fh = await open(workerData.file, 'w', 0o600);
  try {
    const reader = (await encrypter.encrypt(source)).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      hash.update(value);
      await fh.write(value);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  parentPort.postMessage({ type: 'done', records, merkleRoot: root(), packageSha256: hash.digest('hex') });
})().catch((err) => {
  parentPort.postMessage({ type: 'error', message: err && err.message ? String(err.message) : 'sealer failed' });
});
`;

function ageModuleUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('age-encryption')).href;
}

/** Starts a sealer writing the age package for `recipient` to `file` (mode 0600). */
export function startPackageSealer(file: string, recipient: string, window = 4): PackageSealer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, recipient, ageUrl: ageModuleUrl() },
  });
  let inFlight = 0;
  let failure: Error | undefined;
  let resumeProducer: (() => void) | undefined;
  let settle: { resolve(r: SealedPackage): void; reject(e: Error): void } | undefined;
  const result = new Promise<SealedPackage>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A failure surfaces from push() or finish(), whichever the caller awaits next.
  result.catch(() => undefined);
  const fail = (err: Error) => {
    failure ??= err;
    settle?.reject(failure);
    resumeProducer?.();
  };
  worker.on('message', (m: { type: string; message?: string } & Partial<SealedPackage>) => {
    if (m.type === 'taken') {
      inFlight -= 1;
      const r = resumeProducer;
      resumeProducer = undefined;
      r?.();
    } else if (m.type === 'done') {
      settle?.resolve({
        records: m.records as number,
        merkleRoot: m.merkleRoot as string,
        packageSha256: m.packageSha256 as string,
      });
    } else if (m.type === 'error') {
      // The message names the step (an I/O error), never a value: the worker sees only lines.
      fail(new AppError('INTERNAL', {}, { detail: `package sealer: ${m.message ?? ''}` }));
    }
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', (code) => {
    if (code !== 0) fail(new AppError('INTERNAL', {}, { detail: `package sealer exited with ${code}` }));
  });

  return {
    async push(lines) {
      if (failure) throw failure;
      // Written line by line into one buffer (UTF-8 is at most 3 bytes per UTF-16 unit) rather than
      // concatenated and encoded: flattening a long concatenated string costs more than the encoding.
      // The buffer then moves to the worker (transferred, not copied) and is never touched here again.
      let capacity = lines.length;
      for (const line of lines) capacity += line.length * 3;
      const bytes = Buffer.allocUnsafeSlow(capacity);
      let length = 0;
      for (const line of lines) {
        length += bytes.write(line, length, 'utf8');
        bytes[length++] = 0x0a;
      }
      worker.postMessage({ type: 'chunk', bytes: bytes.buffer, length }, [bytes.buffer as ArrayBuffer]);
      inFlight += 1;
      while (inFlight >= window && !failure) await new Promise<void>((r) => (resumeProducer = r));
      if (failure) throw failure;
    },
    async finish() {
      if (failure) throw failure;
      worker.postMessage({ type: 'end' });
      try {
        return await result;
      } finally {
        await worker.terminate();
      }
    },
    async abort() {
      await worker.terminate();
    },
  };
}
