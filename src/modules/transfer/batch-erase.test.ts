import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/support/engines.js';
import { newOrg, type Org } from '../../../test/support/transfer-orgs.js';
import { createTransferModule } from './index.js';

function journalLines(org: Org): Array<{ customerId: string; reason: string }> {
  const file = join(org.dataDir, 'journal', 'erasures.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** The transfer module wired with the kernel's erasure journal (batched shredding). */
function batchedTransfer(org: Org) {
  const k = org.app.kernel;
  const deps = {
    store: k.store,
    keys: k.keys,
    audit: k.audit,
    clock: k.clock,
    orgId: k.orgId,
    orgName: k.config.orgName,
    catalog: org.app.catalog,
    customers: org.app.customers,
    journalErasure: k.journalErasure,
  };
  return createTransferModule(deps);
}

describe.each(engines().map((e) => [e.engine, e] as const))(
  'batched close-out shredding (%s)',
  (_, target) => {
    let org: Org;
    let ids: string[];
    let legal: string;

    beforeAll(async () => {
      org = await newOrg(target, '卖方');
      const { app, actor } = org;
      await app.consent.addPurpose(actor, {
        key: 'sales',
        name: '销售服务',
        basis: 'contract',
        retention: '3y',
      });
      await app.consent.addPurpose(actor, {
        key: 'accounting',
        name: '会计档案',
        basis: 'legal-obligation',
        retention: '30y',
      });
      ids = await app.customers.createMany(
        actor,
        Array.from({ length: 25 }, (_, i) => ({
          kind: 'individual' as const,
          purposes: ['sales'],
          fields: { name: `客户${i}`, mobile: `139${String(i).padStart(8, '0')}`, email: `c${i}@example.cn` },
        })),
      );
      legal = await app.customers.create(actor, {
        kind: 'individual',
        purposes: ['accounting'],
        fields: { name: '留存', mobile: '13700000001' },
      });
      // Erased before the close-out by a rights request: counted as already erased, not erased twice.
      await app.customers.erase(actor, ids[0] as string, { reason: 'rights request' });
    }, 60_000);

    afterAll(async () => {
      await org?.cleanup();
    });

    it('shreds, journals and audits every customer, restricts the retained ones, and certifies the counts', async () => {
      const { app, actor } = org;
      const transfer = batchedTransfer(org);
      const t = await transfer.cases.create(actor, {
        path: 'D',
        name: '注销',
        fields: ['name', 'mobile', 'email'],
      });
      await transfer.cases.readiness(actor, t.id);
      await transfer.cases.startNotice(actor, t.id);
      await transfer.cases.closeAnswers(actor, t.id, { reason: 'test' });
      // The member split is frozen at completion (path D): the erased customer is no longer in scope.
      const done = await transfer.closeOut.complete(actor, t.id, {
        noRecipient: true,
        retainPurpose: 'legal-obligation',
      });
      expect(done.certificate?.counts).toEqual({ erased: 24, restricted: 1, alreadyErased: 0 });
      const db = app.kernel.store.db;
      const rows = await db
        .selectFrom('customers')
        .select(['id', 'status', 'wrapped_dek', 'blob_l3'])
        .where('org_id', '=', app.kernel.orgId)
        .execute();
      for (const r of rows) {
        if (r.id === legal) expect(r.status).toBe('restricted');
        else {
          expect(r.status).toBe('erased');
          expect(r.wrapped_dek).toBeNull();
          expect(r.blob_l3).toBeNull();
        }
      }
      const shredded = ids.slice(1);
      const index = await db
        .selectFrom('blind_index')
        .select('customer_id')
        .where('customer_id', 'in', shredded)
        .execute();
      expect(index).toHaveLength(0);
      const erasures = await db
        .selectFrom('erasures')
        .select(['customer_id', 'reason'])
        .where('customer_id', 'in', shredded)
        .execute();
      expect(erasures.map((e) => e.customer_id).sort()).toEqual([...shredded].sort());
      expect(new Set(erasures.map((e) => e.reason))).toEqual(new Set([`transfer:${t.id}`]));
      const journal = journalLines(org).filter((l) => l.reason === `transfer:${t.id}`);
      expect(journal.map((l) => l.customerId).sort()).toEqual([...shredded].sort());
      const events = await app.kernel.audit.query({ action: 'customer.erase', limit: 100 });
      for (const id of shredded) expect(events.filter((e) => e.subjects.includes(id))).toHaveLength(1);
      const restricts = await app.kernel.audit.query({ action: 'customer.restrict', limit: 100 });
      expect(restricts.map((e) => e.subjects)).toEqual([[legal]]);
      const members = await db
        .selectFrom('transfer_members')
        .select('done_at')
        .where('transfer_id', '=', t.id)
        .execute();
      expect(members.every((m) => m.done_at !== null)).toBe(true);
      const verify = await app.kernel.audit.verify();
      expect(verify.ok).toBe(true);
    });
  },
);
