import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/kernel/authz/permissions.js';
import { login, nextCode, relogin, type Session } from '../support/auth-fixture.js';
import {
  assertReceiptSecretGuard,
  BOUNDARY,
  batchOf,
  campaignInput,
  campaignOf,
  customerOf,
  importUpload,
  inboundFor,
  mobile,
  type Org,
  ROLES,
  type Role,
  receivedOf,
  strangerIdentity,
  type TransferStage,
  transferOf,
  twoOrgs,
  uniq,
} from '../support/authz-fixtures.js';
import { daysFromNow } from '../support/dates.js';

/**
 * Every /api/v1 route x every built-in role x own/other org. Routes come from the Fastify route table,
 * so a new route without a row here fails the test. "Allowed" means neither 401 nor 403 (a 404, 409 or
 * 422 after the permission check would still prove the role got through); each probe is nevertheless
 * built to succeed for an allowed role. The allowed sets follow src/kernel/authz/permissions.ts
 * (BUILT_IN_ROLES) and, for transfers, src/modules/transfer/transfer-policy.ts (TRANSFER_ROLE_GRANTS).
 */
const ALL: Role[] = [...ROLES];
const READERS: Role[] = ['dpo', 'manager', 'sales', 'service'];
/** notice.read: staff who talk to customers, the DPO, and the auditor (oversight of a transfer's notices). */
const NOTICE_READ: Role[] = ['dpo', 'manager', 'sales', 'service', 'auditor'];
/** notice.record: answers taken by phone, letter or in person (within the recorder's data scope). */
const NOTICE_RECORD: Role[] = READERS;
/** notice.send and notice.manage (campaigns, suppression list) are the DPO's. */
const NOTICE_DPO: Role[] = ['dpo'];
/** transfer.read (dpo, auditor); manage, package, receive and complete are the DPO's alone. */
const TRANSFER_READ: Role[] = ['dpo', 'auditor'];
const DPO: Role[] = ['dpo'];
/** import.read (dpo, manager); import.run is the manager's (with customer.create/update). */
const IMPORT_READ: Role[] = ['dpo', 'manager'];
const IMPORT_RUN: Role[] = ['manager'];

interface Probe {
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
}

interface Row {
  allowed: Role[];
  /** Builds the request against org `o` (creating fresh resources as the local system actor). */
  probe(o: Org, role: Role): Promise<Probe>;
  /** The route ends the session it is called with. */
  endsSession?: boolean;
  /** Public route: reachable without a session. */
  public?: boolean;
  /**
   * The probe is refused after the permission check on purpose (why): allowed then means neither 401 nor
   * 403 rather than 2xx.
   */
  refusedAfterCheck?: string;
  /** What a resource id of the other org answers (default 404). */
  foreign?: number;
}

const fixed = (url: string, payload?: unknown) => async (): Promise<Probe> => ({ url, payload });
const onCustomer =
  (path: string, payload?: unknown) =>
  async (o: Org): Promise<Probe> => ({ url: `/api/v1/customers/${await customerOf(o)}${path}`, payload });
const onTransfer =
  (stage: TransferStage, path: string, body?: (customerId: string) => unknown) =>
  async (o: Org): Promise<Probe> => {
    const t = await transferOf(o, stage);
    return { url: `/api/v1/transfers/${t.id}${path}`, payload: body?.(t.customerId) };
  };
const onCampaign =
  (path: string, body?: (customerId: string) => unknown) =>
  async (o: Org): Promise<Probe> => {
    const c = await campaignOf(o);
    return { url: `/api/v1/notices/campaigns/${c.id}${path}`, payload: body?.(c.customerId) };
  };
const onBatch =
  (path: string, body?: () => unknown) =>
  async (o: Org): Promise<Probe> => ({
    url: `/api/v1/imports/${await batchOf(o)}${path}`,
    payload: body?.(),
  });

const MATRIX: Record<string, Row> = {
  'POST /api/v1/customers': {
    allowed: ['manager', 'sales'],
    probe: fixed('/api/v1/customers', {
      kind: 'individual',
      purposes: ['sales'],
      fields: { name: '新客户' },
    }),
  },
  'GET /api/v1/customers': { allowed: READERS, probe: fixed('/api/v1/customers') },
  'POST /api/v1/customers/search': {
    allowed: READERS,
    probe: fixed('/api/v1/customers/search', { mobileLast4: '8000' }),
  },
  'GET /api/v1/customers/:id': { allowed: READERS, probe: onCustomer('') },
  'POST /api/v1/customers/:id/reveal': {
    allowed: READERS,
    probe: onCustomer('/reveal', { fields: ['mobile'], purpose: 'sales' }),
  },
  'PATCH /api/v1/customers/:id': {
    allowed: ['manager', 'sales', 'service'],
    probe: onCustomer('', { fields: { email: 'a@example.cn' } }),
  },
  'POST /api/v1/customers/:id/erase': { allowed: ['dpo'], probe: onCustomer('/erase', { reason: '测试' }) },
  'GET /api/v1/customers/:id/history': { allowed: [...READERS, 'auditor'], probe: onCustomer('/history') },
  'GET /api/v1/fields': { allowed: ALL, probe: fixed('/api/v1/fields') },
  'POST /api/v1/fields': {
    allowed: ['admin'],
    probe: async () => ({ url: '/api/v1/fields', payload: { key: `f${uniq()}`, grade: 'L2' } }),
  },
  'GET /api/v1/purposes': { allowed: ALL, probe: fixed('/api/v1/purposes') },
  'POST /api/v1/purposes': {
    allowed: ['admin', 'dpo'],
    probe: async () => ({
      url: '/api/v1/purposes',
      payload: { key: `p${uniq()}`, name: '目的', basis: 'contract', retention: '1y' },
    }),
  },
  'GET /api/v1/customers/:id/consents': { allowed: READERS, probe: onCustomer('/consents') },
  'POST /api/v1/customers/:id/consents': {
    allowed: READERS,
    probe: onCustomer('/consents', { action: 'grant', purpose: 'contract' }),
  },
  'GET /api/v1/audit/events': { allowed: ['dpo', 'auditor'], probe: fixed('/api/v1/audit/events') },
  'POST /api/v1/audit/verify': {
    allowed: ['admin', 'dpo', 'auditor'],
    probe: fixed('/api/v1/audit/verify', {}),
  },
  'POST /api/v1/audit/checkpoints': { allowed: ['dpo'], probe: fixed('/api/v1/audit/checkpoints', {}) },
  'GET /api/v1/keys': { allowed: ['admin'], probe: fixed('/api/v1/keys') },
  'POST /api/v1/keys/rotate': { allowed: ['admin'], probe: fixed('/api/v1/keys/rotate', {}) },
  'POST /api/v1/keys/reindex': { allowed: ['admin'], probe: fixed('/api/v1/keys/reindex', {}) },
  'GET /api/v1/tokens': { allowed: ['admin'], probe: fixed('/api/v1/tokens') },
  'POST /api/v1/tokens': {
    allowed: ['admin'],
    probe: fixed('/api/v1/tokens', { name: 'n', roles: ['auditor'] }),
  },
  'DELETE /api/v1/tokens/:id': {
    allowed: ['admin'],
    probe: async (o) => {
      const t = await o.f.app.tokens.create(o.f.system, { name: 'probe', roles: ['auditor'] });
      return { url: `/api/v1/tokens/${t.id}` };
    },
  },
  'POST /api/v1/auth/login': { allowed: ALL, public: true, probe: fixed('/api/v1/auth/login') },
  'POST /api/v1/auth/logout': { allowed: ALL, endsSession: true, probe: fixed('/api/v1/auth/logout', {}) },
  'POST /api/v1/auth/logout-all': {
    allowed: ALL,
    endsSession: true,
    probe: fixed('/api/v1/auth/logout-all', {}),
  },
  'GET /api/v1/auth/me': { allowed: ALL, probe: fixed('/api/v1/auth/me') },
  'POST /api/v1/auth/password': {
    allowed: ALL,
    refusedAfterCheck: 'a wrong current password (PASSWORD_WRONG), so the sessions of the test stay valid',
    probe: fixed('/api/v1/auth/password', { current: 'not-the-password-1', next: 'Another-Pass-99' }),
  },
  'POST /api/v1/auth/totp/enroll': {
    allowed: ALL,
    refusedAfterCheck:
      'admin and dpo are enrolled already (TOTP_STATE); enrolling them again would lock them out',
    probe: fixed('/api/v1/auth/totp/enroll', {}),
  },
  'POST /api/v1/auth/totp/confirm': {
    allowed: ALL,
    refusedAfterCheck: 'no enrolment pending or a wrong code (TOTP_STATE / TOTP_INVALID)',
    probe: fixed('/api/v1/auth/totp/confirm', { code: '000000' }),
  },
  'GET /api/v1/users': { allowed: ['admin'], probe: fixed('/api/v1/users') },
  'GET /api/v1/users/directory': {
    allowed: ['manager', 'sales', 'service'],
    probe: fixed('/api/v1/users/directory'),
  },
  'POST /api/v1/users': {
    allowed: ['admin'],
    probe: async () => ({
      url: '/api/v1/users',
      payload: { username: `u${uniq()}`, displayName: '新人', roles: ['sales'] },
    }),
  },
  'PATCH /api/v1/users/:id': {
    allowed: ['admin'],
    probe: async (o) => {
      const u = await o.f.app.users.create(o.f.system, {
        username: `t${uniq()}`,
        displayName: 't',
        roles: ['sales'],
      });
      return { url: `/api/v1/users/${u.user.id}`, payload: { displayName: '改名' } };
    },
  },
  'GET /api/v1/roles': { allowed: ['admin', 'dpo', 'auditor'], probe: fixed('/api/v1/roles') },
  'POST /api/v1/roles': {
    allowed: ['admin'],
    probe: async () => ({
      url: '/api/v1/roles',
      payload: { key: `r${uniq()}`, name: '只读', grants: { catalog: { read: true } } },
    }),
  },
  'GET /api/v1/approvals': { allowed: ['admin', 'dpo', 'manager'], probe: fixed('/api/v1/approvals') },
  'POST /api/v1/approvals': {
    allowed: ['dpo', 'manager'],
    probe: fixed('/api/v1/approvals', {
      querySummary: { kind: 'individual' },
      rowCount: 900,
      revealedFields: [],
    }),
  },
  'POST /api/v1/approvals/:id/decision': {
    allowed: ['admin', 'dpo'],
    probe: async (o) => {
      const a = await o.f.app.approvals.requestExportApproval(o.f.system, {
        querySummary: {},
        rowCount: 1000,
        revealedFields: [],
      });
      return { url: `/api/v1/approvals/${a.id}/decision`, payload: { decision: 'reject' } };
    },
  },
  'GET /api/v1/customers/:id/shares': {
    allowed: ['manager', 'sales', 'service'],
    probe: onCustomer('/shares'),
  },
  'POST /api/v1/customers/:id/shares': {
    allowed: ['manager', 'sales', 'service'],
    probe: async (o) => ({
      url: `/api/v1/customers/${await customerOf(o)}/shares`,
      payload: { userId: o.s.service.userId },
    }),
  },
  'DELETE /api/v1/customers/:id/shares/:userId': {
    allowed: ['manager', 'sales', 'service'],
    probe: async (o) => ({ url: `/api/v1/customers/${await customerOf(o)}/shares/${o.s.service.userId}` }),
  },
  'GET /api/v1/reports/access-review': {
    allowed: ['dpo', 'auditor'],
    probe: fixed('/api/v1/reports/access-review'),
  },

  // Transfers (公司转让) and the org's identity: transfer-policy.ts.
  'GET /api/v1/org/identity': { allowed: TRANSFER_READ, probe: fixed('/api/v1/org/identity') },
  'GET /api/v1/org/counterparties': { allowed: TRANSFER_READ, probe: fixed('/api/v1/org/counterparties') },
  'POST /api/v1/org/counterparties': {
    allowed: DPO,
    probe: async () => ({
      url: '/api/v1/org/counterparties',
      payload: { identity: strangerIdentity(), name: '丙方', contact: 'dpo@c.example.cn' },
    }),
  },
  'GET /api/v1/transfers': { allowed: TRANSFER_READ, probe: fixed('/api/v1/transfers') },
  'POST /api/v1/transfers': {
    allowed: DPO,
    probe: async (o) => ({
      url: '/api/v1/transfers',
      payload: { path: 'B', name: `转让${uniq()}`, counterpartyId: o.peerCp, fields: ['name'] },
    }),
  },
  'GET /api/v1/transfers/:id': { allowed: TRANSFER_READ, probe: onTransfer('draft', '') },
  'GET /api/v1/transfers/:id/timeline': { allowed: TRANSFER_READ, probe: onTransfer('draft', '/timeline') },
  'POST /api/v1/transfers/:id/readiness': { allowed: DPO, probe: onTransfer('draft', '/readiness') },
  'GET /api/v1/transfers/:id/readiness': {
    allowed: TRANSFER_READ,
    probe: onTransfer('readiness', '/readiness'),
  },
  'POST /api/v1/transfers/:id/campaign': {
    allowed: DPO,
    probe: onTransfer('readiness', '/campaign', () => ({
      plannedDate: daysFromNow(60),
      channels: ['email'],
    })),
  },
  'POST /api/v1/transfers/:id/accept': {
    allowed: DPO,
    probe: onTransfer('draft', '/accept', () => ({ item: 'no-legal-basis', reason: '已评估' })),
  },
  'POST /api/v1/transfers/:id/notice-start': {
    allowed: DPO,
    probe: onTransfer('readiness', '/notice-start'),
  },
  'POST /api/v1/transfers/:id/answers': {
    allowed: DPO,
    probe: onTransfer('noticing', '/answers', (customerId) => ({
      customerId,
      answer: 'object',
      channel: 'phone',
    })),
  },
  'POST /api/v1/transfers/:id/close-answers': {
    allowed: DPO,
    probe: onTransfer('noticing', '/close-answers', () => ({ reason: '测试' })),
  },
  'POST /api/v1/transfers/:id/dd': {
    allowed: DPO,
    probe: onTransfer('draft', '/dd', () => ({ k: 2, sample: 0 })),
  },
  'POST /api/v1/transfers/:id/package': { allowed: DPO, probe: onTransfer('answers-closed', '/package') },
  'GET /api/v1/transfers/:id/package': { allowed: DPO, probe: onTransfer('packaged', '/package') },
  'GET /api/v1/transfers/:id/manifest': {
    allowed: TRANSFER_READ,
    probe: onTransfer('packaged', '/manifest'),
  },
  'POST /api/v1/transfers/:id/complete': {
    // Path A (share transfer): no data moves, closing needs no receipt.
    allowed: DPO,
    probe: async (o) => ({
      url: `/api/v1/transfers/${(await transferOf(o, 'noticing', 'A')).id}/complete`,
      payload: {},
    }),
  },
  'GET /api/v1/transfers/:id/dossier': { allowed: TRANSFER_READ, probe: onTransfer('draft', '/dossier') },
  'GET /api/v1/transfers/inbound': { allowed: TRANSFER_READ, probe: fixed('/api/v1/transfers/inbound') },
  'GET /api/v1/transfers/inbound/:id/receipt': {
    allowed: TRANSFER_READ,
    probe: async (o) => ({ url: `/api/v1/transfers/inbound/${await receivedOf(o)}/receipt` }),
  },
  'POST /api/v1/transfers/inbound': {
    allowed: DPO,
    probe: async (o) => {
      const p = await inboundFor(o);
      return {
        url: '/api/v1/transfers/inbound',
        headers: { 'content-type': 'application/octet-stream', 'x-custodian-manifest': p.manifest },
        payload: p.body,
      };
    },
  },

  // Notice campaigns: notice.read (view), notice.manage (create, suppression list), notice.send, notice.record.
  'POST /api/v1/notices/campaigns': {
    allowed: NOTICE_DPO,
    probe: async (o) => ({
      url: '/api/v1/notices/campaigns',
      payload: await campaignInput(o, [await customerOf(o)]),
    }),
  },
  'GET /api/v1/notices/campaigns': {
    allowed: NOTICE_READ,
    probe: fixed('/api/v1/notices/campaigns?transferId=tr-probe'),
  },
  'GET /api/v1/notices/campaigns/:id': { allowed: NOTICE_READ, probe: onCampaign('') },
  'GET /api/v1/notices/campaigns/:id/tally': { allowed: NOTICE_READ, probe: onCampaign('/tally') },
  'POST /api/v1/notices/campaigns/:id/send': { allowed: NOTICE_DPO, probe: onCampaign('/send', () => ({})) },
  'GET /api/v1/notices/campaigns/:id/announcement': {
    allowed: NOTICE_READ,
    probe: onCampaign('/announcement'),
  },
  'POST /api/v1/notices/campaigns/:id/answers': {
    allowed: NOTICE_RECORD,
    probe: onCampaign('/answers', (customerId) => ({
      customerId,
      answer: 'object',
      channel: 'phone',
      evidence: '电话录音 2026-03-02',
    })),
  },
  'POST /api/v1/notices/suppressions': {
    allowed: NOTICE_DPO,
    probe: async () => ({
      url: '/api/v1/notices/suppressions',
      payload: { channel: 'email', address: `optout${uniq()}@example.cn` },
    }),
  },

  // Imports: import.read / import.run.
  'POST /api/v1/imports': {
    allowed: IMPORT_RUN,
    probe: async () => ({
      url: '/api/v1/imports',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: importUpload(),
    }),
  },
  'GET /api/v1/imports': { allowed: IMPORT_READ, probe: fixed('/api/v1/imports') },
  'GET /api/v1/imports/:id': { allowed: IMPORT_READ, probe: onBatch('') },
  'GET /api/v1/imports/:id/quarantine': { allowed: IMPORT_READ, probe: onBatch('/quarantine') },
  'POST /api/v1/imports/:id/quarantine/:row/retry': {
    allowed: IMPORT_RUN,
    probe: onBatch('/quarantine/3/retry', () => ({ fields: { mobile: mobile() } })),
  },
  'POST /api/v1/imports/:id/quarantine/:row/discard': {
    allowed: IMPORT_RUN,
    probe: onBatch('/quarantine/3/discard', () => ({})),
  },
  'POST /api/v1/imports/:id/rollback': { allowed: IMPORT_RUN, probe: onBatch('/rollback', () => ({})) },

  // Exports: customer.export (dpo, manager). A batch of one row stays under the approval threshold.
  'POST /api/v1/exports': {
    allowed: ['dpo', 'manager'],
    probe: async (o) => ({
      url: '/api/v1/exports',
      payload: { format: 'csv', fields: ['name'], batchId: await batchOf(o) },
    }),
  },
};

const webhook = (url: string) => ({
  why: 'SMS/e-mail gateway callback: no user, authenticated by the shared receipt secret instead',
  check: (o: Org) => assertReceiptSecretGuard(o, url),
});

/**
 * Public routes outside the role matrix (no session by design), each with its own assertion. Sign-in
 * (POST /api/v1/auth/login) is public too but stays in MATRIX: every role signs in. The customer portal
 * lives under /portal/*, outside /api/v1.
 */
const PUBLIC: Record<string, { why: string; check(o: Org): Promise<void> }> = {
  'POST /api/v1/notices/receipts/aliyun': webhook('/api/v1/notices/receipts/aliyun'),
  'POST /api/v1/notices/receipts/tencent': webhook('/api/v1/notices/receipts/tencent'),
  'POST /api/v1/notices/replies/aliyun': webhook('/api/v1/notices/replies/aliyun'),
  'POST /api/v1/notices/replies/tencent': webhook('/api/v1/notices/replies/tencent'),
};

/** Unauthenticated /api/v1 routes: sign-in, and gateway callbacks that carry a shared secret instead. */
const PUBLIC_ROUTES = [
  ...Object.entries(MATRIX)
    .filter(([, r]) => r.public)
    .map(([k]) => k),
  ...Object.keys(PUBLIC),
].sort();

/**
 * Routes that name another resource in the body (or a second path segment): org A's id sent to org B's
 * server, as a role allowed there. Not-found, except where the id only narrows an own-org query.
 */
const BODY_REFS: Record<
  string,
  { role: Role; probe(a: Org, b: Org): Promise<Probe>; expect(res: Res, label: string): void }
> = {
  'POST /api/v1/transfers': {
    role: 'dpo',
    probe: async (a) => ({
      url: '/api/v1/transfers',
      payload: { path: 'B', name: '转让', counterpartyId: a.peerCp, fields: ['companyName'] },
    }),
    expect: (res, label) => expect(res.statusCode, label).toBe(404),
  },
  'POST /api/v1/transfers/:id/answers': {
    role: 'dpo',
    probe: async (a, b) => ({
      url: `/api/v1/transfers/${(await transferOf(b, 'noticing')).id}/answers`,
      payload: { customerId: (await transferOf(a, 'draft')).customerId, answer: 'object', channel: 'phone' },
    }),
    expect: (res, label) => expect(res.statusCode, label).toBe(404),
  },
  'POST /api/v1/notices/campaigns': {
    role: 'dpo',
    probe: async (a, b) => ({
      url: '/api/v1/notices/campaigns',
      payload: await campaignInput(b, [await customerOf(a)]),
    }),
    expect: (res, label) => expect(res.statusCode, label).toBe(404),
  },
  'POST /api/v1/notices/campaigns/:id/answers': {
    role: 'service',
    probe: async (a, b) => ({
      url: `/api/v1/notices/campaigns/${(await campaignOf(b)).id}/answers`,
      payload: { customerId: await customerOf(a), answer: 'object', channel: 'phone', evidence: '电话' },
    }),
    expect: (res, label) => expect(res.statusCode, label).toBe(404),
  },
  'POST /api/v1/customers/:id/shares': {
    role: 'manager',
    probe: async (a, b) => ({
      url: `/api/v1/customers/${await customerOf(b)}/shares`,
      payload: { userId: a.s.service.userId },
    }),
    expect: (res, label) => expect(res.statusCode, label).toBe(404),
  },
  'POST /api/v1/exports': {
    // Another org's batch is no batch here: refused as unknown, not exported as an empty file.
    role: 'dpo',
    probe: async (a) => ({
      url: '/api/v1/exports',
      payload: { format: 'csv', fields: ['name'], batchId: await batchOf(a) },
    }),
    expect: (res, label) => {
      expect(res.statusCode, label).toBe(404);
      expect(res.json(), label).toMatchObject({ error: { code: 'IMPORT_BATCH_NOT_FOUND' } });
    },
  },
};

type Res = Awaited<ReturnType<typeof send>>;

/** Sends a probe to org `o`'s server with the given credentials (the probe's own headers added). */
function send(o: Org, method: string, probe: Probe, auth: Record<string, string>) {
  return o.f.server.inject({
    method: method as 'GET',
    url: probe.url,
    headers: { ...auth, ...probe.headers },
    ...(probe.payload !== undefined ? { payload: probe.payload as object } : {}),
  });
}

async function call(o: Org, role: Role, key: string, row: Row, session: Session | null) {
  const [method, route] = key.split(' ') as [string, string];
  const probe = await row.probe(o, role);
  if (row.public) {
    const who = o.s[role];
    return login(
      o.f.server,
      who.username,
      who.password,
      who.totpSecret ? nextCode(o.f, who.totpSecret) : undefined,
    );
  }
  expect(probe.url.startsWith(route.split(':')[0] as string)).toBe(true);
  return send(o, method, probe, session ? session.headers() : {});
}

describe('authorisation matrix: every /api/v1 route x built-in role x own/other org', () => {
  let a: Org;
  let b: Org;
  beforeAll(async () => {
    [a, b] = await twoOrgs();
  }, 120_000);
  afterAll(async () => {
    await a?.f.cleanup();
    await b?.f.cleanup();
  });

  const allRoutes = (o: Org) =>
    [
      ...new Set(
        o.f.server.routeTable
          .filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD')
          .map((r) => `${r.method} ${r.url}`),
      ),
    ].sort();
  const routesOf = (o: Org) => allRoutes(o).filter((k) => MATRIX[k]);

  it('has an expectation for every route, and no stale ones', () => {
    const routes = allRoutes(a);
    expect(
      routes.filter((r) => !MATRIX[r] && !PUBLIC[r]),
      'new /api/v1 routes: add a row to MATRIX (allowed roles + probe) in test/e2e/authz-matrix.test.ts',
    ).toEqual([]);
    expect(Object.keys({ ...MATRIX, ...PUBLIC }).filter((k) => !routes.includes(k))).toEqual([]);
    const publicNow = [
      ...new Set(
        a.f.server.routeTable
          .filter((r) => r.url.startsWith('/api/v1/') && r.public && r.method !== 'HEAD')
          .map((r) => `${r.method} ${r.url}`),
      ),
    ].sort();
    expect(publicNow, 'unauthenticated routes must be declared public here (MATRIX or PUBLIC)').toEqual(
      PUBLIC_ROUTES,
    );
  });

  it('public routes outside the matrix hold their own guard', async () => {
    for (const [key, p] of Object.entries(PUBLIC)) {
      expect(p.why, key).not.toBe('');
      await p.check(a);
    }
  });

  it('each role reaches exactly the routes of its row (own org)', async () => {
    const got: Record<string, Role[]> = {};
    for (const key of routesOf(a)) {
      const row = MATRIX[key] as Row;
      got[key] = [];
      for (const role of ROLES) {
        const res = await call(a, role, key, row, a.s[role]);
        const through = res.statusCode !== 401 && res.statusCode !== 403;
        // An allowed role's probe is built to succeed: anything but 2xx is reported with its body.
        if (row.allowed.includes(role) && (row.refusedAfterCheck ? !through : res.statusCode >= 300))
          got[key].push(`${role}!${res.statusCode}:${res.body.slice(0, 160)}` as Role);
        else if (through) got[key].push(role);
        if (row.endsSession) a.s[role] = await relogin(a.f, a.s[role]);
      }
    }
    const want = Object.fromEntries(routesOf(a).map((k) => [k, (MATRIX[k] as Row).allowed]));
    expect(got).toEqual(want);
  }, 600_000);

  it('without a session every route but sign-in answers 401', async () => {
    for (const key of routesOf(a)) {
      const row = MATRIX[key] as Row;
      if (row.public) continue;
      const res = await call(a, 'dpo', key, row, null);
      expect(res.statusCode, key).toBe(401);
    }
  }, 120_000);

  it("org A's session cookie and API token are unknown to org B's server (401)", async () => {
    for (const key of routesOf(a)) {
      const row = MATRIX[key] as Row;
      if (row.public) continue;
      const [method] = key.split(' ') as [string];
      const probe = await row.probe(b, 'dpo');
      for (const headers of [
        a.s.dpo.headers(),
        a.s.admin.headers(),
        { authorization: `Bearer ${a.f.adminToken}` },
      ]) {
        const res = await send(b, method, probe, headers);
        expect(res.statusCode, `${key} ${Object.keys(headers).join()}`).toBe(401);
      }
    }
  }, 120_000);

  it("a resource id of org A answers 404 on org B's server, for a role allowed there", async () => {
    for (const key of routesOf(a)) {
      const row = MATRIX[key] as Row;
      if (!key.includes(':')) continue;
      for (const role of row.allowed) {
        const [method] = key.split(' ') as [string];
        const probe = await row.probe(a, role);
        const res = await send(b, method, probe, b.s[role].headers());
        expect(res.statusCode, `${key} as ${role}: ${res.body.slice(0, 200)}`).toBe(row.foreign ?? 404);
      }
    }
  }, 300_000);
  it("org A's ids named in a request body are unknown on org B's server", async () => {
    for (const [key, ref] of Object.entries(BODY_REFS)) {
      expect(MATRIX[key]?.allowed, key).toContain(ref.role);
      const [method] = key.split(' ') as [string];
      const res = await send(b, method, await ref.probe(a, b), b.s[ref.role].headers());
      ref.expect(res, `${key} as ${ref.role}: ${res.body.slice(0, 200)}`);
    }
  }, 120_000);
  // Notices respect the data scope: a campaign manager limited to its own customers cannot put others'
  // into a campaign, and a sales user cannot record an answer for one (found by this matrix, fixed in
  // notice-service). No built-in role with notice.manage has a narrow scope, so a custom one is used.
  it("a campaign and its answers reach only customers in the actor's data scope (own)", async () => {
    const hidden = await a.f.app.customers.create(a.f.system, {
      kind: 'individual',
      purposes: ['sales'],
      fields: { name: '他人客户', mobile: '13800138001' },
    });
    const seen = await a.f.server.inject({
      url: `/api/v1/customers/${hidden}`,
      headers: a.s.sales.headers(),
    });
    expect(seen.statusCode).toBe(404);
    const created = await a.f.server.inject({
      method: 'POST',
      url: '/api/v1/notices/campaigns',
      headers: a.s.sales.headers(),
      payload: await campaignInput(a, [hidden]),
    });
    // sales may not create campaigns at all (notice.manage is the DPO's) ...
    expect.soft(created.statusCode, created.body.slice(0, 200)).toBe(403);
    // ... and a custom role that may, with scope `own`, does not see the other customer.
    const ownScoped: Actor = {
      id: `user:${a.s.sales.userId}`,
      kind: 'user',
      orgId: a.f.system.orgId,
      roles: ['notice-own'],
      userId: a.s.sales.userId,
      customRoles: {
        'notice-own': {
          grants: { customer: { read: 'L2' }, notice: { read: true, manage: true } },
          scope: 'own',
        },
      },
    };
    await expect(
      a.f.app.notices.service.createCampaign(ownScoped, await campaignInput(a, [hidden])),
    ).rejects.toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
    const made = await a.f.app.notices.service.createCampaign(a.f.system, await campaignInput(a, [hidden]));
    const id = made.campaign.id;
    const answered = await a.f.server.inject({
      method: 'POST',
      url: `/api/v1/notices/campaigns/${id}/answers`,
      headers: a.s.sales.headers(),
      payload: { customerId: hidden, answer: 'withdraw', channel: 'phone', evidence: '电话' },
    });
    expect.soft(answered.statusCode).toBe(404);
    expect.soft((await a.f.app.notices.service.tally(a.f.system, id)).answers.withdraw).toBe(0);
  });
});
