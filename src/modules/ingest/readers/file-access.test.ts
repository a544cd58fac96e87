import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchWriter, forgetScratch, openBytes, readBytes } from './file-access.js';
import { openTable } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-scratch-'));
const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'ingest');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scratchCopy(source: string, name: string): Promise<string> {
  const sub = join(dir, randomBytes(4).toString('hex'));
  mkdirSync(sub);
  const path = join(sub, name);
  const writer = createScratchWriter(path);
  await pipeline(createReadStream(source), writer.cipher);
  await writer.done;
  return path;
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function rows(path: string) {
  const out = [];
  for await (const r of (await openTable(path)).rows()) out.push(r);
  return out;
}

describe('encrypted scratch files', () => {
  it('keep no plaintext on disk yet read back exactly, at any offset and range', async () => {
    const plain = Buffer.concat([Buffer.from('姓名,手机\n张三,13800138000\n', 'utf8'), randomBytes(5000)]);
    const src = join(dir, 'plain.bin');
    writeFileSync(src, plain);
    const path = await scratchCopy(src, 'scratch.csv');
    const onDisk = readFileSync(path);
    expect(onDisk.length).toBe(plain.length);
    expect(onDisk.includes(Buffer.from('13800138000'))).toBe(false);
    expect(onDisk.includes(Buffer.from('张三'))).toBe(false);
    const h = await openBytes(path);
    for (const [pos, len] of [
      [0, 10],
      [7, 33],
      [15, 2],
      [16, 16],
      [4093, 900],
      [plain.length - 5, 20],
    ] as const) {
      const buf = Buffer.alloc(len);
      const { bytesRead } = await h.read(buf, 0, len, pos);
      expect(buf.subarray(0, bytesRead).equals(plain.subarray(pos, pos + len))).toBe(true);
    }
    await h.close();
    expect((await collect(readBytes(path))).equals(plain)).toBe(true);
    expect((await collect(readBytes(path, { start: 37, end: 4321 }))).equals(plain.subarray(37, 4322))).toBe(
      true,
    );
    // Without the key (forgotten after use) the same file reads as noise.
    forgetScratch(path);
    expect((await collect(readBytes(path))).equals(plain)).toBe(false);
  });

  it('yield the same rows as the plain file for a GBK CSV and a workbook', async () => {
    for (const name of ['gbk.csv', 'two-sheets.xlsx']) {
      const source = join(FIXTURES, name);
      const path = await scratchCopy(source, name);
      expect(await rows(path)).toEqual(await rows(source));
      forgetScratch(path);
    }
  });
});
