import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initApp, openApp } from '../../src/app.js';
import { KeyRing } from '../../src/kernel/crypto/key-ring.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

for (const target of engines()) {
  describe(`keys on ${target.engine}`, () => {
    let f: AppFixture | undefined;
    afterEach(async () => {
      await f?.cleanup();
      f = undefined;
    });

    it('rotates the org key online in batches, resumes after an interruption, and keeps every customer readable', async () => {
      f = await freshApp(target);
      const ids = await f.app.customers.createMany(
        f.actor,
        Array.from({ length: 25 }, (_, i) => ({
          kind: 'individual' as const,
          purposes: ['sales'],
          fields: { name: `轮换${i}`, mobile: `1370000${String(i).padStart(4, '0')}` },
        })),
      );
      // Interrupted after two batches of 10.
      const partial = await f.app.keys.rotate(f.actor, { batchSize: 10, maxBatches: 2 });
      expect(partial).toMatchObject({ version: 2, rewrapped: 20, resumed: false });
      const mid = await f.app.keys.status(f.actor);
      expect(mid.rotationInProgress).toBe(true);
      expect(mid.versions.map((v) => [v.version, v.status, v.customers])).toEqual([
        [1, 'retiring', 5],
        [2, 'active', 20],
      ]);
      // A separate process (a restart) reads customers under both versions and finishes the job.
      await f.app.close();
      const reopened = await openApp({ dataDir: f.dataDir, dbUrl: f.dbUrl });
      f.app = reopened;
      for (const id of [ids[0], ids[24]] as string[]) {
        expect(
          (await reopened.customers.get(f.actor, id, { reveal: ['mobile'], purpose: 'sales' })).fields.mobile,
        ).toMatch(/^1370000\d{4}$/);
      }
      const done = await reopened.keys.rotate(f.actor, { batchSize: 10 });
      expect(done).toMatchObject({ version: 2, rewrapped: 5, resumed: true, retired: [1] });
      const end = await reopened.keys.status(f.actor);
      expect(end.versions.map((v) => [v.version, v.status, v.customers])).toEqual([
        [1, 'retired', 0],
        [2, 'active', 25],
      ]);
      await reopened.close();
      const third = await openApp({ dataDir: f.dataDir, dbUrl: f.dbUrl });
      f.app = third;
      expect(
        (await third.customers.get(f.actor, ids[3] as string, { reveal: ['mobile'], purpose: 'sales' }))
          .fields.mobile,
      ).toBe('13700000003');
      const events = await third.kernel.audit.query({ action: 'keys.rotate.*', limit: 20 });
      expect(events.map((e) => e.action).sort()).toEqual([
        'keys.rotate.batch',
        'keys.rotate.batch',
        'keys.rotate.batch',
        'keys.rotate.complete',
        'keys.rotate.start',
      ]);
      expect((await third.kernel.audit.verify()).ok).toBe(true);
    });

    it('re-wraps every key wrapped like a customer key (org identity) before retiring the old version', async () => {
      f = await freshApp(target);
      const before = await f.app.transfer.identity.ageIdentity();
      expect(before).toMatch(/^AGE-SECRET-KEY-1/);
      await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['sales'],
        fields: { name: '轮换乙' },
      });
      expect(await f.app.keys.rotate(f.actor)).toMatchObject({ version: 2, retired: [1] });
      const row = await f.app.kernel.store.db
        .selectFrom('org_identity')
        .select('wrapped_key')
        .executeTakeFirstOrThrow();
      expect(KeyRing.wrappedVersion(row.wrapped_key)).toBe(2);
      await f.app.close();
      // A fresh process no longer loads the retired version: the identity must open under v2 alone.
      f.app = await openApp({ dataDir: f.dataDir, dbUrl: f.dbUrl });
      expect(await f.app.transfer.identity.ageIdentity()).toBe(before);
    });

    it('refuses to open with a missing, loose or foreign key file, and never initialises over data', async () => {
      f = await freshApp(target);
      await f.app.close();
      const keyFile = join(f.dataDir, 'custodian.key');
      const original = readFileSync(keyFile);
      renameSync(keyFile, `${keyFile}.moved`);
      await expect(openApp({ dataDir: f.dataDir, dbUrl: f.dbUrl })).rejects.toMatchObject({
        code: 'KEY_FILE_MISSING',
      });
      await expect(initApp({ dataDir: f.dataDir, dbUrl: f.dbUrl, who: 'test' })).rejects.toMatchObject({
        code: 'ALREADY_INITIALISED',
      });
      renameSync(`${keyFile}.moved`, keyFile);
      chmodSync(keyFile, 0o644);
      await expect(openApp({ dataDir: f.dataDir, dbUrl: f.dbUrl })).rejects.toMatchObject({
        code: 'KEY_FILE_PERMISSIONS',
      });
      writeFileSync(keyFile, `custodian-root-key v1\n${Buffer.alloc(32, 7).toString('base64')}\n`, {
        mode: 0o600,
      });
      chmodSync(keyFile, 0o600);
      await expect(openApp({ dataDir: f.dataDir, dbUrl: f.dbUrl })).rejects.toMatchObject({
        code: 'ROOT_KEY_MISMATCH',
      });
      writeFileSync(keyFile, original);
      f.app = await openApp({ dataDir: f.dataDir, dbUrl: f.dbUrl });
      expect((await f.app.kernel.audit.verify()).ok).toBe(true);
    });
  });
}

describe('passphrase root key', () => {
  it('derives the root key with scrypt and refuses a wrong or missing passphrase', async () => {
    const [sqlite] = engines();
    const env = await sqlite!.fresh();
    try {
      const res = await initApp({
        dataDir: env.dataDir,
        who: 'test',
        keyProvider: 'passphrase',
        passphrase: '正确的口令 correct horse',
      });
      await res.app.close();
      expect(readFileSync(join(env.dataDir, 'custodian.json'), 'utf8')).toContain('"type": "passphrase"');
      await expect(openApp({ dataDir: env.dataDir, passphrase: 'wrong' })).rejects.toMatchObject({
        code: 'PASSPHRASE_WRONG',
      });
      const saved = process.env.CUSTODIAN_PASSPHRASE;
      delete process.env.CUSTODIAN_PASSPHRASE;
      await expect(openApp({ dataDir: env.dataDir })).rejects.toMatchObject({ code: 'PASSPHRASE_MISSING' });
      if (saved !== undefined) process.env.CUSTODIAN_PASSPHRASE = saved;
      const app = await openApp({ dataDir: env.dataDir, passphrase: '正确的口令 correct horse' });
      expect((await app.kernel.audit.verify()).ok).toBe(true);
      await app.close();
    } finally {
      await env.cleanup();
    }
  });
});
