import type { Actor } from '../../kernel/authz/permissions.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import { insertRows } from '../../kernel/store/bulk-insert.js';
import { CONSENT_COLUMNS } from '../../kernel/store/columns.js';
import type { ConsentsTable, CustomersTable } from '../../kernel/store/schema.js';
import type { Trx } from '../../kernel/store/store.js';
import { retentionDays } from '../consent/retention.js';
import { encodeCustomer, type FieldValues } from '../customers/customer-codec.js';
import { createCustomerRepo, type NewCustomerRow } from '../customers/customer-repo.js';
import type { FieldDef, FieldValue } from '../customers/customer-types.js';
import type { ReceiveInput } from './package-receiver.js';
import type { TransferDeps } from './transfer-service.js';
import type { PackageRecord, SignedManifest } from './transfer-types.js';

/**
 * Writes a verified package's records under the acquirer's own keys, inside the receiver's one
 * transaction: missing field definitions and purposes first, then customers in batches with their
 * original consent ledger and provenance.
 */
export function createImportWriter(
  deps: Pick<TransferDeps, 'store' | 'keys' | 'audit' | 'clock' | 'orgId' | 'catalog'>,
) {
  const { store, keys, audit, clock, orgId, catalog } = deps;
  const customerRepo = createCustomerRepo(orgId, store.engine);

  /** Field definitions: ours where we have the key (our grading rules), the seller's otherwise. */
  async function prepareCatalog(trx: Trx, actor: Actor, m: SignedManifest, provenance: string) {
    const rows = await trx.selectFrom('field_catalog').select('key').where('org_id', '=', orgId).execute();
    const have = new Set(rows.map((r) => r.key));
    const now = clock.now().toISOString();
    const missing = m.schema.filter((f) => !have.has(f.key));
    for (const f of missing) {
      await trx
        .insertInto('field_catalog')
        .values({
          org_id: orgId,
          key: f.key,
          label_zh: f.labelZh,
          label_en: f.labelEn,
          category: f.category,
          grade: f.grade,
          sensitive: f.sensitive ? 1 : 0,
          searchable: 0,
          mask_rule: f.grade === 'L3' || f.grade === 'L4' ? 'partial' : 'none',
          value_type: f.type,
          kinds: JSON.stringify(f.kinds),
          builtin: 0,
          created_at: now,
        })
        .execute();
    }
    if (missing.length)
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'catalog.field.add',
          fields: missing.map((f) => f.key),
          details: { source: provenance },
        },
      ]);
    catalog.invalidate();
    const all = await trx.selectFrom('field_catalog').selectAll().where('org_id', '=', orgId).execute();
    const defs = new Map<string, FieldDef>();
    for (const r of all)
      defs.set(r.key, {
        key: r.key,
        labelZh: r.label_zh,
        labelEn: r.label_en,
        category: r.category as FieldDef['category'],
        grade: r.grade as FieldDef['grade'],
        sensitive: r.sensitive === 1,
        searchable: r.searchable === 1,
        mask: r.mask_rule as FieldDef['mask'],
        type: r.value_type as FieldDef['type'],
        kinds: JSON.parse(r.kinds) as FieldDef['kinds'],
        builtin: r.builtin === 1,
      });
    return defs;
  }

  /** Purposes of the package we lack are created as the seller had them; the acquirer's own new ones need consent. */
  async function preparePurposes(
    trx: Trx,
    actor: Actor,
    fromPackage: Map<string, PackageRecord['purposes'][number]>,
    addPurposes: NonNullable<ReceiveInput['addPurposes']>,
    provenance: string,
  ): Promise<string[]> {
    const rows = await trx.selectFrom('purposes').select('key').where('org_id', '=', orgId).execute();
    const have = new Set(rows.map((r) => r.key));
    const now = clock.now().toISOString();
    const create = async (
      p: { key: string; name: string; basis: string; retention: string },
      description: string,
    ) => {
      if (have.has(p.key)) return;
      have.add(p.key);
      await trx
        .insertInto('purposes')
        .values({
          org_id: orgId,
          key: p.key,
          name: p.name,
          basis: p.basis,
          retention: p.retention,
          retention_days: retentionDays(p.retention),
          notice_version: 'v1',
          description,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'purpose.add',
          purpose: p.key,
          details: { basis: p.basis, source: provenance },
        },
      ]);
    };
    for (const p of fromPackage.values()) await create(p, `${provenance} (seller's purpose)`);
    for (const p of addPurposes)
      await create(
        { ...p, basis: 'consent' },
        'acquirer purpose after a transfer: needs new consent before use (PIPL Art. 14, 22)',
      );
    return addPurposes.map((p) => p.key);
  }

  async function importBatch(
    trx: Trx,
    actor: Actor,
    records: readonly PackageRecord[],
    defs: Map<string, FieldDef>,
    addedPurposes: readonly string[],
    companyIds: Map<string, string>,
    m: SignedManifest,
    now: string,
    inboundId: string,
  ): Promise<void> {
    const customers: NewCustomerRow[] = [];
    const publicRows: Parameters<typeof customerRepo.insertMany>[2] = [];
    const indexRows: Parameters<typeof customerRepo.insertMany>[3] = [];
    const purposeRows: Parameters<typeof customerRepo.insertMany>[4] = [];
    const consentRows: ConsentsTable[] = [];
    const fieldKeys = new Set<string>();
    for (const r of records) {
      const id = uuidv7();
      if (r.kind === 'company') companyIds.set(r.customerId, id);
      const values: FieldValues = new Map();
      for (const [k, v] of Object.entries(r.fields)) {
        const def = defs.get(k);
        if (def && v !== null && v !== undefined) {
          values.set(k, { def, value: v as FieldValue });
          fieldKeys.add(k);
        }
      }
      const enc = encodeCustomer(keys, id, values);
      customers.push({
        id,
        org_id: orgId,
        kind: r.kind as CustomersTable['kind'],
        status: 'active',
        parent_id: r.companyId ? (companyIds.get(r.companyId) ?? null) : null,
        wrapped_dek: enc.wrappedDek,
        key_version: enc.keyVersion,
        blob_l2: enc.blobs.L2,
        blob_l3: enc.blobs.L3,
        blob_l4: enc.blobs.L4,
        owner_id: null,
        source: `transfer:${m.seller.orgId}`,
        batch_id: null,
        flags: JSON.stringify([...new Set([...(r.flags ?? []), `transfer:${m.transferId}`])]),
        created_at: now,
        updated_at: now,
        erased_at: null,
      });
      publicRows.push(...enc.publicRows);
      indexRows.push(...enc.indexRows);
      const keysHeld = new Set([...r.purposes.map((p) => p.key), ...addedPurposes]);
      for (const key of keysHeld)
        purposeRows.push({ org_id: orgId, customer_id: id, purpose_key: key, added_at: now });
      for (const c of r.consents ?? [])
        consentRows.push({
          id: uuidv7(),
          org_id: orgId,
          customer_id: id,
          purpose_key: c.purpose,
          action: c.action,
          at: c.at,
          channel: c.channel,
          notice_version: c.noticeVersion,
          evidence_hash: c.evidenceHash,
          separate: c.separate ? 1 : 0,
          actor: `transfer:${m.transferId}`,
        });
    }
    // Index rows wait in the pending table until the whole package is in (see publishIndex).
    await customerRepo.insertMany(trx, customers, publicRows, indexRows, purposeRows, {
      pendingBatch: inboundId,
    });
    await insertRows(store.engine, trx, 'consents', CONSENT_COLUMNS, consentRows);
    await audit.append(trx, [
      {
        actor: actor.id,
        action: 'customer.create',
        subjects: customers.map((c) => c.id),
        fields: [...fieldKeys].sort(),
        details: { count: customers.length, source: `transfer:${m.transferId}` },
      },
    ]);
  }

  /** Makes the received customers searchable: their index rows, sorted, in one pass at the end. */
  function publishIndex(trx: Trx, inboundId: string): Promise<number> {
    return customerRepo.publishPendingIndex(trx, inboundId);
  }

  return { prepareCatalog, preparePurposes, importBatch, publishIndex };
}
