import { rename, rm, writeFile } from 'node:fs/promises';
import type { Actor } from '../../kernel/authz/permissions.js';
import type { Grade } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { freezeMembers, type MembershipCounts } from './membership.js';
import { type SealedPackage, startPackageSealer } from './package-sealer.js';
import { loadPurposes, readMemberPage } from './scope-reader.js';
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

const PAGE = 2000;

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
 * signed manifest beside it. Streamed end to end for a million customers: members are read in keyset
 * pages (seq) with compiled queries, each page audited before it is decrypted, and the age encryption,
 * record digests and Merkle root (O(log n) memory) run on a worker thread (package-sealer.ts) while
 * the next page is read. Restartable: each build re-freezes the split (replacing the old one) and
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
    // Each purpose's package form, made once and shared by every record that holds it.
    const purposes = new Map(
      [...(await loadPurposes(store.db, orgId)).values()].map((p) => [
        p.key,
        { key: p.key, name: p.name, basis: p.basis, retention: p.retention },
      ]),
    );
    const byKind: Record<string, number> = {};
    const partial = `${file}.partial`;
    const sealer = startPackageSealer(partial, cp.ageRecipient);
    let sealed: SealedPackage;
    try {
      let after = -1;
      for (;;) {
        const members = await readMemberPage(store, keys, orgId, id, after, PAGE);
        if (!members) break;
        after = members.lastSeq;
        const ids = members.ids;
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
        const page = await members.open(grades);
        if (page.length > 0) {
          const notices: Map<string, unknown> = deps.answers.noticeEvidenceMany
            ? await deps.answers.noticeEvidenceMany(id, ids)
            : new Map();
          const lines: string[] = [];
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
              purposes: c.purposes.map((h) => purposes.get(h.key)).filter((p) => p !== undefined),
              consents: c.consents,
              notice,
            };
            byKind[c.row.kind] = (byKind[c.row.kind] ?? 0) + 1;
            lines.push(JSON.stringify(record));
          }
          await sealer.push(lines);
        }
        if (ids.length < PAGE) break;
      }
      sealed = await sealer.finish();
    } catch (err) {
      await sealer.abort();
      await rm(partial, { force: true });
      throw err;
    }
    await rename(partial, file);

    const unsigned: TransferManifest = {
      format: MANIFEST_FORMAT,
      transferId: id,
      seller: { orgId, name: deps.orgName, fingerprint: keys.signingFingerprint },
      buyer: { orgId: cp.orgId, name: cp.name, fingerprint: cp.fingerprint },
      path: t.path,
      counts: { records: sealed.records, byKind },
      schema,
      schemaDigest: sha256Hex(canonicalJson(schema)),
      merkleRoot: sealed.merkleRoot,
      packageSha256: sealed.packageSha256,
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
