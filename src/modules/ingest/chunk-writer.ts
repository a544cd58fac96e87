import type { AuditEventInput } from '../../kernel/audit/audit-types.js';
import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import type { Trx } from '../../kernel/store/store.js';
import type { Purpose } from '../consent/consent-types.js';
import type { BlindIndexFn } from '../customers/customer-codec.js';
import type { FieldDef } from '../customers/customer-types.js';
import { applyOps, type ChunkPlan, type RowRef } from './chunk-resolver.js';
import type { IngestRepo } from './ingest-repo.js';
import type { OnDuplicate, RowReason } from './ingest-types.js';
import type { VaultWriter } from './vault-writer.js';

/** A rejected row on its way into the quarantine: its original cells and headers get sealed. */
export interface RejectedRow {
  ref: RowRef;
  headers: string[];
  cells: string[];
  /** The import's column decisions (import-pipeline resolvedMapping), for the row's retry. */
  mapping?: Record<string, string>;
  reasons: RowReason[];
}

export interface ChunkWriteContext {
  batchId: string;
  batchKey: Buffer;
  mode: OnDuplicate;
  catalog: ReadonlyMap<string, FieldDef>;
  purposes: readonly Purpose[];
  source: string;
  actorId: string;
  /** The importing user becomes the new customers' 负责人 (none for the command line). */
  ownerId: string | null;
  now: string;
  /** The chunk's memoised blind indexes (see chunkIndexer). */
  blindIndex?: BlindIndexFn;
  /**
   * Whether new customers' search entries wait for the batch's end (a running import) or go live at
   * once (a quarantined row fixed later: its batch completed and will not publish again).
   */
  deferIndex: boolean;
}

export interface ChunkWriterDeps {
  keys: Pick<KeyRing, 'sealDocument'>;
  orgId: string;
  repo: IngestRepo;
  vault: VaultWriter;
}

/** AAD scopes of what an import seals; each names exactly one document. */
export const scopes = {
  batchKey: (batchId: string): string => `import:${batchId}`,
  row: (batchId: string, seq: number): string => `import:${batchId}:row:${seq}`,
  conflict: (batchId: string, customerId: string, field: string, sheet: string, row: number): string =>
    `import:${batchId}:conflict:${customerId}:${field}:${sheet}:${row}`,
  before: (batchId: string, customerId: string): string => `import:${batchId}:before:${customerId}`,
};

/** What a sealed quarantine row holds. */
export interface SealedRow {
  headers: string[];
  cells: string[];
  /** How the import read the columns, by letter (absent in rows quarantined before it was kept). */
  mapping?: Record<string, string>;
}

/**
 * Writes one resolved chunk inside the caller's transaction: new customers, merges into existing ones
 * (a sealed before-image first, for rollback), conflicts and quarantined rows. Returns the audit events
 * to append and how many conflicts the existing customers added.
 */
export async function writeChunk(
  trx: Trx,
  deps: ChunkWriterDeps,
  plan: ChunkPlan,
  rejected: readonly RejectedRow[],
  ctx: ChunkWriteContext,
): Promise<{
  events: AuditEventInput[];
  conflicts: number;
  pendingIndex: Array<{ field: string; hash: Buffer; customer_id: string }>;
  /** Index keys of existing customers this chunk re-indexed (live, not pending). */
  reindexed: Array<{ field: string; hash: Buffer }>;
}> {
  const { keys, orgId, repo, vault } = deps;
  const events: AuditEventInput[] = [];
  const conflictRows: Parameters<IngestRepo['insertConflicts']>[1] = [];
  const conflictRow = (customerId: string, dek: Buffer, field: string, value: unknown, ref: RowRef) => ({
    org_id: orgId,
    batch_id: ctx.batchId,
    customer_id: customerId,
    field,
    sheet: ref.sheet,
    row_number: ref.rowNumber,
    // Under the customer's own key: erasing the customer shreds the conflicting value with it.
    sealed: keys.sealDocument(
      scopes.conflict(ctx.batchId, customerId, field, ref.sheet, ref.rowNumber),
      dek,
      {
        value,
      },
    ),
    created_at: ctx.now,
  });

  let existingConflicts = 0;
  const reindexed: Array<{ field: string; hash: Buffer }> = [];
  if (plan.existing.size > 0) {
    const ids = [...plan.existing.keys()];
    const loaded = await vault.loadExisting(trx, ids);
    const recorded = await repo.mergedAlready(trx, ctx.batchId, ids);
    const changedIds: string[] = [];
    const changedFields = new Set<string>();
    for (const [id, ops] of plan.existing) {
      const customer = loaded.get(id);
      if (!customer) continue;
      const result = applyOps(customer.values, ops, ctx.mode);
      for (const c of result.conflicts) {
        conflictRows.push(conflictRow(id, customer.dek, c.field, c.value, c.ref));
        existingConflicts++;
      }
      const flags = [...(JSON.parse(customer.row.flags) as string[]), ...result.flags];
      const flagsChanged = new Set(flags).size !== new Set(JSON.parse(customer.row.flags) as string[]).size;
      const ownBatch = customer.row.batch_id === ctx.batchId;
      const purposesMissing = ctx.purposes.some((p) => !customer.purposes.includes(p.key));
      if (result.changed.length === 0 && !flagsChanged && !purposesMissing) continue;
      const save = result.changed.length > 0 || flagsChanged;
      if (save)
        reindexed.push(
          ...(await vault.saveExisting(trx, customer, result.values, flags, ctx.catalog, ctx.now)),
        );
      const added = await vault.addPurposes(trx, customer, ctx.purposes, ctx.actorId, ctx.now);
      // Rollback restores the before-image only while the customer is as this import left it.
      const updatedAt = save ? ctx.now : customer.row.updated_at;
      if (!ownBatch && !recorded.has(id)) {
        await repo.insertMerge(trx, {
          org_id: orgId,
          batch_id: ctx.batchId,
          customer_id: id,
          before_sealed: keys.sealDocument(scopes.before(ctx.batchId, id), customer.dek, {
            values: customer.values,
            flags: JSON.parse(customer.row.flags) as string[],
          }),
          added_purposes: JSON.stringify(added),
          after_updated_at: updatedAt,
          created_at: ctx.now,
        });
        recorded.add(id);
      } else if (!ownBatch) {
        let addedJson: string | undefined;
        if (added.purposes.length) {
          const previous = await repo.merge(trx, ctx.batchId, id);
          const prev = previous
            ? (JSON.parse(previous.added_purposes) as { purposes: string[]; consentIds: string[] })
            : { purposes: [], consentIds: [] };
          addedJson = JSON.stringify({
            purposes: [...prev.purposes, ...added.purposes],
            consentIds: [...prev.consentIds, ...added.consentIds],
          });
        }
        await repo.touchMerge(trx, ctx.batchId, id, updatedAt, addedJson);
      }
      changedIds.push(id);
      for (const f of result.changed) changedFields.add(f);
    }
    if (changedIds.length)
      events.push({
        actor: ctx.actorId,
        action: 'customer.update',
        subjects: changedIds,
        fields: [...changedFields].sort(),
        details: { batchId: ctx.batchId, via: 'import', onDuplicate: ctx.mode, count: changedIds.length },
      });
  }

  let pendingIndex: Array<{ field: string; hash: Buffer; customer_id: string }> = [];
  if (plan.creates.length) {
    pendingIndex = await vault.insertNew(trx, plan.creates, {
      catalog: ctx.catalog,
      purposes: ctx.purposes,
      source: ctx.source,
      batchId: ctx.batchId,
      actorId: ctx.actorId,
      ownerId: ctx.ownerId,
      now: ctx.now,
      deferIndex: ctx.deferIndex,
      ...(ctx.blindIndex ? { blindIndex: ctx.blindIndex } : {}),
    });
    const fields = new Set<string>();
    for (const c of plan.creates) for (const k of Object.keys(c.values)) fields.add(k);
    events.push({
      actor: ctx.actorId,
      action: 'customer.create',
      subjects: plan.creates.map((c) => c.id),
      fields: [...fields].sort(),
      details: {
        count: plan.creates.length,
        purposes: ctx.purposes.map((p) => p.key),
        batchId: ctx.batchId,
        via: 'import',
      },
    });
  }

  for (const c of plan.conflicts) {
    if (c.dek) conflictRows.push(conflictRow(c.customerId, c.dek, c.field, c.value, c.ref));
  }
  await repo.insertConflicts(trx, conflictRows);

  await repo.insertQuarantine(
    trx,
    rejected.map((r) => ({
      org_id: orgId,
      batch_id: ctx.batchId,
      seq: r.ref.seq,
      sheet: r.ref.sheet,
      row_number: r.ref.rowNumber,
      sealed: keys.sealDocument(scopes.row(ctx.batchId, r.ref.seq), ctx.batchKey, {
        headers: r.headers,
        cells: r.cells,
        ...(r.mapping ? { mapping: r.mapping } : {}),
      } satisfies SealedRow),
      reasons: JSON.stringify(r.reasons),
      status: 'open' as const,
      customer_id: null,
      created_at: ctx.now,
      resolved_at: null,
    })),
  );
  return { events, conflicts: existingConflicts, pendingIndex, reindexed };
}
