import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../kernel/errors/app-error.js';
import { MessageInbox } from '../../kernel/threads/message-inbox.js';
import { MERKLE_FOLD_SOURCE } from './merkle-stream.js';

/**
 * Decrypts an age package on a worker thread and hands the plaintext over in chunks of about 1 MiB, with
 * the record count and the Merkle root over the record lines' digests computed there as well: the
 * pure-JavaScript ChaCha20-Poly1305 of the age package takes about 11 s of one core for a million
 * records, which the receiver's import would otherwise wait for. The worker reads the file through a
 * file handle (flat memory) and stays at most `window` chunks ahead of the reader. The age identity
 * crosses to the worker in memory (workerData), never through a file; plaintext comes back by message.
 * Failures come back as the step that failed, never a value.
 */
export type OpenFailure = 'recipient' | 'header' | 'chunk' | 'io';

// Plain JavaScript evaluated in the worker, like the package sealer's (no loader under tsx or vitest).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { open } = require('node:fs/promises');
${MERKLE_FOLD_SOURCE}
// Record digests over each line's bytes, the newline excluded (what the seller's sealer hashed).
let line = createHash('sha256');
function digestLines(bytes) {
  let start = 0;
  for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
    line.update(bytes.subarray(start, nl));
    addDigest(line.digest());
    line = createHash('sha256');
    start = nl + 1;
  }
  if (start < bytes.length) line.update(bytes.subarray(start));
}
let credit = workerData.window;
let wake = null;
parentPort.on('message', (m) => {
  if (m.type !== 'ack') return;
  credit += 1;
  if (wake) { const w = wake; wake = null; w(); }
});
const waitForCredit = () => (credit > 0 ? Promise.resolve() : new Promise((r) => { wake = r; }));
(async () => {
  const { Decrypter } = await import(workerData.ageUrl);
  const decrypter = new Decrypter();
  decrypter.addIdentity(workerData.identity);
  let fh;
  const input = new ReadableStream({
    async pull(controller) {
      fh ??= await open(workerData.file, 'r');
      const buf = Buffer.allocUnsafe(64 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) { await fh.close(); controller.close(); }
      else controller.enqueue(new Uint8Array(buf.buffer, buf.byteOffset, bytesRead));
    },
    async cancel() { await fh?.close(); },
  });
  let output;
  try {
    output = await decrypter.decrypt(input);
  } catch (err) {
    const stage = String((err && err.message) || '').includes('no identity matched') ? 'recipient' : 'header';
    parentPort.postMessage({ type: 'error', stage });
    return;
  }
  const reader = output.getReader();
  let parts = [];
  let size = 0;
  const send = async () => {
    if (size === 0) return;
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
    parts = [];
    size = 0;
    await waitForCredit();
    credit -= 1;
    parentPort.postMessage({ type: 'chunk', bytes: bytes.buffer }, [bytes.buffer]);
  };
  for (;;) {
    let r;
    try { r = await reader.read(); } catch { parentPort.postMessage({ type: 'error', stage: 'chunk' }); return; }
    if (r.done) break;
    digestLines(r.value);
    parts.push(r.value);
    size += r.value.length;
    if (size >= 1 << 20) await send();
  }
  await send();
  // A cut-off last line is not a record (the reader refuses the file for it).
  parentPort.postMessage({ type: 'end', records, merkleRoot: root() });
})().catch(() => parentPort.postMessage({ type: 'error', stage: 'io' }));
`;

function ageModuleUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('age-encryption')).href;
}

function failure(stage: OpenFailure): AppError {
  if (stage === 'recipient') return new AppError('TRANSFER_NOT_RECIPIENT');
  if (stage === 'header')
    return new AppError('TRANSFER_PACKAGE_CORRUPT', { detail: 'the age header does not parse or verify' });
  if (stage === 'chunk')
    return new AppError('TRANSFER_PACKAGE_CORRUPT', {
      detail: 'a chunk does not authenticate or the file ends early',
    });
  return new AppError('INTERNAL', {}, { detail: 'package decryption failed' });
}

type WorkerMessage =
  | { type: 'chunk'; bytes: ArrayBuffer }
  | ({ type: 'end' } & PackageDigest)
  | { type: 'error'; stage: OpenFailure };

/** What the worker found in the plaintext: its line count and the Merkle root over the line digests. */
export interface PackageDigest {
  records: number;
  merkleRoot: string;
}

/**
 * The decrypted bytes of an age file, in order; stops the worker when the caller stops early. Once the
 * last chunk is out, `digest` (if given) holds the records counted and their Merkle root.
 */
export async function* decryptedChunks(
  file: string,
  identity: string,
  digest?: Partial<PackageDigest>,
  window = 2,
): AsyncGenerator<Uint8Array> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, identity, window, ageUrl: ageModuleUrl() },
    // It holds a few chunks at a time; a small young generation keeps its garbage from adding to the
    // process's peak (a million-record receive must stay under 500 MB with the import beside it).
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
  });
  const inbox = new MessageInbox<WorkerMessage>();
  const deliver = inbox.deliver;
  worker.on('message', deliver);
  worker.on('error', () => deliver({ type: 'error', stage: 'io' }));
  worker.on('exit', (code) => {
    if (code !== 0) deliver({ type: 'error', stage: 'io' });
  });
  try {
    for (;;) {
      const m = await inbox.next();
      if (m.type === 'end') {
        if (digest) Object.assign(digest, { records: m.records, merkleRoot: m.merkleRoot });
        return;
      }
      if (m.type === 'error') throw failure(m.stage);
      worker.postMessage({ type: 'ack' });
      yield new Uint8Array(m.bytes);
    }
  } finally {
    await worker.terminate();
  }
}
