import { describe, expect, it } from 'vitest';
import {
  idNumberCheckChar,
  luhnCheckDigit,
  orgCodeCheckChar,
  USCC_CHARSET,
  usccCheckChar,
} from '../../kernel/identifiers/checksums.js';
import { generateCustomers, type SyntheticCustomer } from './index.js';
import { MOBILE_SEGMENTS } from './tables/identifier-prefixes.js';
import { REGIONS } from './tables/regions.js';

const N = 20_000;
const customers: SyntheticCustomer[] = [...generateCustomers({ count: N, seed: 'customers-test' })];
const ofKind = (kind: SyntheticCustomer['kind']): SyntheticCustomer[] =>
  customers.filter((c) => c.kind === kind);
const regionCodes = new Set(REGIONS.map((r) => r.code));
const field = (c: SyntheticCustomer, key: string): string => c.fields[key] ?? '';

describe('generateCustomers', () => {
  it('yields exactly count records in the intended mix', () => {
    expect(customers).toHaveLength(N);
    expect(ofKind('individual').length / N).toBeGreaterThan(0.56);
    expect(ofKind('individual').length / N).toBeLessThan(0.64);
    expect(ofKind('company').length / N).toBeGreaterThan(0.13);
    expect(ofKind('company').length / N).toBeLessThan(0.17);
    expect(ofKind('contact').length / N).toBeGreaterThan(0.22);
    expect(ofKind('contact').length / N).toBeLessThan(0.28);
  });

  it('is deterministic for a seed, re-iterable, and differs across seeds', () => {
    const a = JSON.stringify([...generateCustomers({ count: 500, seed: 7 })]);
    const iterable = generateCustomers({ count: 500, seed: '7' });
    expect(JSON.stringify([...iterable])).toBe(a);
    expect(JSON.stringify([...iterable])).toBe(a);
    expect(JSON.stringify([...generateCustomers({ count: 500, seed: 8 })])).not.toBe(a);
  });

  it('issues ID numbers with real region codes, valid check characters and matching birthday and sex', () => {
    for (const c of ofKind('individual')) {
      const id = field(c, 'idNumber');
      expect(id).toMatch(/^\d{17}[\dX]$/);
      expect(idNumberCheckChar(id.slice(0, 17))).toBe(id[17]);
      expect(regionCodes.has(id.slice(0, 6))).toBe(true);
      const birthday = field(c, 'birthday');
      expect(birthday.replaceAll('-', '')).toBe(id.slice(6, 14));
      const year = Number(birthday.slice(0, 4));
      expect(year).toBeGreaterThanOrEqual(1950);
      expect(year).toBeLessThanOrEqual(2005);
      const date = new Date(`${birthday}T00:00:00Z`);
      expect(date.toISOString().slice(0, 10)).toBe(birthday);
      expect(id.slice(14, 17)).not.toBe('000');
      expect(field(c, 'gender')).toBe(Number(id[16]) % 2 === 1 ? '男' : '女');
    }
  });

  it('issues USCCs of enterprises with a real division, a valid org code and a valid check character', () => {
    for (const c of [...ofKind('company'), ...ofKind('contact')]) {
      const uscc = field(c, 'uscc');
      expect(uscc).toMatch(/^91\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/);
      for (const ch of uscc) expect(USCC_CHARSET).toContain(ch);
      expect(regionCodes.has(uscc.slice(2, 8))).toBe(true);
      expect(orgCodeCheckChar(uscc.slice(8, 16))).toBe(uscc[16]);
      expect(usccCheckChar(uscc.slice(0, 17))).toBe(uscc[17]);
    }
  });

  it('issues Luhn-valid UnionPay bank cards', () => {
    for (const c of ofKind('individual')) {
      const card = field(c, 'bankCard');
      expect(card).toMatch(/^62\d{14}(\d{3})?$/);
      expect(luhnCheckDigit(card.slice(0, -1))).toBe(card.slice(-1));
    }
  });

  it('gives mobiles in live segments, unique with ID numbers, emails and company names', () => {
    const people = customers.filter((c) => c.kind !== 'company');
    const mobiles = people.map((c) => field(c, 'mobile'));
    for (const m of mobiles) {
      expect(m).toMatch(/^1\d{10}$/);
      expect(MOBILE_SEGMENTS).toContain(m.slice(0, 3));
    }
    expect(new Set(mobiles).size).toBe(mobiles.length);
    const ids = ofKind('individual').map((c) => field(c, 'idNumber'));
    expect(new Set(ids).size).toBe(ids.length);
    const emails = people.map((c) => field(c, 'email'));
    for (const e of emails) expect(e).toMatch(/^[a-z0-9]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    expect(new Set(emails).size).toBe(emails.length);
    const names = ofKind('company').map((c) => field(c, 'companyName'));
    expect(new Set(names).size).toBe(names.length);
    const sites = ofKind('company').map((c) => field(c, 'website'));
    expect(new Set(sites).size).toBe(sites.length);
  });

  it('places every contact right after its company, with its name, USCC and mail domain', () => {
    let company: SyntheticCustomer | undefined;
    for (const c of customers) {
      if (c.kind === 'individual') company = undefined;
      if (c.kind === 'company') company = c;
      if (c.kind !== 'contact') continue;
      expect(company).toBeDefined();
      const parent = company as SyntheticCustomer;
      expect(c.companyRef).toBe(field(parent, 'companyName'));
      expect(field(c, 'companyName')).toBe(field(parent, 'companyName'));
      expect(field(c, 'uscc')).toBe(field(parent, 'uscc'));
      expect(field(c, 'email').split('@')[1]).toBe(field(parent, 'website').replace(/^www\./, ''));
      expect(field(c, 'title')).not.toBe('');
    }
  });

  it('fills the fields of each kind with plausible values', () => {
    for (const c of ofKind('company')) {
      expect(field(c, 'companyName')).toMatch(/^[\u4e00-\u9fff]+有限公司$/);
      expect(field(c, 'landline')).toMatch(/^0\d{2,3}-[2-8]\d{7}$/);
      expect(field(c, 'address').startsWith(field(c, 'region'))).toBe(true);
      expect(['A', 'B', 'C']).toContain(field(c, 'level'));
    }
    for (const c of ofKind('individual')) {
      const orders = field(c, 'orders');
      let total = 0;
      if (orders !== '') {
        for (const order of orders.split(';')) {
          const m = /^(\d{4}-\d{2}-\d{2}) \S+×(\d+) ¥([\d,]+)$/.exec(order);
          expect(m).not.toBeNull();
          total += Number((m?.[3] ?? '').replaceAll(',', ''));
        }
      }
      expect(field(c, 'amount')).toBe(`${total}.00`);
      expect(field(c, 'address').startsWith(field(c, 'region'))).toBe(true);
    }
  });

  it('refuses counts it cannot keep unique', () => {
    expect(() => generateCustomers({ count: -1, seed: 1 })).toThrow();
    expect(() => generateCustomers({ count: 1.5, seed: 1 })).toThrow();
    expect(() => generateCustomers({ count: 1e9, seed: 1 })).toThrow();
  });
});
