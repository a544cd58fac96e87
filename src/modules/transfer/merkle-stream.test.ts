import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { merkleRoot } from '../../kernel/audit/merkle.js';
import { MerkleAccumulator } from './merkle-stream.js';

describe('MerkleAccumulator', () => {
  it('gives the kernel merkleRoot for every size up to 300 and a few larger ones', () => {
    for (const n of [...Array.from({ length: 301 }, (_, i) => i), 1023, 1024, 1025, 4097]) {
      const leaves = Array.from({ length: n }, (_, i) => createHash('sha256').update(`line ${i}`).digest());
      const acc = new MerkleAccumulator();
      for (const l of leaves) acc.addDigest(l);
      expect(acc.root(), `n=${n}`).toBe(merkleRoot(leaves.map((l) => l.toString('hex'))));
      expect(acc.count).toBe(n);
    }
  });
});
