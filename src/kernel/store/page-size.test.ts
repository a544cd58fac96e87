import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, SQLITE_PAGE_BYTES, walCheckpointPages } from './store.js';

describe('SQLite page size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-pages-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a new store large pages and sizes WAL checkpoints in bytes', async () => {
    const store = await openStore({ engine: 'sqlite', file: join(dir, 'new.db') });
    try {
      const raw = store.sqlite as BetterSqlite3.Database;
      expect(raw.pragma('page_size', { simple: true })).toBe(SQLITE_PAGE_BYTES);
      expect(SQLITE_PAGE_BYTES).toBeGreaterThan(4096);
      expect(walCheckpointPages(raw, 64 * 1024 * 1024)).toBe((64 * 1024 * 1024) / SQLITE_PAGE_BYTES);
    } finally {
      await store.close();
    }
  });

  it('leaves an existing file’s pages as they are and still migrates it', async () => {
    const file = join(dir, 'old.db');
    const old = new BetterSqlite3(file);
    old.pragma('page_size = 4096');
    old.exec('create table kept (v text)');
    old.prepare('insert into kept values (?)').run('still here');
    old.close();
    const store = await openStore({ engine: 'sqlite', file });
    try {
      const raw = store.sqlite as BetterSqlite3.Database;
      expect(raw.pragma('page_size', { simple: true })).toBe(4096);
      expect(raw.prepare('select v from kept').pluck().get()).toBe('still here');
      expect(await store.db.selectFrom('meta').select('key').execute()).toBeInstanceOf(Array);
      expect(walCheckpointPages(raw, 64 * 1024 * 1024)).toBe(16384);
    } finally {
      await store.close();
    }
  });
});
