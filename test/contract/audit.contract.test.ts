import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

for (const target of engines()) {
  describe(`audit trail on ${target.engine}`, () => {
    let f: AppFixture | undefined;
    afterEach(async () => {
      await f?.cleanup();
      f = undefined;
    });

    /** 20-odd events of several kinds, with checkpoints cut every 7 events. */
    async function busyApp(): Promise<AppFixture> {
      const fx = await freshApp(target, { checkpointEvery: 7 });
      for (let i = 0; i < 6; i++) {
        const id = await fx.app.customers.create(fx.actor, {
          kind: 'individual',
          purposes: ['sales'],
          fields: { name: `测试${i}`, mobile: `1390000000${i}` },
        });
        await fx.app.customers.get(fx.actor, id, { reveal: ['mobile'], purpose: 'sales' });
      }
      return fx;
    }

    const events = (fx: AppFixture) => fx.app.kernel.store.db.selectFrom('audit_events');

    it('verifies an untouched chain with its signed checkpoints', async () => {
      f = await busyApp();
      const r = await f.app.kernel.audit.verify();
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.events).toBeGreaterThanOrEqual(16);
        expect(r.checkpoints).toBeGreaterThanOrEqual(2);
      }
    });

    it('names the sequence of a changed event', async () => {
      f = await busyApp();
      await f.app.kernel.store.db
        .updateTable('audit_events')
        .set({ actor: 'cli:someone-else' })
        .where('seq', '=', 5)
        .execute();
      expect(await f.app.kernel.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 5 });
    });

    it('names the sequence of a deleted event', async () => {
      f = await busyApp();
      await f.app.kernel.store.db.deleteFrom('audit_events').where('seq', '=', 9).execute();
      expect(await f.app.kernel.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 9 });
    });

    it('names the first of two reordered events', async () => {
      f = await busyApp();
      const db = f.app.kernel.store.db;
      const a = await events(f).selectAll().where('seq', '=', 11).executeTakeFirstOrThrow();
      const b = await events(f).selectAll().where('seq', '=', 12).executeTakeFirstOrThrow();
      await db.deleteFrom('audit_events').where('seq', 'in', [11, 12]).execute();
      await db
        .insertInto('audit_events')
        .values([
          { ...b, seq: 11 },
          { ...a, seq: 12 },
        ])
        .execute();
      expect(await f.app.kernel.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 11 });
    });

    it('catches a recomputed chain through the signed checkpoints', async () => {
      f = await busyApp();
      const db = f.app.kernel.store.db;
      // An attacker who rewrites event 3 and re-hashes everything after it still cannot re-sign checkpoints.
      const { eventHash } = await import('../../src/kernel/audit/audit-trail.js');
      const rows = await events(f).selectAll().orderBy('seq').execute();
      let prev = '0'.repeat(64);
      for (const row of rows) {
        const changed = row.seq === 3 ? { ...row, details: '{"forged":true}' } : row;
        const next = { ...changed, prev_hash: prev };
        next.hash = eventHash(f.app.kernel.orgId, next);
        await db
          .updateTable('audit_events')
          .set({ details: next.details, prev_hash: next.prev_hash, hash: next.hash })
          .where('seq', '=', row.seq)
          .execute();
        prev = next.hash;
      }
      await db.updateTable('audit_head').set({ hash: prev }).execute();
      const r = await f.app.kernel.audit.verify();
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.firstBadSeq).toBeLessThanOrEqual(7);
    });

    it('catches deletion of the newest events against an exported checkpoint', async () => {
      f = await busyApp();
      const exported = await f.app.kernel.audit.exportCheckpoint();
      const db = f.app.kernel.store.db;
      // Remove the newest events and everything that would betray it: head and checkpoints.
      const keep = exported.seq - 3;
      const keepRow = await events(f).select(['hash']).where('seq', '=', keep).executeTakeFirstOrThrow();
      await db.deleteFrom('audit_events').where('seq', '>', keep).execute();
      await db.deleteFrom('audit_subjects').where('seq', '>', keep).execute();
      await db.deleteFrom('audit_checkpoints').where('seq', '>', keep).execute();
      await db.updateTable('audit_head').set({ seq: keep, hash: keepRow.hash }).execute();
      expect((await f.app.kernel.audit.verify()).ok).toBe(true);
      expect(await f.app.kernel.audit.verify({ checkpoint: exported })).toMatchObject({
        ok: false,
        firstBadSeq: keep + 1,
      });
    });

    it('refuses a forged or foreign checkpoint file', async () => {
      f = await busyApp();
      const exported = await f.app.kernel.audit.exportCheckpoint();
      await expect(
        f.app.kernel.audit.verify({ checkpoint: { ...exported, seq: exported.seq + 5 } }),
      ).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
      await expect(
        f.app.kernel.audit.verify({ checkpoint: { ...exported, orgId: 'other' } }),
      ).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
    });

    it('returns no revealed value when the audit record cannot be written', async () => {
      f = await freshApp(target);
      const id = await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['sales'],
        fields: { name: '写前审计', mobile: '13611112222' },
      });
      const db = f.app.kernel.store.db;
      if (target.engine === 'sqlite') {
        await sql`CREATE TRIGGER audit_blocked BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'blocked'); END`.execute(
          db,
        );
      } else {
        await sql`CREATE FUNCTION audit_blocked() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'blocked'; END $$ LANGUAGE plpgsql`.execute(
          db,
        );
        await sql`CREATE TRIGGER audit_blocked BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_blocked()`.execute(
          db,
        );
      }
      const err = await f.app.customers
        .get(f.actor, id, { reveal: ['mobile'], purpose: 'sales' })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
      expect(JSON.stringify(err)).not.toContain('13611112222');
    });
  });
}
