import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import type { Actor } from '../../src/kernel/authz/permissions.js';
import { orgIndexNumber } from '../../src/kernel/store/org-index-number.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

// Entries written before names were folded to simplified characters (ADR 0017) hold the traditional
// form's hash. `keys reindex` recomputes every customer's entries from its values and replaces the ones
// that differ, so such a customer is found by the simplified spelling and by nothing stale.

for (const target of engines()) {
  describe(`search index rebuild on ${target.engine}`, () => {
    let f: AppFixture;
    let legacyId: string;
    let otherIds: string[];

    beforeAll(async () => {
      f = await freshApp(target);
      otherIds = await f.app.customers.createMany(
        f.actor,
        Array.from({ length: 7 }, (_, i) => ({
          kind: 'individual' as const,
          purposes: ['sales'],
          fields: { name: `重建${i}`, mobile: `1370000${String(i).padStart(4, '0')}` },
        })),
      );
      legacyId = await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['sales'],
        fields: { name: '黃麗華', mobile: '13900138071' },
      });
      // Make its name entry what an earlier version wrote: the traditional form's keyed hash, both in
      // the index and in the row's record of its own entries.
      const keys = f.app.kernel.keys;
      const db = f.app.kernel.store.db;
      const orgNo = orgIndexNumber(f.actor.orgId);
      const legacy = keys.blindIndex('name', '黃麗華');
      const current = keys.blindIndex('name', '黄丽华');
      const row = await db
        .selectFrom('customers')
        .select('index_keys')
        .where('id', '=', legacyId)
        .executeTakeFirstOrThrow();
      const packed = Buffer.from(row.index_keys as Uint8Array);
      const at = packed.indexOf(current);
      expect(at).toBeGreaterThanOrEqual(0);
      legacy.copy(packed, at);
      await db.updateTable('customers').set({ index_keys: packed }).where('id', '=', legacyId).execute();
      await db
        .updateTable('blind_index')
        .set({ hash: legacy })
        .where('org_no', '=', orgNo)
        .where('field', '=', 'name')
        .where('hash', '=', current)
        .execute();
    });
    afterAll(async () => f?.cleanup());

    async function nameEntries(hash: Buffer): Promise<number> {
      const r = await f.app.kernel.store.db
        .selectFrom('blind_index')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_no', '=', orgIndexNumber(f.actor.orgId))
        .where('field', '=', 'name')
        .where('hash', '=', hash)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    }

    it('is refused to anyone who may not rotate the keys', async () => {
      const manager: Actor = { ...f.actor, id: 'token:mgr', kind: 'token', roles: ['manager'] };
      await expect(f.app.searchIndex.rebuild(manager)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(f.app.searchIndex.rebuild(f.actor, { batchSize: 0 })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    });

    it('waits for a running import to finish', async () => {
      const db = f.app.kernel.store.db;
      const now = new Date().toISOString();
      await db
        .insertInto('import_batches')
        .values({
          id: 'batch-running',
          org_id: f.actor.orgId,
          status: 'running',
          file_name: 'f.csv',
          file_sha256: 'x',
          file_size: 1,
          options: '{}',
          counts: '{}',
          report: '{}',
          rows_done: 0,
          actor: f.actor.id,
          lease_owner: 'host:1:x',
          lease_until: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
      try {
        await expect(f.app.searchIndex.rebuild(f.actor)).rejects.toMatchObject({
          code: 'SEARCH_INDEX_BUSY',
        });
      } finally {
        await db.deleteFrom('import_batches').where('id', '=', 'batch-running').execute();
      }
    });

    it('replaces stale entries in batches, audits every customer it opened, and changes nothing twice', async () => {
      const before = f.app.kernel.keys;
      expect(await nameEntries(before.blindIndex('name', '黃麗華'))).toBe(1);
      expect(await nameEntries(before.blindIndex('name', '黄丽华'))).toBe(0);

      // A process that has not read the field catalogue yet (as the CLI's is) must not wait on itself.
      await f.app.close();
      f.app = await openApp({ dataDir: f.dataDir, dbUrl: f.dbUrl });
      const progress: Array<[number, number]> = [];
      const first = await f.app.searchIndex.rebuild(f.actor, {
        batchSize: 3,
        onProgress: (done, total) => progress.push([done, total]),
      });
      expect(first).toEqual({ customers: 8, changed: 1 });
      expect(progress).toEqual([
        [3, 8],
        [6, 8],
        [8, 8],
      ]);
      const keys = f.app.kernel.keys;
      expect(await nameEntries(keys.blindIndex('name', '黃麗華'))).toBe(0);
      expect(await nameEntries(keys.blindIndex('name', '黄丽华'))).toBe(1);
      expect((await f.app.customers.find(f.actor, { name: '黄丽华' })).map((c) => c.id)).toEqual([legacyId]);
      expect((await f.app.customers.find(f.actor, { mobile: '13900138071' })).map((c) => c.id)).toEqual([
        legacyId,
      ]);
      expect((await f.app.customers.find(f.actor, { name: '重建4' })).map((c) => c.id)).toEqual([
        otherIds[4],
      ]);

      const events = await f.app.kernel.audit.query({ action: 'customer.reindex', limit: 10 });
      expect(events).toHaveLength(3);
      expect(events.flatMap((e) => e.subjects).sort()).toEqual([...otherIds, legacyId].sort());
      expect(events.map((e) => e.details?.changed).reduce((a, b) => Number(a) + Number(b), 0)).toBe(1);
      expect(events.every((e) => e.fields.includes('name') && e.fields.includes('mobile'))).toBe(true);

      expect(await f.app.searchIndex.rebuild(f.actor)).toEqual({ customers: 8, changed: 0 });
    });

    it('records the new entries on the row, so erasing the customer removes them', async () => {
      await f.app.customers.erase(f.actor, legacyId, { reason: '测试 / test' });
      expect(await nameEntries(f.app.kernel.keys.blindIndex('name', '黄丽华'))).toBe(0);
      const left = await f.app.kernel.store.db
        .selectFrom('blind_index')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('customer_id', '=', legacyId)
        .executeTakeFirstOrThrow();
      expect(Number(left.n)).toBe(0);
    });
  });
}
