import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFER_MAX_ROWS,
  DEFER_STORE_PER_LOAD,
  deferPublicValueIndex,
  ensurePublicValueIndex,
  expectedPublicValues,
  restorePublicValueIndex,
} from './public-value-index.js';
import { openStore, type Store } from './store.js';

const ORG = '0192aaaa-0000-7000-8000-000000000001';

describe('the public-value index set aside for a bulk load (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-lookup-'));
  const file = join(dir, 'db');
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const present = async (s: Store): Promise<boolean> =>
    (
      await sql`select 1 from sqlite_master where type = 'index' and name = 'customer_public_lookup'`.execute(
        s.db,
      )
    ).rows.length === 1;

  async function addValues(s: Store, count: number, from: number): Promise<void> {
    const rows = Array.from({ length: count }, (_, i) => ({
      org_id: ORG,
      customer_id: `c${String(from + i).padStart(8, '0')}`,
      field: 'region',
      value: JSON.stringify(`区${(from + i) % 97}`),
    }));
    for (let i = 0; i < rows.length; i += 5000)
      await s.db
        .insertInto('customer_public')
        .values(rows.slice(i, i + 5000))
        .execute();
  }

  it('is dropped for a small store, built again with the same definition, and kept for a large one', async () => {
    store = await openStore({ engine: 'sqlite', file });
    const definition = async (s: Store) =>
      (
        await sql<{
          sql: string;
        }>`select sql from sqlite_master where name = 'customer_public_lookup'`.execute(s.db)
      ).rows[0]?.sql;
    const original = await definition(store);
    expect(original).toContain('"org_id", "field", "value"');
    await addValues(store, 100, 0);

    expect(await deferPublicValueIndex(store.db, 'sqlite')).toBe(true);
    expect(await present(store)).toBe(false);
    await ensurePublicValueIndex(store.db, 'sqlite');
    expect(await definition(store)).toBe(original);

    await addValues(store, DEFER_MAX_ROWS, 100);
    expect(await deferPublicValueIndex(store.db, 'sqlite')).toBe(false);
    expect(await present(store)).toBe(true);
  });

  it('is set aside in a larger store only for a load large beside it', async () => {
    const s = store as Store;
    const held = DEFER_MAX_ROWS + 100;
    // A load expected to add a quarter of what the store holds: rebuilding is cheaper than the inserts.
    const quarter = Math.ceil(held / DEFER_STORE_PER_LOAD);
    expect(await deferPublicValueIndex(s.db, 'sqlite', quarter - 1)).toBe(false);
    expect(await present(s)).toBe(true);
    expect(await deferPublicValueIndex(s.db, 'sqlite', quarter)).toBe(true);
    expect(await present(s)).toBe(false);
    // The drop skips zeroing the index's pages; erasures after it must zero theirs again.
    const secure = await sql<{ secure_delete: number }>`pragma secure_delete`.execute(s.db);
    expect(secure.rows[0]?.secure_delete).toBe(1);
    await ensurePublicValueIndex(s.db, 'sqlite');
    expect(await present(s)).toBe(true);
    // The file-size estimate errs low: a generated CSV row (~220 bytes) carries 1.7 values.
    expect(expectedPublicValues(1_000_000 * 220)).toBeLessThan(1_000_000);
    expect(expectedPublicValues(1_000_000 * 220)).toBeGreaterThan(500_000);
  });

  it('is rebuilt when a store opens, unless an import holds a live lease', async () => {
    const s = store as Store;
    await sql`drop index customer_public_lookup`.execute(s.db);
    const now = new Date('2026-01-01T06:00:00.000Z');
    const batch = {
      id: 'batch-1',
      org_id: ORG,
      status: 'running' as const,
      file_name: 'f.csv',
      file_sha256: 'x',
      file_size: 1,
      options: '{}',
      counts: '{}',
      report: '{}',
      rows_done: 0,
      actor: 'a',
      lease_owner: 'host:1:x',
      lease_until: new Date(now.getTime() + 60_000).toISOString(),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await s.db.insertInto('import_batches').values(batch).execute();
    await restorePublicValueIndex(s.db, 'sqlite', now);
    expect(await present(s)).toBe(false);

    await restorePublicValueIndex(s.db, 'sqlite', new Date(now.getTime() + 120_000));
    expect(await present(s)).toBe(true);

    // openStore does the same: a lease that ran out long ago does not keep the index away.
    await sql`drop index customer_public_lookup`.execute(s.db);
    await s.close();
    store = await openStore({ engine: 'sqlite', file });
    expect(await present(store)).toBe(true);
  });
});
