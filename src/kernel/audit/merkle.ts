import { createHash } from 'node:crypto';

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/**
 * Merkle root over hex leaf hashes, with RFC 6962 domain separation (0x00 leaf, 0x01 node); an odd
 * node at the end of a level is carried up unchanged. The empty tree's root is SHA-256 of nothing.
 */
export function merkleRoot(leavesHex: readonly string[]): string {
  if (leavesHex.length === 0) return createHash('sha256').digest('hex');
  let level: Buffer[] = leavesHex.map((h) =>
    createHash('sha256').update(LEAF).update(Buffer.from(h, 'hex')).digest(),
  );
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Buffer;
      const right = level[i + 1];
      next.push(right ? createHash('sha256').update(NODE).update(left).update(right).digest() : left);
    }
    level = next;
  }
  return (level[0] as Buffer).toString('hex');
}
