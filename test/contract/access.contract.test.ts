import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/kernel/authz/permissions.js';
import { type AppFixture, freshApp, SEEDED } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

for (const target of engines()) {
  describe(`users, sessions, scope and approvals on ${target.engine}`, () => {
    let f: AppFixture;
    const actors: Record<string, Actor> = {};
    const cookies: Record<string, string> = {};

    async function signedIn(username: string, roles: string[], team?: string): Promise<Actor> {
      const created = await f.app.users.create(f.actor, { username, displayName: username, roles, team });
      const res = await f.app.auth.login({ username, password: created.oneTimePassword });
      const auth = await f.app.auth.authenticateSession(res.sessionId);
      if (!auth) throw new Error('no session');
      expect(auth.pending).toBe('password');
      await f.app.users.changePassword(auth.actor, {
        current: created.oneTimePassword,
        next: 'Contract-Pass-1',
      });
      cookies[username] = res.sessionId;
      return auth.actor;
    }

    beforeAll(async () => {
      f = await freshApp(target);
      actors.a = await signedIn('a.sales', ['sales'], 'east');
      actors.b = await signedIn('b.sales', ['sales'], 'west');
      actors.m = await signedIn('m.manager', ['manager'], 'east');
    });
    afterAll(async () => f?.cleanup());

    it('keeps only hashes of passwords and session ids', async () => {
      const users = await f.app.kernel.store.db.selectFrom('users').selectAll().execute();
      expect(users.every((u) => u.password_hash.startsWith('scrypt$32768$8$1$'))).toBe(true);
      expect(JSON.stringify(users)).not.toContain('Contract-Pass-1');
      const sessions = await f.app.kernel.store.db.selectFrom('sessions').select('id_hash').execute();
      for (const id of Object.values(cookies)) expect(sessions.map((s) => s.id_hash)).not.toContain(id);
      expect(sessions.every((s) => /^[0-9a-f]{64}$/.test(s.id_hash))).toBe(true);
    });

    it('scopes list, find and get by owner, team and shares', async () => {
      const a = actors.a as Actor;
      const id = await f.app.customers.create(a, {
        kind: 'individual',
        purposes: ['sales'],
        fields: SEEDED[0],
      });
      const ids = async (who: Actor) => (await f.app.customers.list(who)).items.map((i) => i.id);
      expect(await ids(a)).toEqual([id]);
      expect(await ids(actors.m as Actor)).toEqual([id]);
      expect(await ids(actors.b as Actor)).toEqual([]);
      expect(await ids(f.actor)).toEqual([id]);
      expect(await f.app.customers.find(actors.b as Actor, { mobile: SEEDED[0].mobile })).toEqual([]);
      await expect(f.app.customers.get(actors.b as Actor, id)).rejects.toMatchObject({
        code: 'CUSTOMER_NOT_FOUND',
      });
      await f.app.shares.share(a, id, (actors.b as Actor).userId as string);
      expect(await ids(actors.b as Actor)).toEqual([id]);
      expect((await f.app.customers.get(actors.b as Actor, id)).ownerId).toBe(a.userId);
    });

    it('ends sessions at a password change and at sign-out everywhere', async () => {
      const a = actors.a as Actor;
      const again = await f.app.auth.login({ username: 'a.sales', password: 'Contract-Pass-1' });
      // The first session ended when the password was changed (without a session to keep).
      expect(await f.app.auth.authenticateSession(cookies['a.sales'] as string)).toBeNull();
      expect(await f.app.auth.logoutAll(a)).toEqual({ ended: 1 });
      expect(await f.app.auth.authenticateSession(again.sessionId)).toBeNull();
    });

    it('uses an approval once, only by its requester, after a second person approved it', async () => {
      const m = actors.m as Actor;
      const req = await f.app.approvals.requestExportApproval(m, {
        querySummary: { kind: 'individual' },
        rowCount: 600,
        revealedFields: ['mobile'],
      });
      await expect(f.app.approvals.consumeApproval(req.id, m)).rejects.toMatchObject({
        code: 'APPROVAL_STATE',
      });
      await f.app.approvals.decide(f.actor, req.id, { decision: 'approve' });
      expect((await f.app.approvals.consumeApproval(req.id, m, { rowCount: 600 })).status).toBe('used');
      expect((await f.app.approvals.list(m)).map((x) => x.status)).toEqual(['used']);
      const review = await f.app.accessReview.review(f.actor);
      expect(review.users.map((u) => u.username)).toEqual(['a.sales', 'admin', 'b.sales', 'm.manager']);
    });
  });
}
