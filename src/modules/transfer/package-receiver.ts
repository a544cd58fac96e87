import type { Actor } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import { CUSTOMER_KINDS } from '../customers/customer-types.js';
import { createImportWriter } from './import-writer.js';
import { fileSha256, packageLines } from './package-lines.js';
import type { PackageDigest } from './package-opener.js';
import { canonicalJson, publicKeyFromBase64, sha256Hex, signedBytes, verifyDoc } from './signing.js';
import { assertTransfer } from './transfer-policy.js';
import type { TransferDeps } from './transfer-service.js';
import {
  MANIFEST_FORMAT,
  type PackageRecord,
  RECEIPT_FORMAT,
  type SignedManifest,
  type SignedReceipt,
  type TransferReceipt,
} from './transfer-types.js';

const BATCH = 2000;

export interface ReceiveInput {
  file: string;
  manifest: unknown;
  /** Purposes the acquirer adds: created with basis consent and no consent rows (PIPL Art. 14/22). */
  addPurposes?: Array<{ key: string; name: string; retention: string }> | undefined;
}

export interface ReceiveResult {
  inboundId: string;
  imported: number;
  byKind: Record<string, number>;
  receipt: SignedReceipt;
}

/** One record line, parsed and checked against the manifest's schema (`n` counts from 1). */
function checkedRecord(line: string, n: number, schemaKeys: ReadonlySet<string>): PackageRecord {
  let r: PackageRecord;
  try {
    r = JSON.parse(line) as PackageRecord;
  } catch {
    throw new AppError('TRANSFER_PACKAGE_CORRUPT', { detail: `record ${n} is not JSON` });
  }
  if (typeof r.customerId !== 'string' || !(CUSTOMER_KINDS as readonly string[]).includes(r.kind))
    throw new AppError('TRANSFER_PACKAGE_CORRUPT', { detail: `record ${n} lacks id or kind` });
  for (const k of Object.keys(r.fields ?? {}))
    if (!schemaKeys.has(k))
      throw new AppError('TRANSFER_PACKAGE_MISMATCH', {
        detail: `record ${n} holds a field outside the schema`,
      });
  return r;
}

function parseManifest(raw: unknown): SignedManifest {
  const m = raw as Partial<SignedManifest> | null;
  const bad = (detail: string) => new AppError('TRANSFER_PACKAGE_MISMATCH', { detail });
  if (m?.format !== MANIFEST_FORMAT) throw bad(`the manifest format is not ${MANIFEST_FORMAT}`);
  if (typeof m.transferId !== 'string' || !m.seller?.fingerprint || !m.buyer?.fingerprint)
    throw bad('the manifest lacks its transfer id or parties');
  if (typeof m.merkleRoot !== 'string' || typeof m.packageSha256 !== 'string' || !m.counts)
    throw bad('the manifest lacks its root, hash or counts');
  if (!Array.isArray(m.schema)) throw bad('the manifest lacks its schema');
  return m as SignedManifest;
}

/**
 * The acquirer's side (ARCHITECTURE §5): checks the manifest's signature against an imported
 * counterparty and the package file's hash, then decrypts and imports in one streamed pass inside one
 * transaction, verifying each record as it comes and the counts and Merkle root at the end, before
 * commit: a package that fails any check leaves nothing behind (the transaction rolls back). The root
 * is accumulated leaf by leaf, never a list of digests. Imports go through the customers
 * codec and repository rather than `customers.createMany`, which would record a fresh consent the
 * person never gave the acquirer; the original consent ledger is kept with its times and channels.
 */
export function createPackageReceiver(deps: TransferDeps) {
  const { store, keys, audit, clock, orgId, catalog } = deps;
  const writer = createImportWriter(deps);

  async function refuse(actor: Actor, err: unknown, transferId: string | undefined): Promise<never> {
    const code = err instanceof AppError ? err.code : 'INTERNAL';
    await store
      .transaction((trx) =>
        audit.append(trx, [
          {
            actor: actor.id,
            action: 'transfer.receive',
            outcome: 'denied',
            details: { transferId: transferId ?? null, code },
          },
        ]),
      )
      .catch(() => undefined);
    throw err;
  }

  async function receive(actor: Actor, input: ReceiveInput): Promise<ReceiveResult> {
    assertTransfer(actor, 'receive');
    for (const p of input.addPurposes ?? [])
      if (!/^[a-z][a-z0-9_-]{1,39}$/.test(p.key) || !p.name?.trim())
        throw new AppError('VALIDATION_FAILED', {
          detail: 'a new purpose needs a lower-case key and a name',
        });
    let m: SignedManifest | undefined;
    try {
      m = parseManifest(input.manifest);
      return await receiveVerified(actor, m, input);
    } catch (err) {
      return refuse(actor, err, m?.transferId);
    }
  }

  async function receiveVerified(
    actor: Actor,
    m: SignedManifest,
    input: ReceiveInput,
  ): Promise<ReceiveResult> {
    const seller = await deps.identity.byFingerprint(m.seller.fingerprint);
    if (!seller) throw new AppError('TRANSFER_SELLER_UNKNOWN', { fingerprint: m.seller.fingerprint });
    if (!verifyDoc(m, publicKeyFromBase64(seller.publicKey)))
      throw new AppError('TRANSFER_SIGNATURE_INVALID', { what: '清单', whatEn: 'manifest' });
    if (m.buyer.fingerprint !== keys.signingFingerprint) throw new AppError('TRANSFER_NOT_RECIPIENT');
    const seen = await store.db
      .selectFrom('transfer_inbound')
      .select('received_at')
      .where('org_id', '=', orgId)
      .where('seller_fingerprint', '=', m.seller.fingerprint)
      .where('transfer_id', '=', m.transferId)
      .executeTakeFirst();
    if (seen) throw new AppError('TRANSFER_ALREADY_RECEIVED', { id: m.transferId, at: seen.received_at });
    if (sha256Hex(canonicalJson(m.schema)) !== m.schemaDigest)
      throw new AppError('TRANSFER_PACKAGE_MISMATCH', { detail: 'the schema digest differs' });
    // The file's hash is taken while the import runs (it reads the file a second time, off the main
    // work) and compared before commit; when the import fails, a differing hash is the better reason.
    const fileHash = fileSha256(input.file);
    fileHash.catch(() => undefined);
    const hashDiffers = async () => (await fileHash.catch(() => '')) !== m.packageSha256;
    const identity = await deps.identity.ageIdentity();

    const receivedAt = clock.now().toISOString();
    const inboundId = uuidv7();
    const provenance = `transfer:${m.transferId}`;
    const schemaKeys = new Set(m.schema.map((f) => f.key));
    const added = (input.addPurposes ?? []).map((p) => p.key);
    // One pass, in one transaction: every record is checked as it is read and the counts, the counts by
    // kind and the Merkle root once all are in, before commit; any difference throws and rolls the
    // whole import back, so nothing of an unverified package is ever stored.
    const shaDiffers = () =>
      new AppError('TRANSFER_PACKAGE_MISMATCH', { detail: 'the SHA-256 of the package file differs' });
    const result = await store
      .bulkTransaction(async (trx) => {
        const defs = await writer.prepareCatalog(trx, actor, m, provenance);
        const purposes = new Map<string, PackageRecord['purposes'][number]>();
        const byKind: Record<string, number> = {};
        // Seller company id -> ours, for the contacts that follow their company in the package.
        const companyIds = new Map<string, string>();
        const digest: Partial<PackageDigest> = {};
        let count = 0;
        let batch: PackageRecord[] = [];
        const flush = async () => {
          if (batch.length)
            await writer.importBatch(trx, actor, batch, defs, added, companyIds, m, receivedAt, inboundId);
          batch = [];
        };
        for await (const line of packageLines(input.file, identity, digest)) {
          count += 1;
          const r = checkedRecord(line, count, schemaKeys);
          byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
          for (const p of r.purposes ?? []) purposes.set(p.key, p);
          batch.push(r);
          if (batch.length >= BATCH) await flush();
        }
        await flush();
        if (await hashDiffers()) throw shaDiffers();
        if (count !== m.counts.records || digest.records !== count)
          throw new AppError('TRANSFER_PACKAGE_MISMATCH', {
            detail: `${count} records, the manifest says ${m.counts.records}`,
          });
        if (canonicalJson(byKind) !== canonicalJson(m.counts.byKind))
          throw new AppError('TRANSFER_PACKAGE_MISMATCH', { detail: 'the counts by kind differ' });
        if (digest.merkleRoot !== m.merkleRoot)
          throw new AppError('TRANSFER_PACKAGE_MISMATCH', { detail: 'the Merkle root differs' });
        // Purposes the records hold that we lack, as the seller had them; then the acquirer's new ones.
        await writer.preparePurposes(trx, actor, purposes, input.addPurposes ?? [], provenance);
        await writer.publishIndex(trx, inboundId);
        const index = count;
        const unsigned: TransferReceipt = {
          format: RECEIPT_FORMAT,
          transferId: m.transferId,
          merkleRoot: m.merkleRoot,
          count: index,
          receivedAt,
          buyer: { orgId, name: deps.orgName, fingerprint: keys.signingFingerprint },
        };
        const receipt: SignedReceipt = {
          ...unsigned,
          signature: keys.sign(signedBytes(unsigned)).toString('base64'),
        };
        await trx
          .insertInto('transfer_inbound')
          .values({
            id: inboundId,
            org_id: orgId,
            transfer_id: m.transferId,
            seller_fingerprint: m.seller.fingerprint,
            counterparty_id: seller.id,
            merkle_root: m.merkleRoot,
            count: index,
            manifest: JSON.stringify(m),
            receipt: JSON.stringify(receipt),
            received_at: receivedAt,
          })
          .execute();
        await audit.append(trx, [
          {
            actor: actor.id,
            action: 'transfer.receive',
            details: {
              transferId: m.transferId,
              inboundId,
              sellerFingerprint: m.seller.fingerprint,
              records: index,
              byKind,
              merkleRoot: m.merkleRoot,
              addedPurposes: added,
            },
          },
        ]);
        return { inboundId, imported: index, byKind, receipt };
      })
      .catch(async (err: unknown) => {
        throw (await hashDiffers()) ? shaDiffers() : err;
      });
    catalog.invalidate();
    return result;
  }

  return { receive };
}
