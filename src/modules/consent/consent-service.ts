import { createHash } from 'node:crypto';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { customerInScope } from '../../kernel/authz/data-scope.js';
import { type Actor, assertCan } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type { Store, Trx } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import {
  CONSENT_CHANNELS,
  type ConsentInput,
  type ConsentRecord,
  LEGAL_BASES,
  type LegalBasis,
  type Purpose,
  type PurposeInput,
} from './consent-types.js';
import { retentionDays } from './retention.js';

export interface ConsentDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
}

const PURPOSE_KEY = /^[a-z][a-z0-9_-]{1,39}$/;

type PurposeRow = {
  key: string;
  name: string;
  basis: string;
  retention: string;
  retention_days: number;
  notice_version: string;
  description: string | null;
  created_at: string;
};

function toPurpose(r: PurposeRow): Purpose {
  const basis = r.basis as LegalBasis;
  return {
    key: r.key,
    name: r.name,
    basis,
    basisLabel: LEGAL_BASES[basis],
    retention: r.retention,
    retentionDays: r.retention_days,
    noticeVersion: r.notice_version,
    description: r.description,
    createdAt: r.created_at,
  };
}

export type ConsentService = ReturnType<typeof createConsentService>;

/** Purposes with their legal basis, and the per-customer consent ledger (PIPL Art. 13–15). */
export function createConsentService(deps: ConsentDeps) {
  const { store, audit, clock, orgId } = deps;

  async function addPurpose(actor: Actor, input: PurposeInput): Promise<Purpose> {
    assertCan(actor, 'purpose', 'manage');
    if (!PURPOSE_KEY.test(input.key)) {
      throw new AppError('VALIDATION_FAILED', {
        detail: 'purpose key must be lower-case letters, digits, - or _',
      });
    }
    if (!(input.basis in LEGAL_BASES)) {
      throw new AppError('VALIDATION_FAILED', {
        detail: `basis must be one of ${Object.keys(LEGAL_BASES).join(', ')} (PIPL Art. 13)`,
      });
    }
    const name = input.name?.trim();
    if (!name) throw new AppError('VALIDATION_FAILED', { detail: 'purpose needs a name' });
    const now = clock.now().toISOString();
    const row = {
      org_id: orgId,
      key: input.key,
      name,
      basis: input.basis,
      retention: input.retention.trim(),
      retention_days: retentionDays(input.retention),
      notice_version: input.noticeVersion?.trim() || 'v1',
      description: input.description?.trim() || null,
      created_at: now,
      updated_at: now,
    };
    await store.transaction(async (trx) => {
      const exists = await trx
        .selectFrom('purposes')
        .select('key')
        .where('org_id', '=', orgId)
        .where('key', '=', input.key)
        .executeTakeFirst();
      if (exists) throw new AppError('PURPOSE_EXISTS', { purpose: input.key });
      await trx.insertInto('purposes').values(row).execute();
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'purpose.add',
          purpose: input.key,
          details: { basis: input.basis, retentionDays: row.retention_days },
        },
      ]);
    });
    return toPurpose(row);
  }

  async function listPurposes(actor: Actor): Promise<Purpose[]> {
    assertCan(actor, 'purpose', 'read');
    const rows = await store.db
      .selectFrom('purposes')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .execute();
    return rows.map(toPurpose);
  }

  /** The named purposes, or PURPOSE_UNKNOWN for the first that does not exist. */
  async function requirePurposes(trx: Trx | Store['db'], keys: readonly string[]): Promise<Purpose[]> {
    if (keys.length === 0) throw new AppError('PURPOSE_REQUIRED');
    const rows = await trx
      .selectFrom('purposes')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('key', 'in', [...keys])
      .execute();
    for (const k of keys)
      if (!rows.some((r) => r.key === k)) throw new AppError('PURPOSE_UNKNOWN', { purpose: k });
    return rows.map(toPurpose);
  }

  function consentRow(
    customerId: string,
    purpose: Purpose,
    action: 'grant' | 'withdraw',
    actorId: string,
    input: Partial<ConsentInput>,
  ) {
    const channel = input.channel ?? 'web';
    if (!(CONSENT_CHANNELS as readonly string[]).includes(channel)) {
      throw new AppError('VALIDATION_FAILED', {
        detail: `channel must be one of ${CONSENT_CHANNELS.join(', ')}`,
      });
    }
    return {
      id: uuidv7(),
      org_id: orgId,
      customer_id: customerId,
      purpose_key: purpose.key,
      action,
      at: input.at ?? clock.now().toISOString(),
      channel,
      notice_version: input.noticeVersion ?? purpose.noticeVersion,
      evidence_hash: input.evidence ? createHash('sha256').update(input.evidence).digest('hex') : null,
      separate: input.separate ? 1 : 0,
      actor: actorId,
    };
  }

  /** Consent rows for customers being created under consent-based purposes (same transaction). */
  function consentRowsAtCreation(
    customerId: string,
    purposes: readonly Purpose[],
    actorId: string,
    channel: string,
  ) {
    return purposes
      .filter((p) => p.basis === 'consent')
      .map((p) => consentRow(customerId, p, 'grant', actorId, { channel }));
  }

  /** The customer exists in this org and the actor's scope (else NOT_FOUND) and is not erased. */
  async function assertCustomerExists(
    trx: Trx | Store['db'],
    customerId: string,
    actor: Actor,
  ): Promise<void> {
    if (!(await customerInScope(trx, orgId, actor, customerId)))
      throw new AppError('CUSTOMER_NOT_FOUND', { id: customerId });
    const c = await trx
      .selectFrom('customers')
      .select(['status', 'erased_at'])
      .where('org_id', '=', orgId)
      .where('id', '=', customerId)
      .executeTakeFirst();
    if (!c) throw new AppError('CUSTOMER_NOT_FOUND', { id: customerId });
    if (c.status === 'erased')
      throw new AppError('CUSTOMER_ERASED', { id: customerId, erasedAt: c.erased_at ?? '', erasureId: '' });
  }

  async function record(
    actor: Actor,
    action: 'grant' | 'withdraw',
    input: ConsentInput,
  ): Promise<ConsentRecord> {
    assertCan(actor, 'consent', 'record');
    return store.transaction(async (trx) => {
      await assertCustomerExists(trx, input.customerId, actor);
      const [purpose] = await requirePurposes(trx, [input.purpose]);
      const row = consentRow(input.customerId, purpose as Purpose, action, actor.id, input);
      await trx.insertInto('consents').values(row).execute();
      if (action === 'grant') {
        // Granting consent for a purpose the customer was not yet under adds that purpose.
        const has = await trx
          .selectFrom('customer_purposes')
          .select('purpose_key')
          .where('customer_id', '=', input.customerId)
          .where('purpose_key', '=', input.purpose)
          .executeTakeFirst();
        if (!has) {
          await trx
            .insertInto('customer_purposes')
            .values({
              org_id: orgId,
              customer_id: input.customerId,
              purpose_key: input.purpose,
              added_at: row.at,
            })
            .execute();
        }
      }
      await audit.append(trx, [
        {
          actor: actor.id,
          action: `consent.${action}`,
          purpose: input.purpose,
          subjects: [input.customerId],
          details: {
            channel: row.channel,
            noticeVersion: row.notice_version,
            separate: row.separate === 1,
            evidence: row.evidence_hash !== null,
          },
        },
      ]);
      return toRecord(row);
    });
  }

  async function list(actor: Actor, customerId: string): Promise<ConsentRecord[]> {
    assertCan(actor, 'consent', 'read');
    const exists = await store.db
      .selectFrom('customers')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', customerId)
      .executeTakeFirst();
    if (!exists || !(await customerInScope(store.db, orgId, actor, customerId))) {
      throw new AppError('CUSTOMER_NOT_FOUND', { id: customerId });
    }
    const rows = await store.db
      .selectFrom('consents')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('customer_id', '=', customerId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  /**
   * Whether processing this customer's data for `purposeKey` has a basis now: the customer is held
   * under that purpose and, for a consent-based purpose, the latest ledger entry is a grant.
   */
  async function basisFor(
    customerId: string,
    purposeKey: string,
  ): Promise<{ ok: true; purpose: Purpose } | { ok: false; reason: string }> {
    const purpose = await store.db
      .selectFrom('purposes')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('key', '=', purposeKey)
      .executeTakeFirst();
    if (!purpose) throw new AppError('PURPOSE_UNKNOWN', { purpose: purposeKey });
    const held = await store.db
      .selectFrom('customer_purposes')
      .select('purpose_key')
      .where('customer_id', '=', customerId)
      .where('purpose_key', '=', purposeKey)
      .executeTakeFirst();
    if (!held) return { ok: false, reason: 'the customer is not held under this purpose' };
    if (purpose.basis === 'consent') {
      const last = await store.db
        .selectFrom('consents')
        .select('action')
        .where('customer_id', '=', customerId)
        .where('purpose_key', '=', purposeKey)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      if (!last) return { ok: false, reason: 'no consent is recorded' };
      if (last.action !== 'grant') return { ok: false, reason: 'consent was withdrawn' };
    }
    return { ok: true, purpose: toPurpose(purpose) };
  }

  return { addPurpose, listPurposes, requirePurposes, consentRowsAtCreation, record, list, basisFor };
}

function toRecord(r: {
  id: string;
  customer_id: string;
  purpose_key: string;
  action: 'grant' | 'withdraw';
  at: string;
  channel: string;
  notice_version: string;
  evidence_hash: string | null;
  separate: number;
  actor: string;
}): ConsentRecord {
  return {
    id: r.id,
    customerId: r.customer_id,
    purpose: r.purpose_key,
    action: r.action,
    at: r.at,
    channel: r.channel,
    noticeVersion: r.notice_version,
    evidenceHash: r.evidence_hash,
    separate: r.separate === 1,
    actor: r.actor,
  };
}
