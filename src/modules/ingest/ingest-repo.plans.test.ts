import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database as Schema } from '../../kernel/store/schema.js';
import { openStore } from '../../kernel/store/store.js';
import { createIngestRepo } from './ingest-repo.js';

const ORG = '0192aaaa-0000-7000-8000-000000000001';

/**
 * A rollback pages through a batch of any size: each page must be an index range of the batch, and
 * each delete must probe customers by primary key. Both once scanned the whole batch or org per page
 * (quadratic: a 200k-row rollback took 45 s). The repo's own SQL is captured and SQLite's plan read.
 */
describe('rollback queries on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-plans-'));
  const file = join(dir, 'db');
  const captured: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  let raw: Database.Database | undefined;
  afterAll(() => {
    raw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function capture(run: (db: Kysely<Schema>) => Promise<unknown>) {
    captured.length = 0;
    raw ??= new Database(file);
    const db = new Kysely<Schema>({
      dialect: new SqliteDialect({ database: raw }),
      log: (e) => {
        if (e.level === 'query') captured.push({ sql: e.query.sql, parameters: e.query.parameters });
      },
    });
    await run(db);
    return captured.map((q) => ({
      sql: q.sql,
      plan: (raw as Database.Database)
        .prepare(`explain query plan ${q.sql}`)
        .all(...(q.parameters as unknown[]))
        .map((r) => (r as { detail: string }).detail)
        .join(' / '),
    }));
  }

  it('pages a batch by an index range in id order and deletes by primary key', async () => {
    const store = await openStore({ engine: 'sqlite', file });
    await store.close();
    const repo = createIngestRepo(ORG);

    const [page] = await capture((db) => repo.batchCustomers(db, 'batch-1', 500, 'some-id'));
    expect(page?.plan).toContain('USING INDEX customers_batch (org_id=? AND batch_id=? AND id>?)');
    expect(page?.plan).not.toContain('TEMP B-TREE');

    const deletes = await capture((db) =>
      db.transaction().execute((trx) => repo.deleteCustomers(trx, ['a', 'b', 'c'])),
    );
    const customers = deletes.find((q) => q.sql.startsWith('delete from "customers"'));
    expect(customers?.plan).toMatch(/USING INDEX sqlite_autoindex_customers_1 \(id=\?\)/);
    for (const q of deletes) expect(q.plan, q.sql).not.toMatch(/^SCAN /);
  });
});
