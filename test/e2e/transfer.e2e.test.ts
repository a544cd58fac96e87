import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFingerprint } from '../../src/kernel/crypto/key-ring.js';
import { manifestPathFor } from '../../src/modules/transfer/package-builder.js';
import { signedBytes } from '../../src/modules/transfer/signing.js';
import type { SignedReceipt } from '../../src/modules/transfer/transfer-types.js';
import { filesUnder, findInFiles, plaintextForms } from '../support/byte-scan.js';
import { engines } from '../support/engines.js';
import {
  ageCliDecrypt,
  countCustomers,
  exchangeIdentities,
  newOrg,
  type Org,
} from '../support/transfer-orgs.js';

const sqlite = engines()[0];
if (!sqlite) throw new Error('no sqlite engine');
// The acquirer side runs on PostgreSQL when the suite has one (two engines, one handover).
const buyerTarget = engines()[1] ?? sqlite;

const tmp = mkdtempSync(join(tmpdir(), 'custodian-transfer-'));
const read = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

async function seedSeller(
  org: Org,
): Promise<{ person: string; company: string; contact: string; legal: string; objector: string }> {
  const { app, actor } = org;
  await app.consent.addPurpose(actor, { key: 'sales', name: '销售服务', basis: 'consent', retention: '3y' });
  await app.consent.addPurpose(actor, {
    key: 'contract',
    name: '合同履行',
    basis: 'contract',
    retention: '5y',
  });
  await app.consent.addPurpose(actor, {
    key: 'accounting',
    name: '会计档案',
    basis: 'legal-obligation',
    retention: '30y',
  });
  const [person, objector, legal] = await app.customers.createMany(actor, [
    {
      kind: 'individual',
      purposes: ['sales'],
      fields: {
        name: '欧阳明辉',
        mobile: '13912345678',
        email: 'ouyang.minghui@example.cn',
        region: '浙江省杭州市滨江区',
        idNumber: '11010519491231002X',
      },
    },
    {
      kind: 'individual',
      purposes: ['sales'],
      fields: { name: '司马静怡', mobile: '18698765432', region: '北京市东城区' },
    },
    { kind: 'individual', purposes: ['accounting'], fields: { name: '诸葛亮', email: 'zhuge@example.cn' } },
    {
      kind: 'individual',
      purposes: ['sales'],
      fields: { name: '小明', mobile: '13600002222', isMinor: true },
    },
  ]);
  const company = await app.customers.create(actor, {
    kind: 'company',
    purposes: ['contract'],
    fields: {
      companyName: '杭州示例科技有限公司',
      uscc: '91350100M000100Y43',
      industry: '制造业',
      region: '浙江省杭州市',
    },
  });
  const contact = await app.customers.create(actor, {
    kind: 'contact',
    companyId: company,
    purposes: ['contract'],
    fields: { name: '王小二', mobile: '13700001111' },
  });
  await app.consent.record(actor, 'grant', {
    customerId: person as string,
    purpose: 'sales',
    channel: 'sms',
    evidence: 'sms-42',
    separate: true,
  });
  return { person: person as string, objector: objector as string, legal: legal as string, company, contact };
}

async function caseUpToPackage(
  seller: Org,
  counterpartyId: string,
  path: 'B' | 'C',
  name: string,
  answers: Array<[string, 'object' | 'consent']>,
) {
  const t = seller.app.transfer;
  const created = await t.cases.create(seller.actor, {
    path,
    name,
    counterpartyId,
    fields: ['name', 'mobile', 'email', 'region', 'companyName', 'uscc', 'industry'],
  });
  const report = await t.cases.readiness(seller.actor, created.id);
  for (const code of report.open) await t.cases.accept(seller.actor, created.id, code, '律师意见：可转让');
  await t.cases.startNotice(seller.actor, created.id);
  for (const [customerId, answer] of answers)
    await t.cases.recordAnswer(seller.actor, created.id, { customerId, answer, channel: 'letter' });
  await t.cases.closeAnswers(seller.actor, created.id, { reason: '测试：提前结束答复期' });
  const file = join(tmp, `${name}.age`);
  const built = await t.packages.build(seller.actor, created.id, file);
  return { id: created.id, file, manifestFile: built.manifestFile, manifest: built.manifest };
}

describe(`company transfer between two data directories (acquirer on ${buyerTarget.engine})`, () => {
  let seller: Org;
  let buyer: Org;
  let outsider: Org;
  let ids: Awaited<ReturnType<typeof seedSeller>>;
  let cp: { buyerId: string; sellerId: string };
  let b: Awaited<ReturnType<typeof caseUpToPackage>>;
  let receipt: SignedReceipt;

  beforeAll(async () => {
    seller = await newOrg(sqlite, '卖方科技有限公司');
    buyer = await newOrg(buyerTarget, '买方集团有限公司');
    outsider = await newOrg(sqlite, '无关公司');
    ids = await seedSeller(seller);
    cp = await exchangeIdentities(seller, buyer, '买方集团有限公司');
    await exchangeIdentities(seller, outsider, '无关公司');
  });
  afterAll(async () => {
    await seller?.cleanup();
    await buyer?.cleanup();
    await outsider?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('path B: readiness, notices, package that the age CLI opens, signed manifest', async () => {
    const t = seller.app.transfer;
    const draft = await t.cases.create(seller.actor, {
      path: 'B',
      name: 'probe',
      counterpartyId: cp.buyerId,
    });
    const report = await t.cases.readiness(seller.actor, draft.id);
    expect(report.inScope).toBe(6);
    expect(report.open).toEqual(['minor']);
    const unreachable = report.items.find((i) => i.code === 'unreachable');
    expect(unreachable?.customerIds).toContain(ids.company);
    await expect(t.cases.startNotice(seller.actor, draft.id)).rejects.toMatchObject({
      code: 'TRANSFER_BLOCKED',
    });

    b = await caseUpToPackage(seller, cp.buyerId, 'B', 'merger', [[ids.objector, 'object']]);
    expect(b.manifest.counts.records).toBe(5);
    expect(b.manifest.counts.byKind).toEqual({ company: 1, individual: 3, contact: 1 });
    expect(manifestPathFor(b.file)).toBe(b.manifestFile);
    expect(read(b.manifestFile)).toEqual(b.manifest);
    const lines = await ageCliDecrypt(buyer, b.file);
    expect(lines.length).toBe(b.manifest.counts.records);
    const ids2 = lines.map((l) => JSON.parse(l).customerId);
    expect(ids2).not.toContain(ids.objector);
    const person = JSON.parse(lines.find((l) => JSON.parse(l).customerId === ids.person) as string);
    expect(person.fields.mobile).toBe('13912345678');
    expect(person.fields.idNumber).toBeUndefined();
    expect(person.consents.map((c: { channel: string }) => c.channel)).toEqual(['at-creation', 'sms']);
    expect(person.consents[1]).toMatchObject({ purpose: 'sales', channel: 'sms', separate: true });
    // The package file holds no plaintext.
    expect(readFileSync(b.file).includes(Buffer.from('13912345678'))).toBe(false);
  });

  it('refuses tampered, truncated, misaddressed or unknown-seller packages and imports nothing', async () => {
    const before = await countCustomers(buyer);
    const flipped = join(tmp, 'flipped.age');
    copyFileSync(b.file, flipped);
    const bytes = readFileSync(flipped);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 0x01;
    writeFileSync(flipped, bytes);
    await expect(
      buyer.app.transfer.receiver.receive(buyer.actor, { file: flipped, manifest: b.manifest }),
    ).rejects.toMatchObject({ code: 'TRANSFER_PACKAGE_MISMATCH' });

    const truncated = join(tmp, 'truncated.age');
    copyFileSync(b.file, truncated);
    truncateSync(truncated, statSync(truncated).size - 10);
    await expect(
      buyer.app.transfer.receiver.receive(buyer.actor, { file: truncated, manifest: b.manifest }),
    ).rejects.toMatchObject({ code: 'TRANSFER_PACKAGE_MISMATCH' });

    // A manifest edited to match the flipped file loses its signature.
    const forgedManifest = { ...b.manifest, counts: { ...b.manifest.counts, records: 3 } };
    await expect(
      buyer.app.transfer.receiver.receive(buyer.actor, { file: b.file, manifest: forgedManifest }),
    ).rejects.toMatchObject({ code: 'TRANSFER_SIGNATURE_INVALID' });

    // The outsider knows the seller but the package is not encrypted to it.
    await expect(
      outsider.app.transfer.receiver.receive(outsider.actor, { file: b.file, manifest: b.manifest }),
    ).rejects.toMatchObject({ code: 'TRANSFER_NOT_RECIPIENT' });

    // An acquirer that never imported the seller's identity refuses the manifest's key.
    const stranger = await newOrg(sqlite, '陌生买方');
    try {
      await expect(
        stranger.app.transfer.receiver.receive(stranger.actor, { file: b.file, manifest: b.manifest }),
      ).rejects.toMatchObject({ code: 'TRANSFER_SELLER_UNKNOWN' });
    } finally {
      await stranger.cleanup();
    }
    expect(await countCustomers(buyer)).toBe(before);
    expect(await countCustomers(outsider)).toBe(0);
    const denied = await buyer.app.kernel.audit.query({ action: 'transfer.receive' });
    expect(denied.filter((e) => e.outcome === 'denied').length).toBe(3);
  });

  it('a package its own seller signed wrong (root or counts) is read in full, then rolled back: nothing stays', async () => {
    const before = await countCustomers(buyer);
    const resign = (m: Record<string, unknown>) => ({
      ...m,
      signature: seller.app.kernel.keys.sign(signedBytes(m)).toString('base64'),
    });
    const wrongRoot = resign({ ...b.manifest, merkleRoot: 'ab'.repeat(32) });
    await expect(
      buyer.app.transfer.receiver.receive(buyer.actor, { file: b.file, manifest: wrongRoot }),
    ).rejects.toMatchObject({ code: 'TRANSFER_PACKAGE_MISMATCH' });
    const wrongKinds = resign({ ...b.manifest, counts: { ...b.manifest.counts, byKind: { individual: 1 } } });
    await expect(
      buyer.app.transfer.receiver.receive(buyer.actor, { file: b.file, manifest: wrongKinds }),
    ).rejects.toMatchObject({ code: 'TRANSFER_PACKAGE_MISMATCH' });
    expect(await countCustomers(buyer)).toBe(before);
    const leftovers = await buyer.app.kernel.store.db
      .selectFrom('blind_index_pending')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(leftovers.n)).toBe(0);
    expect(await buyer.app.kernel.store.db.selectFrom('transfer_inbound').selectAll().execute()).toEqual([]);
  });

  it('receives under its own keys with consents preserved, returns a signed receipt, refuses a replay', async () => {
    const res = await buyer.app.transfer.receiver.receive(buyer.actor, {
      file: b.file,
      manifest: read(b.manifestFile),
      addPurposes: [{ key: 'marketing', name: '精准营销', retention: '2y' }],
    });
    expect(res.imported).toBe(5);
    receipt = res.receipt;
    expect(receipt).toMatchObject({ transferId: b.id, merkleRoot: b.manifest.merkleRoot, count: 5 });
    const found = await buyer.app.customers.find(buyer.actor, { mobile: '13912345678' });
    expect(found.length).toBe(1);
    const id = (found[0] as { id: string }).id;
    expect(id).not.toBe(ids.person);
    const view = await buyer.app.customers.get(buyer.actor, id, { reveal: ['mobile'], purpose: 'sales' });
    expect(view.fields.mobile).toBe('13912345678');
    expect(view.flags).toContain(`transfer:${b.id}`);
    expect(view.source).toBe(`transfer:${seller.app.kernel.orgId}`);
    const ledger = await buyer.app.consent.list(buyer.actor, id);
    const sellerLedger = await seller.app.consent.list(seller.actor, ids.person);
    expect(ledger.map((c) => [c.purpose, c.action, c.at, c.channel, c.separate, c.evidenceHash])).toEqual(
      sellerLedger.map((c) => [c.purpose, c.action, c.at, c.channel, c.separate, c.evidenceHash]),
    );
    expect(ledger[1]).toMatchObject({ purpose: 'sales', channel: 'sms', separate: true, action: 'grant' });
    // The acquirer's new purpose has no consent: processing under it is blocked (PIPL Art. 14/22).
    const basis = await buyer.app.consent.basisFor(id, 'marketing');
    expect(basis.ok).toBe(false);
    const contact = (await buyer.app.customers.find(buyer.actor, { mobile: '13700001111' }))[0];
    const company = (await buyer.app.customers.find(buyer.actor, { uscc: '91350100M000100Y43' }))[0];
    expect(contact?.companyId).toBe(company?.id);
    await expect(
      buyer.app.transfer.receiver.receive(buyer.actor, { file: b.file, manifest: b.manifest }),
    ).rejects.toMatchObject({ code: 'TRANSFER_ALREADY_RECEIVED' });
    expect(await countCustomers(buyer)).toBe(5);
    // Neither side's data directory nor the exchanged files hold a value in clear.
    const needles = [...plaintextForms('13912345678'), ...plaintextForms('欧阳明辉')];
    const files = [...filesUnder(seller.dataDir), ...filesUnder(buyer.dataDir), ...filesUnder(tmp)];
    expect(findInFiles(files, needles)).toEqual([]);
  });

  it('refuses a forged receipt and destroys nothing; a genuine one unlocks crypto-shredding and a certificate', async () => {
    const active = await countCustomers(seller, 'active');
    const forged = { ...receipt, signature: '' } as SignedReceipt;
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const other = generateKeyPairSync('ed25519');
    forged.signature = sign(null, signedBytes(forged), other.privateKey).toString('base64');
    expect(keyFingerprint(other.publicKey)).not.toBe(receipt.buyer.fingerprint);
    await expect(
      seller.app.transfer.closeOut.complete(seller.actor, b.id, { receipt: forged }),
    ).rejects.toMatchObject({ code: 'TRANSFER_RECEIPT_INVALID' });
    const tampered = { ...receipt, count: receipt.count + 1 };
    await expect(
      seller.app.transfer.closeOut.complete(seller.actor, b.id, { receipt: tampered }),
    ).rejects.toMatchObject({ code: 'TRANSFER_RECEIPT_INVALID' });
    expect(await countCustomers(seller, 'active')).toBe(active);

    const done = await seller.app.transfer.closeOut.complete(seller.actor, b.id, {
      receipt,
      retainPurpose: 'legal-obligation',
      approver: '总经理 张三',
    });
    expect(done.transfer.status).toBe('closed');
    const cert = done.certificate as NonNullable<typeof done.certificate>;
    expect(cert.counts).toEqual({ erased: 5, restricted: 1, alreadyErased: 0 });
    expect(cert.merkleRoot).toBe(b.manifest.merkleRoot);
    const pub = seller.app.kernel.keys.verifyKey;
    const { verify } = await import('node:crypto');
    expect(verify(null, signedBytes(cert), pub, Buffer.from(cert.signature, 'base64'))).toBe(true);
    await expect(seller.app.customers.get(seller.actor, ids.person)).rejects.toMatchObject({
      code: 'CUSTOMER_ERASED',
    });
    expect(await countCustomers(seller, 'restricted')).toBe(1);
    await expect(
      seller.app.transfer.closeOut.complete(seller.actor, b.id, { receipt }),
    ).rejects.toMatchObject({ code: 'TRANSFER_STATE' });

    const dossier = await seller.app.transfer.dossier.build(seller.actor, b.id);
    expect(dossier.transfer.certificate?.signature).toBe(cert.signature);
    expect(dossier.timeline.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'transfer.create',
        'transfer.readiness',
        'transfer.notice.start',
        'transfer.package',
        'transfer.receipt',
        'transfer.complete',
      ]),
    );
    expect((await seller.app.kernel.audit.verify({ checkpoint: dossier.checkpoint })).ok).toBe(true);
  });

  it('path A: a share transfer closes after notices and moves nothing', async () => {
    const t = seller.app.transfer;
    const before = await countCustomers(seller, 'active');
    const a = await t.cases.create(seller.actor, { path: 'A', name: 'share-sale' });
    const report = await t.cases.readiness(seller.actor, a.id);
    for (const code of report.open) await t.cases.accept(seller.actor, a.id, code, '仅更新告知');
    await t.cases.startNotice(seller.actor, a.id);
    await expect(t.packages.build(seller.actor, a.id, join(tmp, 'a.age'))).rejects.toMatchObject({
      code: 'TRANSFER_STATE',
    });
    const done = await t.closeOut.complete(seller.actor, a.id, {});
    expect(done.transfer.status).toBe('closed');
    expect(done.certificate).toBeNull();
    expect(await countCustomers(seller, 'active')).toBe(before);
  });

  it('path C: only customers with separate consent move; a replayed receipt is refused', async () => {
    const freshPerson = await seller.app.customers.create(seller.actor, {
      kind: 'individual',
      purposes: ['sales'],
      fields: { name: '上官婉儿', mobile: '13511112222' },
    });
    const other = await seller.app.customers.create(seller.actor, {
      kind: 'individual',
      purposes: ['sales'],
      fields: { name: '东方不败', mobile: '13533334444' },
    });
    const c = await caseUpToPackage(seller, cp.buyerId, 'C', 'asset-sale', [[freshPerson, 'consent']]);
    expect(c.manifest.counts.records).toBe(1);
    // Restartable: a rebuild re-freezes the same split and gives the same root, no duplicates.
    const again = await seller.app.transfer.packages.build(seller.actor, c.id, join(tmp, 'asset-sale-2.age'));
    expect(again.manifest.merkleRoot).toBe(c.manifest.merkleRoot);
    expect(again.manifest.counts).toEqual(c.manifest.counts);
    expect(again.manifest.packageSha256).not.toBe(c.manifest.packageSha256);
    const lines = await ageCliDecrypt(buyer, c.file);
    expect(lines.map((l) => JSON.parse(l).customerId)).toEqual([freshPerson]);
    // The receipt of the first transfer does not unlock this one.
    await expect(
      seller.app.transfer.closeOut.complete(seller.actor, c.id, { receipt }),
    ).rejects.toMatchObject({ code: 'TRANSFER_RECEIPT_INVALID' });
    const res = await buyer.app.transfer.receiver.receive(buyer.actor, {
      file: c.file,
      manifest: c.manifest,
    });
    const done = await seller.app.transfer.closeOut.complete(seller.actor, c.id, { receipt: res.receipt });
    expect(done.certificate?.counts.erased).toBe(1);
    // The customer without separate consent stays with the seller, untouched.
    expect((await seller.app.customers.get(seller.actor, other)).status).toBe('active');
  });
});
