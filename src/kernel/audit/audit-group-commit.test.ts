import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initKernel, type Kernel } from '../kernel.js';

describe('audit group commit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-group-'));
  let kernel: Kernel | undefined;
  afterAll(async () => {
    await kernel?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits concurrent records together, in arrival order, each resolving to its own sequence number', async () => {
    kernel = await initKernel({ dataDir: dir });
    const k = kernel;
    let transactions = 0;
    const original = k.store.transaction.bind(k.store);
    (k.store as { transaction: typeof original }).transaction = (fn) => {
      transactions += 1;
      return original(fn);
    };
    const seqs = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        k.audit.record([{ actor: `cli:t${i}`, action: 'test.read', subjects: [`c${i}`] }]),
      ),
    );
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const events = await k.audit.query({ afterSeq: 0, limit: 100 });
    expect(events.map((e) => e.actor)).toEqual(Array.from({ length: 50 }, (_, i) => `cli:t${i}`));
    // The first record commits alone; the 49 queued behind it share the next transaction.
    expect(transactions).toBe(2);
    expect((await k.audit.verify()).ok).toBe(true);
  });
});
