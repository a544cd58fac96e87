import { createHash } from 'node:crypto';

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/**
 * The kernel's `merkleRoot` (RFC 6962 domain separation, an odd node carried up unchanged) computed
 * one leaf at a time in O(log n) memory, so a million-record package never holds its leaf list.
 * Complete subtrees are merged as they fill (a binary counter); at the end the remaining subtrees are
 * folded from the right, which is exactly where the level-by-level form carries its odd nodes.
 */
export class MerkleAccumulator {
  private readonly stack: Array<{ hash: Buffer; height: number }> = [];
  count = 0;

  /** Adds one leaf: the SHA-256 digest (raw bytes) of a record line. */
  addDigest(digest: Buffer): void {
    let node = { hash: createHash('sha256').update(LEAF).update(digest).digest(), height: 0 };
    this.count += 1;
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top || top.height !== node.height) break;
      this.stack.pop();
      node = {
        hash: createHash('sha256').update(NODE).update(top.hash).update(node.hash).digest(),
        height: node.height + 1,
      };
    }
    this.stack.push(node);
  }

  /** The root as hex; the empty tree's root is SHA-256 of nothing. */
  root(): string {
    if (this.stack.length === 0) return createHash('sha256').digest('hex');
    let acc = this.stack[this.stack.length - 1] as { hash: Buffer };
    for (let i = this.stack.length - 2; i >= 0; i--) {
      const left = this.stack[i] as { hash: Buffer };
      acc = { hash: createHash('sha256').update(NODE).update(left.hash).update(acc.hash).digest() };
    }
    return acc.hash.toString('hex');
  }
}

/**
 * MerkleAccumulator as plain JavaScript for the package workers (sealer and opener), which are evaluated
 * without a loader: `addDigest(digest)` folds a record digest, `records` counts them, `root()` gives the
 * hex root. package-sealer.test.ts and package-lines.test.ts pin it to the kernel's merkleRoot.
 */
export const MERKLE_FOLD_SOURCE = `
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);
const stack = [];
let records = 0;
function addDigest(digest) {
  let node = { hash: createHash('sha256').update(LEAF).update(digest).digest(), height: 0 };
  records += 1;
  while (stack.length > 0 && stack[stack.length - 1].height === node.height) {
    const top = stack.pop();
    node = { hash: createHash('sha256').update(NODE).update(top.hash).update(node.hash).digest(), height: node.height + 1 };
  }
  stack.push(node);
}
function root() {
  if (stack.length === 0) return createHash('sha256').digest('hex');
  let acc = stack[stack.length - 1].hash;
  for (let i = stack.length - 2; i >= 0; i--) acc = createHash('sha256').update(NODE).update(stack[i].hash).update(acc).digest();
  return acc.toString('hex');
}
`;
