import { describe, expect, it } from 'vitest';
import type { CustomersTable } from '../../kernel/store/schema.js';
import { classify } from './readiness.js';
import type { PurposeDef, ScopedCustomer } from './scope-reader.js';

/** An 18-digit ID number with a valid GB 11643 check digit for the given birth date. */
function idNumber(birth: string): string {
  const body = `110105${birth}001`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (w[i] as number), 0);
  return body + ('10X98765432'[sum % 11] as string);
}

const now = new Date('2026-11-23T00:00:00Z');
const purposes = new Map<string, PurposeDef>([
  [
    'sales',
    {
      key: 'sales',
      name: '销售',
      basis: 'consent',
      retention: '3y',
      retentionDays: 1095,
      noticeVersion: 'v2',
    },
  ],
  [
    'old',
    { key: 'old', name: '旧', basis: 'contract', retention: '1y', retentionDays: 365, noticeVersion: 'v1' },
  ],
]);

function customer(over: Partial<ScopedCustomer>): ScopedCustomer {
  return {
    row: {
      id: 'c1',
      kind: 'individual',
      created_at: '2026-01-01T00:00:00Z',
      parent_id: null,
    } as CustomersTable,
    flags: [],
    values: { mobile: '13912345678' },
    purposes: [{ key: 'sales', addedAt: '2026-01-01T00:00:00Z' }],
    consents: [
      {
        purpose: 'sales',
        action: 'grant',
        at: '2026-01-01T00:00:00Z',
        channel: 'web',
        noticeVersion: 'v2',
        evidenceHash: null,
        separate: false,
      },
    ],
    ...over,
  };
}

describe('readiness findings', () => {
  const ctx = { now, purposes, sensitiveFields: [] as string[] };

  it('finds nothing for a reachable adult with live consent', () => {
    expect(classify(customer({}), ctx)).toEqual([]);
  });

  it('flags withdrawn consent, stale notices, past retention and unreachable customers', () => {
    const withdrawn = customer({
      consents: [
        {
          purpose: 'sales',
          action: 'grant',
          at: '2026-01-01T00:00:00Z',
          channel: 'web',
          noticeVersion: 'v1',
          evidenceHash: null,
          separate: false,
        },
        {
          purpose: 'sales',
          action: 'withdraw',
          at: '2026-02-01T00:00:00Z',
          channel: 'web',
          noticeVersion: 'v1',
          evidenceHash: null,
          separate: false,
        },
      ],
    });
    expect(classify(withdrawn, ctx)).toContain('no-legal-basis');
    const stale = customer({
      consents: [
        {
          purpose: 'sales',
          action: 'grant',
          at: '2026-01-01T00:00:00Z',
          channel: 'web',
          noticeVersion: 'v1',
          evidenceHash: null,
          separate: false,
        },
      ],
    });
    expect(classify(stale, ctx)).toEqual(['consent-stale']);
    const expired = customer({ purposes: [{ key: 'old', addedAt: '2024-01-01T00:00:00Z' }], values: {} });
    expect(classify(expired, ctx)).toEqual(['past-retention', 'unreachable']);
  });

  it('flags minors by flag or by the birth date in the ID number, and sensitive PI handed over', () => {
    expect(
      classify(customer({ values: { mobile: '13912345678', idNumber: idNumber('20150101') } }), ctx),
    ).toContain('minor');
    expect(
      classify(customer({ values: { mobile: '13912345678', idNumber: idNumber('19900101') } }), ctx),
    ).not.toContain('minor');
    expect(classify(customer({ values: { mobile: '13912345678', isMinor: true } }), ctx)).toContain('minor');
    const withId = customer({ values: { mobile: '13912345678', idNumber: idNumber('19900101') } });
    expect(classify(withId, { ...ctx, sensitiveFields: ['idNumber'] })).toEqual(['sensitive-pi']);
    expect(classify(customer({ flags: ['lenient:mobile'] }), ctx)).toEqual(['data-quality']);
  });
});
