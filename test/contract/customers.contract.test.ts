import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/kernel/errors/app-error.js';
import { type AppFixture, freshApp, SEEDED } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

for (const target of engines()) {
  describe(`customers on ${target.engine}`, () => {
    let f: AppFixture;
    let personId: string;
    let companyId: string;

    beforeAll(async () => {
      f = await freshApp(target);
      const s = SEEDED[0];
      personId = await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['sales'],
        // Full-width digits, +86 and separators, lower-case x: all normalised on write.
        fields: {
          name: ` ${s.name} `,
          mobile: '+86 139-1234-5678',
          idNumber: s.idNumber.toLowerCase(),
          email: s.email.toUpperCase(),
          region: '北京市东城区',
        },
      });
      companyId = await f.app.customers.create(f.actor, {
        kind: 'company',
        purposes: ['contract'],
        fields: { companyName: '杭州示例科技有限公司', uscc: '91350100M000100Y43', industry: '制造业' },
      });
    });
    afterAll(async () => f?.cleanup());

    it('stores normalised values and shows them masked by default', async () => {
      const v = await f.app.customers.get(f.actor, personId);
      expect(v.fields).toMatchObject({
        mobile: '139****5678',
        idNumber: '110***********002X',
        email: 'o***@example.cn',
      });
      expect(v.fields.name).toBe('欧***');
      expect(v.masked).toEqual(['email', 'idNumber', 'mobile', 'name']);
      expect(v.fields.region).toBe('北京市东城区');
      expect(v.purposes).toEqual(['sales']);
    });

    it('reveals for a purpose the customer has a basis for, and audits it first', async () => {
      const v = await f.app.customers.get(f.actor, personId, {
        reveal: ['idNumber', 'mobile'],
        purpose: 'sales',
      });
      expect(v.fields.idNumber).toBe('11010519491231002X');
      expect(v.fields.mobile).toBe('13912345678');
      expect(v.revealed.sort()).toEqual(['idNumber', 'mobile']);
      const history = await f.app.customers.history(f.actor, personId);
      const reveal = history.find((e) => e.action === 'customer.reveal');
      expect(reveal).toMatchObject({ purpose: 'sales', fields: ['idNumber', 'mobile'], outcome: 'ok' });
      expect(JSON.stringify(history)).not.toContain('13912345678');
    });

    it('refuses a reveal under a purpose without basis, and after consent is withdrawn', async () => {
      await expect(
        f.app.customers.get(f.actor, personId, { reveal: ['mobile'], purpose: 'contract' }),
      ).rejects.toMatchObject({ code: 'PURPOSE_NOT_ALLOWED' });
      await f.app.consent.record(f.actor, 'withdraw', {
        customerId: personId,
        purpose: 'sales',
        channel: 'phone',
      });
      await expect(
        f.app.customers.get(f.actor, personId, { reveal: ['mobile'], purpose: 'sales' }),
      ).rejects.toMatchObject({ code: 'PURPOSE_NOT_ALLOWED' });
      const denied = (await f.app.customers.history(f.actor, personId)).filter((e) => e.outcome === 'denied');
      expect(denied.length).toBe(2);
      await f.app.consent.record(f.actor, 'grant', {
        customerId: personId,
        purpose: 'sales',
        channel: 'web',
        evidence: 'form-123',
      });
      const ledger = await f.app.consent.list(f.actor, personId);
      expect(ledger.map((c) => c.action)).toEqual(['grant', 'withdraw', 'grant']);
      expect(ledger[2]?.evidenceHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('finds by exact mobile in any format, by last 4, by ID number, email, name, USCC and company name', async () => {
      const ids = async (q: Parameters<typeof f.app.customers.find>[1]) =>
        (await f.app.customers.find(f.actor, q)).map((c) => c.id);
      expect(await ids({ mobile: '１３９１２３４５６７８' })).toEqual([personId]);
      expect(await ids({ mobile: '0086 139 1234 5678' })).toEqual([personId]);
      expect(await ids({ mobileLast4: '5678' })).toEqual([personId]);
      expect(await ids({ idNumber: SEEDED[0].idNumber.toLowerCase() })).toEqual([personId]);
      expect(await ids({ email: ` ${SEEDED[0].email} ` })).toEqual([personId]);
      expect(await ids({ name: '欧阳 明辉' })).toEqual([personId]);
      expect(await ids({ uscc: '91350100m000100y43' })).toEqual([companyId]);
      expect(await ids({ companyName: '杭州示例科技有限公司' })).toEqual([companyId]);
      expect(await ids({ mobile: '13800000000' })).toEqual([]);
    });

    it('lists with paging and filters on L1 fields only', async () => {
      const extra = await f.app.customers.createMany(
        f.actor,
        Array.from({ length: 5 }, (_, i) => ({
          kind: 'company' as const,
          purposes: ['contract'],
          fields: { companyName: `分页测试公司${i}`, industry: '零售' },
        })),
      );
      const page1 = await f.app.customers.list(f.actor, {
        kind: 'company',
        filters: { industry: '零售' },
        limit: 3,
      });
      expect(page1.items).toHaveLength(3);
      expect(page1.nextCursor).not.toBeNull();
      const page2 = await f.app.customers.list(f.actor, {
        kind: 'company',
        filters: { industry: '零售' },
        limit: 3,
        cursor: page1.nextCursor ?? undefined,
      });
      expect([...page1.items, ...page2.items].map((c) => c.id).sort()).toEqual([...extra].sort());
      await expect(
        f.app.customers.list(f.actor, { filters: { mobile: '13912345678' } }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('links a contact to its company and requires one', async () => {
      const contact = await f.app.customers.create(f.actor, {
        kind: 'contact',
        purposes: ['contract'],
        companyId,
        fields: { name: '王五', mobile: '13700001111' },
      });
      expect((await f.app.customers.get(f.actor, contact)).companyId).toBe(companyId);
      await expect(
        f.app.customers.create(f.actor, {
          kind: 'contact',
          purposes: ['contract'],
          fields: { name: '赵六' },
        }),
      ).rejects.toMatchObject({ code: 'PARENT_REQUIRED' });
    });

    it('rejects bad input naming the field, and writes nothing', async () => {
      const headBefore = (await f.app.kernel.audit.query({ limit: 1 }))[0]?.seq;
      const countBefore = await f.app.kernel.store.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [{ name: '甲', nickname: 'x' }, 'FIELD_UNKNOWN', 'nickname'],
        [{ name: '甲', idNumber: '110105194912310021' }, 'FIELD_INVALID', 'idNumber'],
        [{ name: '甲', idNumber: '110105209912310028' }, 'FIELD_INVALID', 'idNumber'],
        [{ name: '甲', mobile: '12345678901' }, 'FIELD_INVALID', 'mobile'],
        [{ name: '甲', email: 'a@@b' }, 'FIELD_INVALID', 'email'],
        [{ companyName: '乙', uscc: '91350100M000100Y44' }, 'FIELD_INVALID', 'uscc'],
        [{ region: '北京' }, 'NOT_IDENTIFYING', ''],
      ];
      for (const [fields, code, field] of cases) {
        const kind = 'companyName' in fields ? 'company' : 'individual';
        const err = await f.app.customers
          .create(f.actor, { kind, purposes: ['sales'], fields })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe(code);
        if (field) expect((err as AppError).messageIn('en')).toContain(field);
        // The message names the rule, never the value.
        for (const v of Object.values(fields))
          if (String(v).length > 3) expect((err as AppError).messageIn('zh')).not.toContain(String(v));
      }
      await expect(
        f.app.customers.create(f.actor, { kind: 'individual', purposes: [], fields: { name: '甲' } }),
      ).rejects.toMatchObject({ code: 'PURPOSE_REQUIRED' });
      await expect(
        f.app.customers.create(f.actor, { kind: 'individual', purposes: ['nope'], fields: { name: '甲' } }),
      ).rejects.toMatchObject({ code: 'PURPOSE_UNKNOWN' });
      const countAfter = await f.app.kernel.store.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(countAfter.n)).toBe(Number(countBefore.n));
      expect((await f.app.kernel.audit.query({ limit: 1 }))[0]?.seq).toBe(headBefore);
    });

    it('updates fields, re-indexes them and clears with empty values', async () => {
      await f.app.customers.update(f.actor, personId, { mobile: '13512340000', email: null });
      expect(await f.app.customers.find(f.actor, { mobile: '13912345678' })).toEqual([]);
      expect((await f.app.customers.find(f.actor, { mobile: '13512340000' })).map((c) => c.id)).toEqual([
        personId,
      ]);
      const v = await f.app.customers.get(f.actor, personId);
      expect(v.fields.email).toBeUndefined();
      expect(v.fields.mobile).toBe('135****0000');
    });

    it('keeps a restricted customer stored but refuses to reveal it (PIPL Art. 47)', async () => {
      const id = await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['contract'],
        fields: { name: '限制甲', mobile: '13622223333' },
      });
      await f.app.kernel.store.db
        .updateTable('customers')
        .set({ status: 'restricted' })
        .where('id', '=', id)
        .execute();
      expect((await f.app.customers.get(f.actor, id)).fields.mobile).toBe('136****3333');
      await expect(
        f.app.customers.get(f.actor, id, { reveal: ['mobile'], purpose: 'contract' }),
      ).rejects.toMatchObject({ code: 'CUSTOMER_RESTRICTED' });
      const denied = (await f.app.customers.history(f.actor, id)).find((e) => e.action === 'customer.reveal');
      expect(denied).toMatchObject({ outcome: 'denied', details: { reason: 'restricted' } });
    });

    it('extends the catalog with custom fields', async () => {
      await f.app.catalog.add(f.actor, {
        key: 'memberNo',
        grade: 'L3',
        labelZh: '会员号',
        labelEn: 'Member no.',
        searchable: true,
      });
      await expect(f.app.catalog.add(f.actor, { key: 'memberNo', grade: 'L3' })).rejects.toMatchObject({
        code: 'FIELD_EXISTS',
      });
      const id = await f.app.customers.create(f.actor, {
        kind: 'individual',
        purposes: ['sales'],
        fields: { name: '会员甲', memberNo: 'VIP-0099' },
      });
      const v = await f.app.customers.get(f.actor, id);
      expect(v.fields.memberNo).toBe('V******9');
      expect((await f.app.catalog.list(f.actor)).find((d) => d.key === 'memberNo')).toMatchObject({
        grade: 'L3',
        builtin: false,
      });
    });
  });
}
