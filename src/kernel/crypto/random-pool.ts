import { randomFillSync } from 'node:crypto';

/**
 * Draws nonces and keys from a large CSPRNG buffer: one `randomBytes` call per small value costs more
 * than the AES-GCM operation it feeds (ARCHITECTURE §7).
 */
export class RandomPool {
  private buffer: Buffer;
  private offset: number;

  constructor(private readonly size = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(size);
    this.offset = size;
  }

  take(length: number): Buffer {
    if (length > this.size) return randomFillSync(Buffer.allocUnsafe(length));
    if (this.offset + length > this.size) {
      // A fresh buffer each refill: slices handed out earlier must never see their bytes reused.
      this.buffer = randomFillSync(Buffer.allocUnsafe(this.size));
      this.offset = 0;
    }
    const out = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}
