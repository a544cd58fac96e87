import type { DataScope } from '../../kernel/authz/data-scope.js';
import { type IngestDeps, reportOf } from './batch-setup.js';
import { resolveChunk } from './chunk-resolver.js';
import { ColumnStats } from './column-stats.js';
import {
  blockedRows,
  chunked,
  matchStore,
  type PlanFor,
  parseChunk,
  type StoredOptions,
} from './import-pipeline.js';
import { createIngestRepo } from './ingest-repo.js';
import { addCounts, emptyCounts, type ImportReport } from './ingest-types.js';
import type { TableSource } from './readers/index.js';
import { RejectsFile } from './rejects-file.js';

export function createDryRun(deps: Pick<IngestDeps, 'store' | 'keys' | 'clock' | 'orgId' | 'audit'>) {
  const { store, keys, clock, orgId, audit } = deps;
  const repo = createIngestRepo(orgId);

  /** Reads, validates and resolves the whole file against the store without writing anything. */
  async function dryRunImport(
    opts: StoredOptions,
    file: { sha256: string; size: number },
    source: TableSource,
    planFor: PlanFor,
    chunkSize: number,
    startedAt: string,
    rejectsPath: string | undefined,
    scope: DataScope,
    actorId: string,
  ): Promise<ImportReport> {
    const counts = emptyCounts();
    const stats = new ColumnStats();
    // Identity keys of the whole file (16-byte keyed hashes): nothing is committed to find them in.
    const state = { inFile: new Map() };
    const rejects = rejectsPath ? new RejectsFile(rejectsPath) : null;
    let rowsDone = 0;
    let rejectedRows = 0;
    try {
      for await (const chunk of chunked(
        source.rows(),
        0,
        chunkSize,
        (sheet, headers, headerRow, headerRows) => {
          const plan = planFor(sheet, headers, headerRow, headerRows);
          stats.plan(plan);
          return plan;
        },
      )) {
        const parsed = parseChunk(chunk.items, opts, stats);
        const matches = await matchStore(
          repo,
          store.db,
          keys,
          parsed.valid.map((v) => v.row),
          scope,
        );
        const plan = resolveChunk(parsed.valid, matches, state, {
          keys,
          mode: opts.onDuplicate,
          batchId: null,
          dryRun: true,
        });
        addCounts(counts, parsed.counts);
        addCounts(counts, plan.counts);
        if (rejects)
          for (const r of [...parsed.rejected, ...blockedRows(parsed, plan.blocked)]) {
            await rejects.add(r.ref.sheet, r.headers, r.ref.rowNumber, r.cells, r.reasons);
            rejectedRows++;
          }
        rowsDone = chunk.lastSeq;
      }
      const written = await rejects?.close();
      // Personal data in clear left the vault for that file, as from a real import's quarantine.
      if (written)
        await audit.record([
          {
            actor: actorId,
            action: 'import.rejects.export',
            details: { batchId: null, dryRun: true, rows: rejectedRows, sha256: written.sha256 },
          },
        ]);
    } catch (err) {
      await rejects?.abort();
      throw err;
    }
    const base = { batchId: null, dryRun: true, resumed: false, startedAt };
    const report = reportOf(clock, base, opts, file, source, counts, stats, rowsDone, 'dry-run');
    return rejectsPath ? { ...report, rejectsFile: rejectsPath } : report;
  }

  return dryRunImport;
}
