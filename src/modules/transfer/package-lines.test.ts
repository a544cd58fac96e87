import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, describe, expect, it } from 'vitest';
import { merkleRoot } from '../../kernel/audit/merkle.js';
import { packageLines } from './package-lines.js';
import type { PackageDigest } from './package-opener.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function encryptTo(identity: string, text: string, file: string): Promise<void> {
  const e = new Encrypter();
  e.addRecipient(await identityToRecipient(identity));
  writeFileSync(file, await e.encrypt(text));
}

async function collect(file: string, identity: string): Promise<string[]> {
  const out: string[] = [];
  for await (const l of packageLines(file, identity)) out.push(l);
  return out;
}

describe('packageLines (age stream decryption)', () => {
  const body = `${Array.from({ length: 3000 }, (_, i) => JSON.stringify({ customerId: `c${i}`, pad: 'x'.repeat(40) })).join('\n')}\n`;

  it('yields each line across 64 KiB chunk boundaries', async () => {
    const id = await generateX25519Identity();
    const file = join(dir, 'ok.age');
    await encryptTo(id, body, file);
    const lines = await collect(file, id);
    expect(lines.length).toBe(3000);
    expect(JSON.parse(lines[2999] as string).customerId).toBe('c2999');
  });

  it('counts the lines and folds their Merkle root on the worker, as the kernel computes it', async () => {
    const id = await generateX25519Identity();
    const file = join(dir, 'digest.age');
    // Multi-byte text too: digests are over each line's UTF-8 bytes.
    const text = `${body}${JSON.stringify({ customerId: '客户', note: '上海市' })}\n`;
    await encryptTo(id, text, file);
    const digest: Partial<PackageDigest> = {};
    const lines: string[] = [];
    for await (const l of packageLines(file, id, digest)) lines.push(l);
    expect(digest.records).toBe(3001);
    expect(digest.merkleRoot).toBe(
      merkleRoot(lines.map((l) => createHash('sha256').update(l).digest('hex'))),
    );
  });

  it('refuses another identity, a flipped byte, a truncated file and a cut-off last line', async () => {
    const id = await generateX25519Identity();
    const other = await generateX25519Identity();
    const file = join(dir, 'a.age');
    await encryptTo(id, body, file);
    await expect(collect(file, other)).rejects.toMatchObject({ code: 'TRANSFER_NOT_RECIPIENT' });
    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 500] = (flipped[flipped.length - 500] as number) ^ 1;
    writeFileSync(join(dir, 'f.age'), flipped);
    await expect(collect(join(dir, 'f.age'), id)).rejects.toMatchObject({ code: 'TRANSFER_PACKAGE_CORRUPT' });
    writeFileSync(join(dir, 't.age'), bytes.subarray(0, 70_000));
    await expect(collect(join(dir, 't.age'), id)).rejects.toMatchObject({ code: 'TRANSFER_PACKAGE_CORRUPT' });
    await encryptTo(id, '{"a":1}\n{"b":', join(dir, 'cut.age'));
    await expect(collect(join(dir, 'cut.age'), id)).rejects.toMatchObject({
      code: 'TRANSFER_PACKAGE_CORRUPT',
    });
  });
});
