import { type Actor, assertCan } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { ImportBatchesTable } from '../../kernel/store/schema.js';
import { checkOutputPath, formatOf } from '../export/table-writer.js';
import type { StoredOptions } from './import-pipeline.js';
import { createImportRunner, type IngestDeps } from './import-runner.js';
import { createIngestRepo } from './ingest-repo.js';
import {
  type BatchSummary,
  emptyCounts,
  type ImportCounts,
  type ImportOptions,
  type ImportReport,
  importTotals,
} from './ingest-types.js';
import { createQuarantine } from './quarantine.js';
import { RejectsFile } from './rejects-file.js';
import { createRollback } from './rollback.js';

export type { IngestDeps } from './import-runner.js';

function summary(b: ImportBatchesTable): BatchSummary {
  return {
    id: b.id,
    status: b.status,
    fileName: b.file_name,
    fileSha256: b.file_sha256,
    rowsDone: b.rows_done,
    counts: { ...emptyCounts(), ...(JSON.parse(b.counts) as ImportCounts) },
    actor: b.actor,
    createdAt: b.created_at,
    finishedAt: b.finished_at,
    errorCode: b.error_code,
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

/** Import use cases: run (and resume) a batch, its report, quarantine and rollback. */
export function createIngestService(deps: IngestDeps) {
  const { store, audit, orgId } = deps;
  const repo = createIngestRepo(orgId);
  const rollback = createRollback(deps);
  const runner = createImportRunner(deps, rollback);
  const quarantine = createQuarantine(deps);

  /** The rejects file the user asked for, from the vault's quarantine (resumed runs included). */
  async function writeRejects(actor: Actor, batchId: string, path: string): Promise<void> {
    const file = new RejectsFile(path);
    let rows = 0;
    try {
      for await (const { q, doc } of quarantine.rejectedRows(batchId)) {
        await file.add(q.sheet, doc.headers, q.row_number, doc.cells, JSON.parse(q.reasons));
        rows++;
      }
      const written = await file.close();
      await audit.record([
        {
          actor: actor.id,
          action: 'import.rejects.export',
          details: { batchId, rows, sha256: written.sha256 },
        },
      ]);
    } catch (err) {
      await file.abort();
      throw err;
    }
  }

  async function run(actor: Actor, path: string, opts: ImportOptions): Promise<ImportReport> {
    if (opts.rejectsFile) {
      formatOf(opts.rejectsFile);
      checkOutputPath(opts.rejectsFile, { notSameAs: path });
    }
    const report = await runner.run(actor, path, opts);
    const withTotals = { ...importTotals(report.counts), ...report };
    if (opts.rejectsFile && !report.dryRun && report.batchId) {
      await writeRejects(actor, report.batchId, opts.rejectsFile);
      return { ...withTotals, rejectsFile: opts.rejectsFile };
    }
    return withTotals;
  }

  async function list(actor: Actor, opts: { limit?: number } = {}): Promise<BatchSummary[]> {
    assertCan(actor, 'import', 'read');
    const rows = await repo.listBatches(store.db, Math.min(Math.max(opts.limit ?? 50, 1), 500));
    return rows.map(summary);
  }

  async function report(
    actor: Actor,
    batchId: string,
  ): Promise<ImportReport & { quarantine: Record<string, number>; conflicts: number }> {
    assertCan(actor, 'import', 'read');
    const batch = await repo.getBatch(store.db, batchId);
    if (!batch) throw new AppError('IMPORT_BATCH_NOT_FOUND', { id: batchId });
    const stored = JSON.parse(batch.report) as Partial<ImportReport>;
    const conflicts = await store.db
      .selectFrom('import_conflicts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('batch_id', '=', batchId)
      .executeTakeFirst();
    const s = summary(batch);
    const opts = JSON.parse(batch.options) as StoredOptions;
    return {
      ...(stored.counts ? importTotals(stored.counts) : {}),
      ...(stored as ImportReport),
      file: stored.file ?? {
        name: batch.file_name,
        sha256: batch.file_sha256,
        size: batch.file_size,
        format: '',
        encoding: null,
        delimiter: null,
      },
      options: stored.options ?? {
        purposes: opts.purposes,
        onDuplicate: opts.onDuplicate,
        lenient: opts.lenient,
        kind: opts.kind,
        sheet: opts.sheet,
        createFields: opts.createFields,
      },
      resumed: stored.resumed ?? false,
      startedAt: stored.startedAt ?? batch.created_at,
      batchId,
      status: batch.status,
      dryRun: false,
      counts: s.counts,
      rowsDone: batch.rows_done,
      finishedAt: batch.finished_at,
      error: batch.error_code ? { code: batch.error_code } : null,
      rolledBack: batch.status === 'rolled_back' || (batch.status === 'failed' && batch.wrapped_key === null),
      columns: stored.columns ?? [],
      sheets: stored.sheets ?? [],
      quarantine: await repo.quarantineStatusCounts(store.db, batchId),
      conflicts: Number(conflicts?.n ?? 0),
    };
  }

  return {
    run,
    list,
    report,
    rollback: (actor: Actor, batchId: string) => rollback(actor, batchId),
    quarantine: quarantine.list,
    retry: quarantine.retry,
    discard: quarantine.discard,
  };
}
