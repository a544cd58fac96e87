import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { keyFingerprint } from '../../src/kernel/crypto/key-ring.js';
import { RECEIPT_SECRET_HEADER } from '../../src/modules/notices/notice-routes.js';
import { IDENTITY_FORMAT } from '../../src/modules/transfer/transfer-types.js';
import { type AuthFixture, authFixture, type Session, userSession } from './auth-fixture.js';
import { daysFromNow } from './dates.js';

/**
 * Fixtures of the authorisation matrix (test/e2e/authz-matrix.test.ts): two orgs with one user per
 * built-in role, each knowing the other as a transfer counterparty, and resources created as the
 * local system actor in whatever state a route needs.
 */
export const ROLES = ['admin', 'dpo', 'manager', 'sales', 'service', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface Org {
  f: AuthFixture;
  s: Record<Role, Session>;
  /** The other org of the test (a transfer counterparty of this one). */
  peer: Org;
  /** The peer's id in this org's counterparty list. */
  peerCp: string;
}

let n = 0;
export const uniq = (): string => {
  n += 1;
  return `${Date.now().toString(36)}${n}`;
};
/** A mobile number not used before in this run (imports would otherwise merge rows). */
export const mobile = (): string =>
  `139${String(Date.now() % 1e4).padStart(4, '0')}${String(n++ % 1e4).padStart(4, '0')}`;

async function orgWithRoles(): Promise<Omit<Org, 'peer' | 'peerCp'>> {
  const f = await authFixture();
  const s = {} as Record<Role, Session>;
  for (const role of ROLES) s[role] = await userSession(f, `m.${role}`, [role], { team: 'east' });
  return { f, s };
}

/** Two orgs that imported each other's identity file (the out-of-band exchange). */
export async function twoOrgs(): Promise<[Org, Org]> {
  const a = (await orgWithRoles()) as Org;
  const b = (await orgWithRoles()) as Org;
  const idA = await a.f.app.transfer.identity.exportIdentity(a.f.system);
  const idB = await b.f.app.transfer.identity.exportIdentity(b.f.system);
  a.peer = b;
  b.peer = a;
  a.peerCp = (
    await a.f.app.transfer.identity.importCounterparty(a.f.system, idB, {
      name: '乙方',
      contact: 'dpo@b.example.cn',
    })
  ).id;
  b.peerCp = (
    await b.f.app.transfer.identity.importCounterparty(b.f.system, idA, {
      name: '甲方',
      contact: 'dpo@a.example.cn',
    })
  ).id;
  return [a, b];
}

export async function customerOf(o: Org): Promise<string> {
  // Owned by the east sales user: sales (own), manager (team east), service and dpo (all) reach it.
  return o.f.app.customers.create(o.f.system, {
    kind: 'individual',
    purposes: ['sales'],
    fields: { name: '测试客户', mobile: '13800138000' },
    ownerId: o.s.sales.userId,
  });
}

/** A well-formed identity file of an org that does not exist (a new fingerprint each time). */
export function strangerIdentity(): Record<string, string> {
  const { publicKey } = generateKeyPairSync('ed25519');
  return {
    format: IDENTITY_FORMAT,
    orgId: `01a0${randomBytes(4).toString('hex')}-0000-7000-8000-000000000000`,
    orgName: '丙方',
    ageRecipient: `age1${randomBytes(24).toString('hex')}`,
    ed25519PublicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    fingerprint: keyFingerprint(publicKey),
  };
}

export type TransferStage = 'draft' | 'readiness' | 'noticing' | 'answers-closed' | 'packaged';

/**
 * A transfer case of org `o` to its peer (path B, one company customer in scope) brought to `stage`
 * through the services, as the system actor. Path A (share transfer, no data moves) when `path` says so.
 */
export async function transferOf(
  o: Org,
  stage: TransferStage,
  path: 'A' | 'B' = 'B',
): Promise<{ id: string; customerId: string }> {
  const sys = o.f.system;
  const t = o.f.app.transfer;
  const customerId = await o.f.app.customers.create(sys, {
    kind: 'company',
    purposes: ['contract'],
    fields: { companyName: `转让客户${uniq()}` },
  });
  const tr = await t.cases.create(sys, {
    path,
    name: `转让${uniq()}`,
    ...(path === 'B' ? { counterpartyId: o.peerCp } : {}),
    scope: { kind: 'company', purpose: 'contract' },
    fields: ['companyName'],
  });
  if (stage === 'draft') return { id: tr.id, customerId };
  const report = await t.cases.readiness(sys, tr.id);
  for (const code of report.open) await t.cases.accept(sys, tr.id, code, '测试');
  if (stage === 'readiness') return { id: tr.id, customerId };
  await t.cases.startNotice(sys, tr.id);
  if (stage === 'noticing') return { id: tr.id, customerId };
  await t.cases.closeAnswers(sys, tr.id, { reason: '测试' });
  if (stage === 'answers-closed') return { id: tr.id, customerId };
  const dir = join(o.f.dataDir, 'transfers');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await t.packages.build(sys, tr.id, join(dir, `${tr.id}.age`));
  return { id: tr.id, customerId };
}

/** A package the peer built for `o`: the encrypted bytes and the signed manifest (base64 JSON). */
export async function inboundFor(o: Org): Promise<{ body: Buffer; manifest: string }> {
  const { id } = await transferOf(o.peer, 'packaged');
  const body = readFileSync(join(o.peer.f.dataDir, 'transfers', `${id}.age`));
  const tr = await o.peer.f.app.transfer.cases.get(o.peer.f.system, id);
  return { body, manifest: Buffer.from(JSON.stringify(tr.manifest)).toString('base64') };
}

/** A package the peer built for `o`, received by `o`: its inbound id (for the receipt route). */
export async function receivedOf(o: Org): Promise<string> {
  const p = await inboundFor(o);
  const dir = mkdtempSync(join(tmpdir(), 'custodian-authz-'));
  try {
    const file = join(dir, 'in.age');
    writeFileSync(file, p.body);
    const manifest = JSON.parse(Buffer.from(p.manifest, 'base64').toString('utf8')) as unknown;
    return (await o.f.app.transfer.receiver.receive(o.f.system, { file, manifest })).inboundId;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A completed import batch of org `o` (one good row, one quarantined row: a mobile of 10 digits on CSV
 * row 3).
 */
export async function batchOf(o: Org): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-authz-'));
  try {
    const file = join(dir, 'list.csv');
    writeFileSync(file, importCsv());
    const report = await o.f.app.ingest.run(o.f.system, file, { purposes: ['sales'], onDuplicate: 'merge' });
    if (!report.batchId) throw new Error('import made no batch');
    return report.batchId;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function importCsv(): Buffer {
  return Buffer.from(
    `客户类型,姓名,手机\r\n个人,导入${uniq()},${mobile()}\r\n个人,坏行${uniq()},1380000222\r\n`,
  );
}

export const BOUNDARY = '----custodian-authz-boundary';

/** multipart/form-data of POST /api/v1/imports: `purpose` and a tiny CSV. */
export function importUpload(): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nsales\r\n`),
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="list.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    importCsv(),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

/** An open notice campaign of org `o` over one customer (reachable by SMS). */
export async function campaignOf(o: Org): Promise<{ id: string; customerId: string }> {
  const customerId = await customerOf(o);
  const c = await o.f.app.notices.service.createCampaign(o.f.system, await campaignInput(o, [customerId]));
  return { id: c.campaign.id, customerId };
}

/** The body of a notice campaign for a fresh transfer of org `o` (path B, to the peer). */
export async function campaignInput(o: Org, customerIds: string[]) {
  return {
    transferId: (await transferOf(o, 'draft')).id,
    path: 'B' as const,
    recipientName: '乙方',
    recipientContact: 'dpo@b.example.cn',
    plannedDate: daysFromNow(60),
    customerIds,
  };
}

/**
 * A gateway callback (receipts, SMS replies) is public to the session check and takes the shared
 * receipt secret instead: refused unconfigured, without it, with a wrong one, and with staff credentials.
 */
export async function assertReceiptSecretGuard(o: Org, url: string): Promise<void> {
  const config = o.f.app.notices.config as { receiptSecret: string | null };
  const saved = config.receiptSecret;
  try {
    config.receiptSecret = null;
    // Not configured: refused even with a header (an empty secret never matches).
    let res = await o.f.server.inject({
      method: 'POST',
      url,
      headers: { [RECEIPT_SECRET_HEADER]: '' },
      payload: [],
    });
    expect(res.statusCode, `${url} unconfigured`).toBe(401);
    config.receiptSecret = 'gateway-shared-secret-1';
    for (const headers of [
      {},
      { [RECEIPT_SECRET_HEADER]: 'gateway-shared-secret-2' },
      // A staff session or token does not stand in for the gateway's secret.
      o.s.dpo.headers(),
      { authorization: `Bearer ${o.f.adminToken}` },
    ]) {
      res = await o.f.server.inject({ method: 'POST', url, headers, payload: [] });
      expect(res.statusCode, `${url} ${Object.keys(headers).join()}`).toBe(401);
    }
    res = await o.f.server.inject({
      method: 'POST',
      url,
      headers: { [RECEIPT_SECRET_HEADER]: 'gateway-shared-secret-1' },
      payload: [],
    });
    expect(res.statusCode, `${url} with the secret: ${res.body}`).toBe(200);
  } finally {
    config.receiptSecret = saved;
  }
}
