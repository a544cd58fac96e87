import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { preparedQuery } from './prepared.js';
import { openStore, type Store } from './store.js';

describe('preparedQuery', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-prepared-'));
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compiles once and binds each call’s arguments in place of the markers, keeping constants', async () => {
    store = await openStore({ engine: 'sqlite', file: join(dir, 'db') });
    await store.db
      .insertInto('meta')
      .values([
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'c', value: '3' },
      ])
      .execute();
    const pick = preparedQuery<{ key: string; value: string }, [string, string]>((db, arg) =>
      db
        .selectFrom('meta')
        .selectAll()
        .where('key', 'in', [arg(1), 'c', arg(0)])
        .orderBy('key'),
    );
    expect(await pick('sqlite', store.db, 'a', 'b')).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
      { key: 'c', value: '3' },
    ]);
    expect((await pick('sqlite', store.db, 'zz', 'a')).map((r) => r.key)).toEqual(['a', 'c']);
  });
});
