import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/kernel/authz/permissions.js';
import { can, dutiesOf, permissionMap } from '../../src/kernel/authz/permissions.js';
import { up as noticePermissionUp } from '../../src/kernel/store/migrations/007-notice-permission.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

for (const target of engines()) {
  describe(`the notice permission on ${target.engine}`, () => {
    let f: AppFixture;
    beforeAll(async () => {
      f = await freshApp(target);
    });
    afterAll(async () => f?.cleanup());

    const userWith = (roles: string[]): Actor => ({
      id: 'user:u1',
      kind: 'user',
      orgId: f.actor.orgId,
      roles,
      userId: 'u1',
    });

    it('built-in roles: the DPO runs notices; staff read and record answers; the auditor reads; admin has none', () => {
      expect(permissionMap(userWith(['dpo'])).notice).toEqual({
        read: true,
        send: true,
        record: true,
        manage: true,
      });
      for (const r of ['manager', 'sales', 'service'])
        expect(permissionMap(userWith([r])).notice, r).toEqual({ read: true, record: true });
      expect(permissionMap(userWith(['auditor'])).notice).toEqual({ read: true });
      expect(permissionMap(userWith(['admin'])).notice).toBeUndefined();
      // Reading notices carries no duty: the auditor stays on audit alone (GB/T 35273 §7.1).
      expect([...dutiesOf({ notice: { read: true }, audit: { read: true } })]).toEqual(['audit']);
    });

    it('custom roles take notice grants; sending, recording or managing notices is operation on personal data, kept apart from administration', async () => {
      const clerk = await f.app.roles.add(f.actor, {
        key: 'notice-clerk',
        name: '通知专员',
        grants: { notice: { read: true, record: true } },
      });
      expect(clerk.duties).toEqual(['operation']);
      await expect(
        f.app.roles.add(f.actor, {
          key: 'notice-admin',
          name: '通知管理员',
          grants: { user: { manage: true }, notice: { send: true } },
        }),
      ).rejects.toMatchObject({ code: 'ROLES_INCOMPATIBLE' });
      await expect(
        f.app.roles.add(f.actor, { key: 'notice-bad', name: 'x', grants: { notice: { delete: true } } }),
      ).rejects.toMatchObject({ code: 'ROLE_INVALID' });
    });

    it('an answer that changes consents also needs consent.record, checked before anything is written', async () => {
      const customerId = await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['sales'],
        fields: { name: '答复客户', mobile: '13912340001' },
      });
      const made = await f.app.notices.service.createCampaign(f.actor, {
        transferId: 'tr-notice-perm',
        path: 'B',
        recipientName: '上海新业科技有限公司',
        recipientContact: '021-60001234',
        plannedDate: '2099-01-15',
        customerIds: [customerId],
        channels: ['sms'],
      });
      const clerk: Actor = {
        ...userWith(['answers-only']),
        customRoles: {
          'answers-only': {
            grants: { customer: { read: 'L2' }, notice: { read: true, record: true } },
            scope: 'all',
          },
        },
      };
      const answer = (a: 'withdraw' | 'object') =>
        f.app.notices.service.recordStaffAnswer(clerk, {
          campaignId: made.campaign.id,
          customerId,
          answer: a,
          channel: 'phone',
          evidence: '电话录音',
        });
      await expect(answer('withdraw')).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect((await f.app.notices.service.tally(f.actor, made.campaign.id)).answers.withdraw).toBe(0);
      await expect(answer('object')).resolves.toMatchObject({ answer: 'object' });
    });

    it('migration 007 carries custom roles from consent.* to notice.* and leaves the others alone', async () => {
      const db = f.app.kernel.store.db;
      const orgId = f.actor.orgId;
      const now = new Date().toISOString();
      const rows = [
        { key: 'legacy-rec', grants: { consent: { read: true, record: true }, customer: { read: 'L2' } } },
        { key: 'legacy-read', grants: { consent: { read: true }, audit: { read: true } } },
        { key: 'legacy-none', grants: { catalog: { read: true } } },
        { key: 'already', grants: { consent: { record: true }, notice: { read: true } } },
      ];
      for (const r of rows)
        await db
          .insertInto('roles')
          .values({
            org_id: orgId,
            key: r.key,
            name: r.key,
            grants: JSON.stringify(r.grants),
            scope: 'own',
            created_by: 'test',
            created_at: now,
          })
          .execute();
      await noticePermissionUp(db as unknown as Kysely<unknown>, { engine: target.engine });
      const after = Object.fromEntries(
        (await db.selectFrom('roles').select(['key', 'grants']).where('org_id', '=', orgId).execute()).map(
          (r) => [r.key, JSON.parse(r.grants) as Record<string, unknown>],
        ),
      );
      expect(after['legacy-rec']?.notice).toEqual({ read: true, send: true, record: true, manage: true });
      expect(after['legacy-rec']?.consent).toEqual({ read: true, record: true });
      expect(after['legacy-read']?.notice).toEqual({ read: true });
      expect(after['legacy-none']?.notice).toBeUndefined();
      expect(after.already?.notice).toEqual({ read: true });
      // The migrated role works through the service: it may create campaigns again.
      const roles = await f.app.roles.customRoles();
      const actor: Actor = { ...userWith(['legacy-rec']), customRoles: roles };
      expect(can(actor, 'notice', 'manage')).toBe(true);
    });
  });
}
