import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import { KeyRing } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { validateUscc } from '../../kernel/identifiers/index.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type { CounterpartiesTable } from '../../kernel/store/schema.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import { keyFingerprint, publicKeyFromBase64 } from './signing.js';
import { assertTransfer } from './transfer-policy.js';
import { type Counterparty, IDENTITY_FORMAT, type OrgIdentityFile } from './transfer-types.js';

export interface OrgIdentityDeps {
  store: Store;
  keys: Pick<
    KeyRing,
    'wrapCustomerKey' | 'unwrapCustomerKey' | 'newCustomerKey' | 'sealDocument' | 'openDocument'
  > &
    Pick<KeyRing, 'verifyKey' | 'signingFingerprint' | 'activeVersion'>;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
  orgName: string;
}

const SCOPE = 'org-identity';

function toCounterparty(r: CounterpartiesTable): Counterparty {
  return {
    id: r.id,
    name: r.name,
    contact: r.contact,
    uscc: r.uscc,
    orgId: r.remote_org_id,
    ageRecipient: r.age_recipient,
    publicKey: r.public_key,
    fingerprint: r.fingerprint,
    importedAt: r.imported_at,
  };
}

export type OrgIdentityService = ReturnType<typeof createOrgIdentityService>;

/**
 * The org's package identity (age X25519, ARCHITECTURE §2) and the counterparties whose identities it
 * has imported. The age secret is sealed under a scope key wrapped by the org's dek-wrap key, so it
 * is never stored in clear and follows org-key rotation (it is re-wrapped when opened under an old
 * version).
 */
export function createOrgIdentityService(deps: OrgIdentityDeps) {
  const { store, keys, audit, clock, orgId } = deps;
  const scopeId = `${SCOPE}:${orgId}`;

  async function ensure(): Promise<{ recipient: string }> {
    const row = await store.db
      .selectFrom('org_identity')
      .select('age_recipient')
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (row) return { recipient: row.age_recipient };
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    const scopeKey = keys.newCustomerKey();
    await store.transaction(async (trx) => {
      const again = await trx
        .selectFrom('org_identity')
        .select('org_id')
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (again) return;
      await trx
        .insertInto('org_identity')
        .values({
          org_id: orgId,
          wrapped_key: keys.wrapCustomerKey(scopeId, scopeKey),
          sealed_identity: keys.sealDocument(SCOPE, scopeKey, { identity }),
          age_recipient: recipient,
          created_at: clock.now().toISOString(),
        })
        .execute();
      await audit.append(trx, [
        { actor: 'system', action: 'org.identity.create', details: { ageRecipient: recipient } },
      ]);
    });
    return ensure();
  }

  /** The age secret identity (AGE-SECRET-KEY-1…); kept in memory only by the caller that opens a package. */
  async function ageIdentity(): Promise<string> {
    await ensure();
    const row = await store.db
      .selectFrom('org_identity')
      .selectAll()
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    const scopeKey = keys.unwrapCustomerKey(scopeId, row.wrapped_key);
    const { identity } = keys.openDocument(SCOPE, scopeKey, row.sealed_identity) as { identity: string };
    if (KeyRing.wrappedVersion(row.wrapped_key) !== keys.activeVersion) {
      await store.db
        .updateTable('org_identity')
        .set({ wrapped_key: keys.wrapCustomerKey(scopeId, scopeKey) })
        .where('org_id', '=', orgId)
        .execute();
    }
    return identity;
  }

  async function exportIdentity(actor: Actor): Promise<OrgIdentityFile> {
    assertTransfer(actor, 'read');
    const { recipient } = await ensure();
    const out: OrgIdentityFile = {
      format: IDENTITY_FORMAT,
      orgId,
      orgName: deps.orgName,
      ageRecipient: recipient,
      ed25519PublicKey: keys.verifyKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      fingerprint: keys.signingFingerprint,
    };
    await store.transaction((trx) =>
      audit.append(trx, [
        { actor: actor.id, action: 'org.identity.export', details: { fingerprint: out.fingerprint } },
      ]),
    );
    return out;
  }

  /** The age secret for offline decryption with the `age` CLI (audited; the caller writes it 0600). */
  async function exportSecret(actor: Actor): Promise<string> {
    assertTransfer(actor, 'receive');
    const identity = await ageIdentity();
    await store.transaction((trx) =>
      audit.append(trx, [{ actor: actor.id, action: 'org.identity.export-secret', outcome: 'ok' }]),
    );
    return identity;
  }

  function parseIdentityFile(raw: unknown): OrgIdentityFile {
    const f = raw as Partial<OrgIdentityFile> | null;
    if (f?.format !== IDENTITY_FORMAT)
      throw new AppError('IDENTITY_FILE_INVALID', { detail: `format must be ${IDENTITY_FORMAT}` });
    for (const k of ['orgId', 'orgName', 'ageRecipient', 'ed25519PublicKey', 'fingerprint'] as const)
      if (typeof f[k] !== 'string' || !f[k])
        throw new AppError('IDENTITY_FILE_INVALID', { detail: `${k} missing` });
    if (!/^age1[0-9a-z]+$/.test(f.ageRecipient as string))
      throw new AppError('IDENTITY_FILE_INVALID', { detail: 'ageRecipient is not an age X25519 recipient' });
    let fp: string;
    try {
      const key = publicKeyFromBase64(f.ed25519PublicKey as string);
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('type');
      fp = keyFingerprint(key);
    } catch {
      throw new AppError('IDENTITY_FILE_INVALID', { detail: 'ed25519PublicKey is not an Ed25519 key' });
    }
    if (fp !== f.fingerprint)
      throw new AppError('IDENTITY_FILE_INVALID', { detail: 'fingerprint does not match the public key' });
    return f as OrgIdentityFile;
  }

  async function importCounterparty(
    actor: Actor,
    raw: unknown,
    opts: { name: string; contact?: string | undefined; uscc?: string | undefined },
  ): Promise<Counterparty> {
    assertTransfer(actor, 'manage');
    const file = parseIdentityFile(raw);
    const name = opts.name?.trim();
    if (!name) throw new AppError('VALIDATION_FAILED', { detail: 'counterparty needs a name (--name)' });
    let uscc: string | null = null;
    if (opts.uscc) {
      const v = validateUscc(opts.uscc);
      if (!v.ok)
        throw new AppError('FIELD_INVALID', { field: 'uscc', reason: v.message.en, reasonZh: v.message.zh });
      uscc = v.value;
    }
    if (file.fingerprint === keys.signingFingerprint)
      throw new AppError('IDENTITY_FILE_INVALID', { detail: 'this is our own identity' });
    const row: CounterpartiesTable = {
      id: uuidv7(),
      org_id: orgId,
      name,
      contact: opts.contact?.trim() || null,
      uscc,
      remote_org_id: file.orgId,
      age_recipient: file.ageRecipient,
      public_key: file.ed25519PublicKey,
      fingerprint: file.fingerprint,
      imported_at: clock.now().toISOString(),
    };
    await store.transaction(async (trx) => {
      const dup = await trx
        .selectFrom('counterparties')
        .select('id')
        .where('org_id', '=', orgId)
        .where('fingerprint', '=', file.fingerprint)
        .executeTakeFirst();
      if (dup) throw new AppError('CONFLICT', { detail: `counterparty ${dup.id} has this fingerprint` });
      await trx.insertInto('counterparties').values(row).execute();
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'org.counterparty.import',
          details: { counterpartyId: row.id, fingerprint: row.fingerprint, remoteOrgId: file.orgId },
        },
      ]);
    });
    return toCounterparty(row);
  }

  async function listCounterparties(actor: Actor): Promise<Counterparty[]> {
    assertTransfer(actor, 'read');
    const rows = await store.db
      .selectFrom('counterparties')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('imported_at')
      .execute();
    return rows.map(toCounterparty);
  }

  async function counterparty(id: string): Promise<Counterparty> {
    const row = await store.db
      .selectFrom('counterparties')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('COUNTERPARTY_NOT_FOUND', { id });
    return toCounterparty(row);
  }

  async function byFingerprint(fingerprint: string): Promise<Counterparty | null> {
    const row = await store.db
      .selectFrom('counterparties')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('fingerprint', '=', fingerprint)
      .executeTakeFirst();
    return row ? toCounterparty(row) : null;
  }

  return {
    ensure,
    ageIdentity,
    exportIdentity,
    exportSecret,
    importCounterparty,
    listCounterparties,
    counterparty,
    byFingerprint,
  };
}
