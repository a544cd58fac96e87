import { createHash } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { Encrypter } from 'age-encryption';
import { merkleRoot } from '../../kernel/audit/merkle.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import type { Grade } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { CustomersTable } from '../../kernel/store/schema.js';
import { freezeMembers, type MembershipCounts } from './membership.js';
import { loadPage, loadPurposes } from './scope-reader.js';
import { canonicalJson, sha256Hex, signedBytes } from './signing.js';
import { assertTransfer } from './transfer-policy.js';
import { createTransferRepo } from './transfer-repo.js';
import { type TransferDeps, transferEvent } from './transfer-service.js';
import {
  MANIFEST_FORMAT,
  type PackageRecord,
  type SchemaField,
  type SignedManifest,
  type TransferManifest,
} from './transfer-types.js';

const PAGE = 500;

/** `FILE.age` -> `FILE.manifest.json` (the signed manifest is written beside the package). */
export function manifestPathFor(packageFile: string): string {
  return `${packageFile.replace(/\.age$/i, '')}.manifest.json`;
}

export interface PackageResult {
  file: string;
  manifestFile: string;
  manifest: SignedManifest;
  split: MembershipCounts;
}

/**
 * Builds the handover package (ARCHITECTURE §5): JSON lines, one customer each, decrypted page by
 * page and streamed through age (X25519, to the recipient's identity) into a file handle, with a
 * signed manifest beside it. Restartable: each build re-freezes the split (replacing the old one) and
 * writes `FILE.partial` first, renamed only when complete, so a crash leaves no half package and a
 * rebuild never holds a customer twice. The Merkle root is the same for unchanged data.
 */
export function createPackageBuilder(deps: TransferDeps) {
  const { store, keys, audit, clock, orgId, catalog } = deps;
  const repo = createTransferRepo(orgId);

  async function build(actor: Actor, id: string, file: string): Promise<PackageResult> {
    assertTransfer(actor, 'package');
    const t = await repo.get(store.db, id);
    if (t.path !== 'B' && t.path !== 'C')
      throw new AppError('TRANSFER_STATE', {
        id,
        status: `path ${t.path}`,
        action: 'build a package (no data moves)',
      });
    if (t.status !== 'answers-closed' && t.status !== 'packaged')
      throw new AppError('TRANSFER_STATE', {
        id,
        status: t.status,
        action: 'build a package before answers close',
      });
    const cp = await deps.identity.counterparty(t.counterpartyId as string);
    const answers = await deps.answers.answersFor(id);
    const split = await store.transaction(async (trx) => {
      const counts = await freezeMembers(trx, { keys, orgId, repo }, t, answers, clock.now());
      await transferEvent(trx, audit, actor, 'split', id, { ...counts });
      return counts;
    });

    const cat = await catalog.load();
    const schema: SchemaField[] = t.fields
      .map((k) => cat.get(k))
      .filter((d) => d !== undefined)
      .map((d) => ({
        key: d.key,
        labelZh: d.labelZh,
        labelEn: d.labelEn,
        category: d.category,
        grade: d.grade,
        sensitive: d.sensitive,
        type: d.type,
        kinds: [...d.kinds],
      }));
    const gradeOf = new Map(schema.map((f) => [f.key, f.grade]));
    const grades = [...new Set(schema.map((f) => f.grade).filter((g): g is Grade => g !== 'L1'))];
    const purposes = await loadPurposes(store.db, orgId);
    const digests: string[] = [];
    const byKind: Record<string, number> = {};
    const pages = repo.memberPages(store.db, id, ['transfer'], PAGE);
    const encoder = new TextEncoder();

    async function nextChunk(): Promise<Uint8Array | null> {
      for (;;) {
        const next = await pages.next();
        if (next.done) return null;
        const ids = next.value.map((m) => m.customer_id);
        // Write-ahead: the page is audited before it is decrypted.
        await store.transaction((trx) =>
          audit.append(trx, [
            {
              actor: actor.id,
              action: 'transfer.package.read',
              purpose: 'transfer',
              subjects: ids,
              fields: t.fields,
              details: { transferId: id, count: ids.length },
            },
          ]),
        );
        const found = await store.db
          .selectFrom('customers')
          .selectAll()
          .where('org_id', '=', orgId)
          .where('id', 'in', ids)
          .execute();
        const byId = new Map(found.map((r) => [r.id, r]));
        // Erased since the split (a rights request): not handed over.
        const rows = ids
          .map((i) => byId.get(i))
          .filter((r): r is CustomersTable => r !== undefined && r.status === 'active');
        if (rows.length === 0) continue;
        const page = await loadPage(store.db, keys, orgId, rows, grades);
        const notices: Map<string, unknown> = deps.answers.noticeEvidenceMany
          ? await deps.answers.noticeEvidenceMany(id, ids)
          : new Map();
        let text = '';
        for (const c of page) {
          const fields: Record<string, unknown> = {};
          const fieldGrades: Record<string, Grade> = {};
          for (const k of t.fields) {
            const v = c.values[k];
            if (v === undefined) continue;
            fields[k] = v;
            fieldGrades[k] = gradeOf.get(k) as Grade;
          }
          const notice =
            notices.get(c.row.id) ??
            (deps.answers.noticeEvidenceMany ? null : await deps.answers.noticeEvidence(id, c.row.id));
          const record: PackageRecord = {
            customerId: c.row.id,
            kind: c.row.kind,
            companyId: c.row.parent_id,
            fields,
            grades: fieldGrades,
            flags: c.flags,
            purposes: c.purposes
              .map((h) => purposes.get(h.key))
              .filter((p) => p !== undefined)
              .map((p) => ({ key: p.key, name: p.name, basis: p.basis, retention: p.retention })),
            consents: c.consents,
            notice,
          };
          const line = JSON.stringify(record);
          digests.push(sha256Hex(line));
          byKind[c.row.kind] = (byKind[c.row.kind] ?? 0) + 1;
          text += `${line}\n`;
        }
        return encoder.encode(text);
      }
    }

    const source = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const chunk = await nextChunk();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const encrypter = new Encrypter();
    encrypter.addRecipient(cp.ageRecipient);
    const partial = `${file}.partial`;
    const hash = createHash('sha256');
    const fh = await open(partial, 'w', 0o600);
    try {
      const reader = (await encrypter.encrypt(source)).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        hash.update(value);
        await fh.write(value);
      }
      await fh.sync();
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(partial, { force: true });
      throw err;
    }
    await fh.close();
    await rename(partial, file);

    const unsigned: TransferManifest = {
      format: MANIFEST_FORMAT,
      transferId: id,
      seller: { orgId, name: deps.orgName, fingerprint: keys.signingFingerprint },
      buyer: { orgId: cp.orgId, name: cp.name, fingerprint: cp.fingerprint },
      path: t.path,
      counts: { records: digests.length, byKind },
      schema,
      schemaDigest: sha256Hex(canonicalJson(schema)),
      merkleRoot: merkleRoot(digests),
      packageSha256: hash.digest('hex'),
      createdAt: clock.now().toISOString(),
    };
    const manifest: SignedManifest = {
      ...unsigned,
      signature: keys.sign(signedBytes(unsigned)).toString('base64'),
    };
    const manifestFile = manifestPathFor(file);
    await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o644 });
    await store.transaction(async (trx) => {
      await repo.update(trx, id, {
        manifest: JSON.stringify(manifest),
        status: 'packaged',
        updated_at: clock.now().toISOString(),
      });
      await transferEvent(trx, audit, actor, 'package', id, {
        records: manifest.counts.records,
        byKind,
        merkleRoot: manifest.merkleRoot,
        packageSha256: manifest.packageSha256,
        buyerFingerprint: cp.fingerprint,
      });
    });
    return { file, manifestFile, manifest, split };
  }

  return { build };
}
