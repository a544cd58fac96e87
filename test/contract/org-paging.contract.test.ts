import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/kernel/ids/uuid.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

// A whole org's customer list and export walk the primary key and leave other orgs' rows out
// themselves (an org condition made SQLite sort the org for every page). Here another org's customers
// sit between this org's in id order, so every page meets some and must still be full and ordered.

for (const target of engines()) {
  describe(`paging an org's customers among another org's on ${target.engine}`, () => {
    let f: AppFixture;
    const own: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'custodian-org-paging-'));

    beforeAll(async () => {
      f = await freshApp(target);
      const db = f.app.kernel.store.db;
      const otherOrg = uuidv7();
      await db
        .insertInto('orgs')
        .values({ id: otherOrg, name: '另一家', created_at: new Date().toISOString() })
        .execute();
      for (let i = 0; i < 12; i++) {
        own.push(
          await f.app.customers.create(f.actor, {
            kind: 'individual',
            purposes: ['sales'],
            fields: { name: `本组织${i}`, mobile: `1380000${String(i).padStart(4, '0')}` },
          }),
        );
        // Two of the other org's customers after each of ours: ids are time-ordered.
        for (let k = 0; k < 2; k++) {
          const now = new Date().toISOString();
          await db
            .insertInto('customers')
            .values({
              id: uuidv7(),
              org_id: otherOrg,
              kind: 'individual',
              status: 'active',
              parent_id: null,
              wrapped_dek: null,
              key_version: 1,
              blob_l2: null,
              blob_l3: null,
              blob_l4: null,
              owner_id: null,
              source: null,
              batch_id: null,
              flags: '[]',
              created_at: now,
              updated_at: now,
              erased_at: null,
            })
            .execute();
        }
      }
    });
    afterAll(async () => {
      await f?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('lists full pages of its own customers, in order, to the end', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      const sizes: number[] = [];
      for (;;) {
        const page = await f.app.customers.list(f.actor, { limit: 5, ...(cursor ? { cursor } : {}) });
        sizes.push(page.items.length);
        seen.push(...page.items.map((c) => c.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(sizes).toEqual([5, 5, 2]);
      expect(seen).toEqual([...own].sort());
    });

    it('exports its own customers only', async () => {
      const out = join(dir, 'own.csv');
      const result = await f.app.exports.exportCustomers(f.actor, { out, fields: ['name'] });
      expect(result.rows).toBe(own.length);
      const ids = readFileSync(out, 'utf8')
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[0]);
      expect(ids).toEqual([...own].sort());
    });
  });
}
