import { createHmac, hkdfSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { open } from '../../src/kernel/crypto/aead.js';
import { unwrapOrgKey } from '../../src/kernel/crypto/key-ring.js';
import { readKeyFile } from '../../src/kernel/crypto/root-key.js';
import { AppError } from '../../src/kernel/errors/app-error.js';
import { type AppFixture, freshApp, SEEDED } from '../support/app-fixture.js';
import { filesUnder, findInFiles, pgDump, plaintextForms } from '../support/byte-scan.js';
import { engines } from '../support/engines.js';

for (const target of engines()) {
  describe(`no plaintext and erasure on ${target.engine}`, () => {
    let f: AppFixture | undefined;
    afterEach(async () => {
      await f?.cleanup();
      f = undefined;
    });

    async function seedAll(fx: AppFixture): Promise<string[]> {
      const ids: string[] = [];
      for (const s of SEEDED) {
        ids.push(
          await fx.app.customers.create(fx.actor, {
            kind: 'individual',
            purposes: ['sales'],
            fields: { ...s, address: '浙江省杭州市滨江区长河街道江南大道1号' },
          }),
        );
      }
      // Use the data the way people do: find, reveal, list; all of it is audited.
      await fx.app.customers.find(fx.actor, { mobile: SEEDED[0].mobile });
      await fx.app.customers.get(fx.actor, ids[0] as string, {
        reveal: ['idNumber', 'mobile', 'name'],
        purpose: 'sales',
      });
      await fx.app.customers.list(fx.actor, {});
      return ids;
    }

    it('keeps no seeded value in clear in any file of the data directory or the database dump', async () => {
      f = await freshApp(target);
      await seedAll(f);
      await f.app.kernel.audit.checkpointNow();
      const dump = target.engine === 'postgres' ? pgDump(f.dbUrl as string) : null;
      await f.app.close();
      const needles = SEEDED.flatMap((s) =>
        [s.name, s.mobile, s.idNumber, s.email, '江南大道1号'].flatMap((v) =>
          plaintextForms(v).map((n) => ({ ...n, label: `${v.slice(0, 2)}… ${n.label}` })),
        ),
      );
      const files = filesUnder(f.dataDir);
      expect(files.some((p) => p.endsWith('custodian.key'))).toBe(true);
      if (target.engine === 'sqlite') expect(files.some((p) => p.endsWith('custodian.db'))).toBe(true);
      expect(findInFiles(files, needles)).toEqual([]);
      if (dump) {
        expect(dump.length).toBeGreaterThan(1000);
        expect(dump.toString('utf8')).toContain('customers');
        const hits = needles.filter((n) => dump.includes(n.bytes)).map((n) => n.label);
        expect(hits).toEqual([]);
      }
    });

    it('fails to open a ciphertext moved to another customer or grade', async () => {
      f = await freshApp(target);
      const [a, b] = await seedAll(f);
      const db = f.app.kernel.store.db;
      const rowA = await db
        .selectFrom('customers')
        .selectAll()
        .where('id', '=', a as string)
        .executeTakeFirstOrThrow();
      const rowB = await db
        .selectFrom('customers')
        .selectAll()
        .where('id', '=', b as string)
        .executeTakeFirstOrThrow();
      await db
        .updateTable('customers')
        .set({ blob_l3: rowA.blob_l3 })
        .where('id', '=', b as string)
        .execute();
      const err = await f.app.customers.get(f.actor, b as string).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('CIPHERTEXT_MISMATCH');
      expect((err as AppError).messageIn('en')).toContain(`customer ${b} L3`);
      await db
        .updateTable('customers')
        .set({ blob_l3: rowB.blob_l3, wrapped_dek: rowA.wrapped_dek })
        .where('id', '=', b as string)
        .execute();
      await expect(f.app.customers.get(f.actor, b as string)).rejects.toMatchObject({
        code: 'CIPHERTEXT_MISMATCH',
      });
      // Same customer, L4 blob moved into the L3 slot: the grade is bound too.
      await db
        .updateTable('customers')
        .set({ wrapped_dek: rowB.wrapped_dek, blob_l3: rowB.blob_l4 })
        .where('id', '=', b as string)
        .execute();
      await expect(f.app.customers.get(f.actor, b as string)).rejects.toMatchObject({
        code: 'CIPHERTEXT_MISMATCH',
      });
    });

    it('erases by crypto-shredding: nothing left can open the ciphertext, indexes forget, the journal remembers', async () => {
      f = await freshApp(target);
      const [victim, other] = await seedAll(f);
      const db = f.app.kernel.store.db;
      const before = await db
        .selectFrom('customers')
        .selectAll()
        .where('id', '=', victim as string)
        .executeTakeFirstOrThrow();
      const leftBehind = { L3: before.blob_l3 as Buffer, L4: before.blob_l4 as Buffer };
      const result = await f.app.customers.erase(f.actor, victim as string, {
        reason: '客户要求删除（PIPL 第47条）',
      });

      const after = await db
        .selectFrom('customers')
        .selectAll()
        .where('id', '=', victim as string)
        .executeTakeFirstOrThrow();
      expect(after).toMatchObject({
        status: 'erased',
        wrapped_dek: null,
        blob_l2: null,
        blob_l3: null,
        blob_l4: null,
      });
      const idx = await db
        .selectFrom('blind_index')
        .select('field')
        .where('customer_id', '=', victim as string)
        .execute();
      expect(idx).toEqual([]);
      expect(await f.app.customers.find(f.actor, { mobile: SEEDED[0].mobile })).toEqual([]);
      expect(await f.app.customers.find(f.actor, { idNumber: SEEDED[0].idNumber })).toEqual([]);

      const err = (await f.app.customers.get(f.actor, victim as string).catch((e: unknown) => e)) as AppError;
      expect(err.code).toBe('CUSTOMER_ERASED');
      expect(err.details).toMatchObject({ erasedAt: result.erasedAt, erasureId: result.erasureId });
      const journal = await db
        .selectFrom('erasures')
        .selectAll()
        .where('customer_id', '=', victim as string)
        .execute();
      expect(journal).toHaveLength(1);
      expect(journal[0]).toMatchObject({
        id: result.erasureId,
        reason: '客户要求删除（PIPL 第47条）',
        actor: 'cli:test',
      });
      const fileJournal = readFileSync(join(f.dataDir, 'journal', 'erasures.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(fileJournal).toContainEqual(
        expect.objectContaining({ id: result.erasureId, customerId: victim }),
      );

      // Every key the store and key file hold, raw and as a grade subkey, fails on what was left behind.
      const kek = readKeyFile(join(f.dataDir, 'custodian.key'));
      const orgId = f.app.kernel.orgId;
      const orgKeys = await db.selectFrom('org_keys').selectAll().execute();
      const candidates: Buffer[] = [kek, ...orgKeys.map((r) => unwrapOrgKey(kek, orgId, r))];
      const others = await db
        .selectFrom('customers')
        .select(['id', 'wrapped_dek'])
        .where('wrapped_dek', 'is not', null)
        .execute();
      expect(others.map((o) => o.id)).toContain(other);
      for (const o of others)
        candidates.push(f.app.kernel.keys.unwrapCustomerKey(o.id, o.wrapped_dek as Buffer));
      let attempts = 0;
      for (const [grade, blob] of Object.entries(leftBehind)) {
        const aad = Buffer.from(`custodian/blob/v1|${orgId}|${victim}|${grade}`);
        for (const key of candidates) {
          if (key.length !== 32) continue;
          // The vault's grade subkey (HKDF-Expand block 1) and a full HKDF, besides the raw key.
          const expand = createHmac('sha256', key)
            .update(`custodian/grade/v1|${grade}\x01`, 'latin1')
            .digest();
          const full = Buffer.from(
            hkdfSync('sha256', key, Buffer.alloc(0), `custodian/grade/v1|${grade}`, 32),
          );
          for (const k of [key, expand, full]) {
            attempts += 1;
            expect(() => open(k, blob, aad, 'left behind')).toThrow(AppError);
          }
        }
      }
      // KEK, dek-wrap v1, blind-index root and the other customer's DEK: 4 keys x 3 forms x 2 blobs.
      expect(candidates.filter((k) => k.length === 32)).toHaveLength(4);
      expect(attempts).toBe(24);

      if (target.engine === 'sqlite') {
        await f.app.close();
        // The destroyed wrapped key is in no file: not the database, not the WAL, not free pages.
        const hits = findInFiles(filesUnder(f.dataDir), [
          { label: 'wrapped DEK', bytes: before.wrapped_dek as Buffer },
        ]);
        expect(hits).toEqual([]);
        expect(existsSync(join(f.dataDir, 'custodian.db'))).toBe(true);
      }
    });
  });
}
