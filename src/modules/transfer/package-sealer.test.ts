import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, describe, expect, it } from 'vitest';
import { merkleRoot } from '../../kernel/audit/merkle.js';
import { fileSha256, packageLines } from './package-lines.js';
import { startPackageSealer } from './package-sealer.js';
import { sha256Hex } from './signing.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-sealer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('package sealer (worker thread)', () => {
  it('writes an age file the recipient opens, with the digests, Merkle root and hash of what it wrote', async () => {
    const identity = await generateIdentity();
    const file = join(dir, 'p.age');
    const sealer = startPackageSealer(file, await identityToRecipient(identity), 2);
    const lines: string[] = [];
    // Several pages, non-ASCII text, and more than one 64 KiB age chunk.
    for (let page = 0; page < 20; page++) {
      const chunk: string[] = [];
      for (let i = 0; i < 300; i++)
        chunk.push(JSON.stringify({ n: page * 300 + i, name: `客户${i}`, pad: 'x'.repeat(i % 40) }));
      lines.push(...chunk);
      await sealer.push(chunk);
    }
    const sealed = await sealer.finish();
    expect(sealed.records).toBe(lines.length);
    expect(sealed.merkleRoot).toBe(merkleRoot(lines.map((l) => sha256Hex(l))));
    expect(sealed.packageSha256).toBe(await fileSha256(file));
    const back: string[] = [];
    for await (const line of packageLines(file, identity)) back.push(line);
    expect(back).toEqual(lines);
  });

  it('folds the Merkle root exactly as the kernel does for odd and uneven tree sizes', async () => {
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    for (const n of [1, 2, 3, 5, 6, 7, 8, 9, 13, 33, 100, 1025]) {
      const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ i, n }));
      const sealer = startPackageSealer(join(dir, `m${n}.age`), recipient);
      // Uneven pages: the tree must not depend on how the lines were cut into chunks.
      for (let i = 0; i < n; i += 7) await sealer.push(lines.slice(i, i + 7));
      const sealed = await sealer.finish();
      expect(sealed.merkleRoot, `n=${n}`).toBe(merkleRoot(lines.map((l) => sha256Hex(l))));
    }
  });

  it('gives the empty tree root and a valid empty package when nothing is pushed', async () => {
    const identity = await generateIdentity();
    const file = join(dir, 'empty.age');
    const sealed = await startPackageSealer(file, await identityToRecipient(identity)).finish();
    expect(sealed).toMatchObject({ records: 0, merkleRoot: merkleRoot([]) });
    const back: string[] = [];
    for await (const line of packageLines(file, identity)) back.push(line);
    expect(back).toEqual([]);
  });

  it('reports a failure (an unusable recipient) instead of hanging, and can be aborted', async () => {
    const file = join(dir, 'bad.age');
    const sealer = startPackageSealer(file, 'age1notarecipient');
    await expect(
      (async () => {
        await sealer.push(['{"a":1}']);
        await sealer.finish();
      })(),
    ).rejects.toMatchObject({ code: 'INTERNAL' });
    await sealer.abort();
    rmSync(file, { force: true });
    expect(existsSync(file)).toBe(false);
  });
});
