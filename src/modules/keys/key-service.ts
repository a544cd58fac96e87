import { sql } from 'kysely';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { type Actor, assertCan } from '../../kernel/authz/permissions.js';
import { KeyRing, newOrgKeyMaterial } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';

export interface KeyServiceDeps {
  store: Store;
  keys: KeyRing;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
  /** Wraps new org key material under the root key (the kernel holds the root key, not this module). */
  wrapOrgKey: (purpose: 'dek-wrap', version: number, material: Buffer) => Buffer;
}

export interface KeyStatus {
  activeVersion: number;
  fingerprint: string;
  versions: Array<{
    version: number;
    status: string;
    createdAt: string;
    retiredAt: string | null;
    customers: number;
  }>;
  rotationInProgress: boolean;
}

/** Where other modules keep keys wrapped like customer keys, and the AAD scope each was wrapped with. */
const OTHER_WRAPPED_KEYS: ReadonlyArray<{
  table: string;
  idColumn: string;
  keyColumn: string;
  scope: (id: string) => string;
}> = [
  { table: 'import_batches', idColumn: 'id', keyColumn: 'wrapped_key', scope: (id) => `import:${id}` },
  { table: 'users', idColumn: 'id', keyColumn: 'totp_wrapped_key', scope: (id) => `user:${id}` },
  {
    table: 'org_identity',
    idColumn: 'org_id',
    keyColumn: 'wrapped_key',
    scope: (id) => `org-identity:${id}`,
  },
];

export type KeyService = ReturnType<typeof createKeyService>;

/** Org-key status and online rotation: new version, DEKs re-wrapped in batches, resumable, audited. */
export function createKeyService(deps: KeyServiceDeps) {
  const { store, keys, audit, clock, orgId } = deps;

  async function status(actor: Actor): Promise<KeyStatus> {
    assertCan(actor, 'keys', 'read');
    const versions = await store.db
      .selectFrom('org_keys')
      .select(['version', 'status', 'created_at', 'retired_at'])
      .where('org_id', '=', orgId)
      .where('purpose', '=', 'dek-wrap')
      .orderBy('version')
      .execute();
    const counts = await store.db
      .selectFrom('customers')
      .select(['key_version', (eb) => eb.fn.countAll<number>().as('n')])
      .where('org_id', '=', orgId)
      .where('wrapped_dek', 'is not', null)
      .groupBy('key_version')
      .execute();
    return {
      activeVersion: keys.activeVersion,
      fingerprint: keys.signingFingerprint,
      versions: versions.map((v) => ({
        version: v.version,
        status: v.status,
        createdAt: v.created_at,
        retiredAt: v.retired_at,
        customers: Number(counts.find((c) => c.key_version === v.version)?.n ?? 0),
      })),
      rotationInProgress: versions.some((v) => v.status === 'retiring'),
    };
  }

  /**
   * Data keys that are not customers' but are wrapped the same way (an import batch's quarantine key,
   * a user's TOTP key, the org's age identity key). Small tables: one transaction each. Every one must
   * move before an old version retires, or what it protects becomes unreadable.
   */
  async function rewrapOtherKeys(target: number): Promise<number> {
    let count = 0;
    for (const loc of OTHER_WRAPPED_KEYS) {
      count += await store.transaction(async (trx) => {
        const rows = await sql<{
          id: string;
          wrapped: Buffer | null;
        }>`select ${sql.ref(loc.idColumn)} as id, ${sql.ref(loc.keyColumn)} as wrapped from ${sql.table(loc.table)} where org_id = ${orgId}`.execute(
          trx,
        );
        let n = 0;
        for (const r of rows.rows) {
          if (!r.wrapped || KeyRing.wrappedVersion(r.wrapped) >= target) continue;
          const scope = loc.scope(r.id);
          const rewrapped = keys.wrapCustomerKey(scope, keys.unwrapCustomerKey(scope, r.wrapped), target);
          await sql`update ${sql.table(loc.table)} set ${sql.ref(loc.keyColumn)} = ${rewrapped} where ${sql.ref(loc.idColumn)} = ${r.id}`.execute(
            trx,
          );
          n += 1;
        }
        return n;
      });
    }
    return count;
  }

  /**
   * Starts a rotation (or resumes an interrupted one): every customer key wrapped under an older
   * version is re-wrapped under the active one, a batch per transaction. Readers keep working
   * throughout since old versions stay loaded until the last batch retires them.
   */
  async function rotate(
    actor: Actor,
    opts: {
      batchSize?: number;
      onProgress?: (done: number, total: number) => void;
      maxBatches?: number;
    } = {},
  ): Promise<{ version: number; rewrapped: number; resumed: boolean; retired: number[] }> {
    assertCan(actor, 'keys', 'rotate');
    const batchSize = opts.batchSize ?? 1000;
    // A batch of 0 would re-wrap nothing and never finish.
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
      throw new AppError('VALIDATION_FAILED', { detail: 'batchSize must be 1–10000' });
    const retiring = await store.db
      .selectFrom('org_keys')
      .select('version')
      .where('org_id', '=', orgId)
      .where('purpose', '=', 'dek-wrap')
      .where('status', '=', 'retiring')
      .execute();
    const resumed = retiring.length > 0;
    if (!resumed) {
      const version = keys.activeVersion + 1;
      const material = newOrgKeyMaterial('dek-wrap', keys.pool);
      const now = clock.now().toISOString();
      await store.transaction(async (trx) => {
        await trx
          .updateTable('org_keys')
          .set({ status: 'retiring' })
          .where('org_id', '=', orgId)
          .where('purpose', '=', 'dek-wrap')
          .where('status', '=', 'active')
          .execute();
        await trx
          .insertInto('org_keys')
          .values({
            org_id: orgId,
            purpose: 'dek-wrap',
            version,
            wrapped: deps.wrapOrgKey('dek-wrap', version, material),
            status: 'active',
            created_at: now,
            retired_at: null,
          })
          .execute();
        await audit.append(trx, [{ actor: actor.id, action: 'keys.rotate.start', details: { version } }]);
      });
      keys.activateVersion(version, material);
    }
    const target = keys.activeVersion;
    const total = Number(
      (
        await store.db
          .selectFrom('customers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('org_id', '=', orgId)
          .where('key_version', '<', target)
          .where('wrapped_dek', 'is not', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
    let done = 0;
    let batches = 0;
    for (;;) {
      if (opts.maxBatches !== undefined && batches >= opts.maxBatches) {
        return { version: target, rewrapped: done, resumed, retired: [] };
      }
      const n = await store.transaction(async (trx) => {
        const rows = await trx
          .selectFrom('customers')
          .select(['id', 'wrapped_dek'])
          .where('org_id', '=', orgId)
          .where('key_version', '<', target)
          .where('wrapped_dek', 'is not', null)
          // In the order of the (org, key version, id) index: every row taken leaves the set, and the
          // next batch starts at the index's front. Ordered by id alone, each batch sorted all that is left.
          .orderBy('key_version')
          .orderBy('id')
          .limit(batchSize)
          .execute();
        for (const r of rows) {
          const dek = keys.unwrapCustomerKey(r.id, r.wrapped_dek as Buffer);
          await trx
            .updateTable('customers')
            .set({ wrapped_dek: keys.wrapCustomerKey(r.id, dek, target), key_version: target })
            .where('id', '=', r.id)
            .execute();
        }
        if (rows.length)
          await audit.append(trx, [
            {
              actor: actor.id,
              action: 'keys.rotate.batch',
              details: { version: target, count: rows.length },
            },
          ]);
        return rows.length;
      });
      done += n;
      batches += 1;
      opts.onProgress?.(done, total);
      if (n < batchSize) break;
    }
    done += await rewrapOtherKeys(target);
    const retired = await store.transaction(async (trx) => {
      const old = await trx
        .selectFrom('org_keys')
        .select('version')
        .where('org_id', '=', orgId)
        .where('purpose', '=', 'dek-wrap')
        .where('status', '=', 'retiring')
        .execute();
      await trx
        .updateTable('org_keys')
        .set({ status: 'retired', retired_at: clock.now().toISOString() })
        .where('org_id', '=', orgId)
        .where('purpose', '=', 'dek-wrap')
        .where('status', '=', 'retiring')
        .execute();
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'keys.rotate.complete',
          details: { version: target, rewrapped: done, retired: old.map((o) => o.version) },
        },
      ]);
      return old.map((o) => o.version);
    });
    return { version: target, rewrapped: done, resumed, retired };
  }

  return { status, rotate, wrappedVersion: KeyRing.wrappedVersion };
}
