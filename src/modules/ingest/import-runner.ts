import { hostname } from 'node:os';
import { basename } from 'node:path';
import { sql } from 'kysely';
import { dataScopeOf } from '../../kernel/authz/data-scope.js';
import { type Actor, assertCan } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import {
  deferPublicValueIndex,
  ensurePublicValueIndex,
  expectedPublicValues,
} from '../../kernel/store/public-value-index.js';
import type { ImportBatchesTable } from '../../kernel/store/schema.js';
import { SQLITE_CACHE_KIB, walCheckpointPages } from '../../kernel/store/store.js';
import { batchIndexKeys } from '../customers/pending-index.js';
import {
  activeHere,
  createBatchSetup,
  type IngestDeps,
  LEASE_MS,
  reportOf,
  resumeMismatch,
  storedOptions,
} from './batch-setup.js';
import { producedChunks, THREAD_MIN_BYTES } from './chunk-producer-thread.js';
import { resolveChunk } from './chunk-resolver.js';
import { scopes, writeChunk } from './chunk-writer.js';
import { ColumnStats } from './column-stats.js';
import { chunkIndexer } from './dedupe-keys.js';
import { createDryRun } from './dry-run.js';
import { fileFacts, sampleSheets } from './file-scan.js';
import { looksLikeHeaderRow } from './header-mapping.js';
import { blockedRows, type LookupTally, matchStore, planner, type StoredOptions } from './import-pipeline.js';
import { createIngestRepo } from './ingest-repo.js';
import {
  addCounts,
  DEFAULT_CHUNK_ROWS,
  emptyCounts,
  type ImportCounts,
  type ImportOptions,
  type ImportReport,
  MAX_CHUNK_ROWS,
} from './ingest-types.js';
import { PendingKeys } from './pending-keys.js';
import { openTable } from './readers/index.js';
import { checkMappingTargets } from './sheet-plan.js';
import {
  expectedLookupKeys,
  FILTER_STORE_PER_LOAD,
  loadStoreKeyFilter,
  type StoreKeyFilter,
  sameMarks,
  type WriteMarks,
  writeMarks,
} from './store-key-filter.js';
import { createVaultWriter } from './vault-writer.js';

export { type IngestDeps, leaseAlive } from './batch-setup.js';

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

export type RollbackFn = (
  actor: Actor,
  batchId: string,
  opts: { failed?: { code: string } },
) => Promise<unknown>;

/** Runs imports: dry runs, new batches, resumed batches; a batch that fails is rolled back. */
export function createImportRunner(deps: IngestDeps, rollback: RollbackFn) {
  const { store, keys, audit, clock, orgId, catalog, consent } = deps;
  const repo = createIngestRepo(orgId);
  const vault = createVaultWriter({ keys, orgId, engine: store.engine, sqlite: store.sqlite, consent });
  const { createFields, acquire, createBatch } = createBatchSetup(deps);
  const dryRunImport = createDryRun(deps);

  async function run(actor: Actor, path: string, input: ImportOptions): Promise<ImportReport> {
    assertCan(actor, 'import', 'run');
    const scope = dataScopeOf(actor);
    const dryRun = Boolean(input.dryRun);
    const chunkSize = input.chunkSize ?? DEFAULT_CHUNK_ROWS;
    if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_ROWS)
      throw new AppError('VALIDATION_FAILED', {
        detail: `chunkSize must be a whole number from 1 to ${MAX_CHUNK_ROWS}`,
      });
    const file = await fileFacts(path);
    let batch: ImportBatchesTable | undefined;
    if (input.resume) {
      batch = await repo.getBatch(store.db, input.resume);
      if (!batch) throw new AppError('IMPORT_BATCH_NOT_FOUND', { id: input.resume });
    } else if (!dryRun) batch = await repo.unfinishedFor(store.db, file.sha256);
    if (batch && batch.status !== 'running')
      throw new AppError('IMPORT_BATCH_STATE', {
        id: batch.id,
        status: batch.status,
        action: 'resumed',
        actionZh: '续传',
      });
    if (batch && batch.file_sha256 !== file.sha256)
      throw new AppError('IMPORT_FILE_CHANGED', { id: batch.id, file: basename(path) });
    const opts = batch ? (JSON.parse(batch.options) as StoredOptions) : storedOptions(input, path);
    if (batch) {
      const differs = resumeMismatch(opts, input, path, input.resume !== undefined);
      if (differs.length)
        throw new AppError('IMPORT_RESUME_OPTIONS', { id: batch.id, options: differs.join(', ') });
    }
    if (!dryRun) {
      assertCan(actor, 'customer', 'create');
      if (opts.onDuplicate !== 'skip') assertCan(actor, 'customer', 'update');
    }
    const purposes = await consent.requirePurposes(store.db, opts.purposes);
    checkMappingTargets(opts.mapping, await catalog.load());
    const source = await openTable(path, {
      ...(opts.sheet ? { sheet: opts.sheet } : {}),
      ...(opts.encoding ? { encoding: opts.encoding } : {}),
      ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
      fileName: opts.fileName,
      isHeader: (cells) => looksLikeHeaderRow(cells, opts.mapping),
    });
    const samples = await sampleSheets(source, undefined, undefined, opts.mapping);
    if (opts.createFields && !dryRun) await createFields(actor, opts, samples);
    const defs = await catalog.load();
    const startedAt = batch?.created_at ?? clock.now().toISOString();
    if (dryRun) {
      const planFor = planner(opts, () => defs, samples);
      return dryRunImport(
        opts,
        file,
        source,
        planFor,
        chunkSize,
        startedAt,
        input.rejectsFile,
        scope,
        actor.id,
      );
    }
    const owner = `${hostname()}:${process.pid}:${uuidv7()}`;
    let batchKey: Buffer;
    let counts: ImportCounts;
    let stats: ColumnStats;
    const resumed = batch !== undefined;
    if (batch) {
      await acquire(actor, batch, owner);
      if (!batch.wrapped_key)
        throw new AppError('IMPORT_BATCH_STATE', {
          id: batch.id,
          status: batch.status,
          action: 'resumed',
          actionZh: '续传',
        });
      batchKey = keys.unwrapCustomerKey(scopes.batchKey(batch.id), batch.wrapped_key);
      counts = { ...emptyCounts(), ...(JSON.parse(batch.counts) as ImportCounts) };
      stats = new ColumnStats(JSON.parse(batch.report) as ConstructorParameters<typeof ColumnStats>[0]);
    } else {
      batch = await createBatch(actor, opts, file, owner);
      batchKey = keys.unwrapCustomerKey(scopes.batchKey(batch.id), batch.wrapped_key as Buffer);
      counts = emptyCounts();
      stats = new ColumnStats();
    }
    const batchId = batch.id;
    const base = { batchId, dryRun: false, resumed, startedAt };
    // Customers of earlier chunks are not searchable until the batch completes: their keys, for dedupe.
    const pending = new PendingKeys();
    // A resumed batch reloads them from its customers' rows (pending rows an earlier version wrote hold
    // the same keys: the rows have recorded them since migration 008).
    if (resumed)
      for await (const keys of batchIndexKeys(store.db, orgId, batchId))
        for (const k of keys) pending.add(k.field, k.hash, k.customer_id);
    activeHere.add(batchId);
    let rowsDone = batch.rows_done;
    const producerInput = {
      path,
      reader: {
        ...(opts.sheet ? { sheet: opts.sheet } : {}),
        ...(opts.encoding ? { encoding: opts.encoding } : {}),
        ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
        fileName: opts.fileName,
      },
      opts,
      catalog: defs,
      samples,
      skip: rowsDone,
      chunkSize,
      stats: resumed ? { columns: stats.columns(), sheets: stats.sheets() } : null,
      keepValidCells: scope.kind !== 'all',
    };
    const mode = input.producer ?? 'auto';
    const thread = mode === 'thread' || (mode === 'auto' && file.size >= THREAD_MIN_BYTES);
    // While an import runs: a chunk writes megabytes, so checkpointing the WAL after every one (the
    // 4 MB default) would copy each page into the database again and again; checkpoints come every
    // 64 MB. And a 16 MiB page cache: the import appends, its lookups hit random pages a cache cannot
    // hold anyway, and the 64 MiB default would only add to the process's peak (measured: faster too).
    if (store.sqlite) {
      const pages = walCheckpointPages(store.sqlite, 64 * 1024 * 1024);
      await sql`pragma wal_autocheckpoint = ${sql.raw(String(pages))}`.execute(store.db);
      await sql`pragma cache_size = -16384`.execute(store.db);
    }
    // A large file beside the store: the public-value index is built once at the end.
    const deferred =
      file.size >= THREAD_MIN_BYTES &&
      (await deferPublicValueIndex(store.db, store.engine, expectedPublicValues(file.size)));
    // A large load beside a large store: the org's lookup keys read once into a filter, so the chunks
    // look up only keys the store may hold (dropped as soon as anything else writes; ADR 0013).
    const rowsStarted = performance.now();
    let filter: StoreKeyFilter | null = null;
    let marks: WriteMarks | null = null;
    const tally: LookupTally = { keys: 0, lookedUp: 0 };
    try {
      if (
        (thread || file.size >= THREAD_MIN_BYTES) &&
        store.engine === 'sqlite' &&
        (input.storeFilter ?? 'auto') === 'auto'
      )
        await store.transaction(async (trx) => {
          filter = await loadStoreKeyFilter(
            trx,
            orgId,
            FILTER_STORE_PER_LOAD * expectedLookupKeys(file.size),
          );
          if (filter) marks = await writeMarks(trx);
        });
      for await (const chunk of producedChunks(producerInput, keys, {
        thread,
        unsealedShare: input.unsealedShare ?? 0,
      })) {
        const { parsed } = chunk;
        stats = new ColumnStats(chunk.stats);
        const now = clock.now();
        const indexer = chunkIndexer(keys, chunk.memo);
        const committed = await store.transaction(async (trx) => {
          if (filter && !(marks && sameMarks(marks, await writeMarks(trx)))) filter = null;
          const matches = await matchStore(
            repo,
            trx,
            indexer,
            parsed.valid.map((v) => v.row),
            scope,
            pending,
            filter,
            tally,
          );
          const plan = resolveChunk(
            parsed.valid,
            matches,
            { inFile: new Map() },
            {
              keys: { blindIndex: indexer.blindIndex, newCustomerKey: () => keys.newCustomerKey() },
              mode: opts.onDuplicate,
              batchId,
              dryRun: false,
            },
          );
          const rejected = [...parsed.rejected, ...blockedRows(parsed, plan.blocked)];
          const written = await writeChunk(trx, { keys, orgId, repo, vault }, plan, rejected, {
            batchId,
            batchKey,
            mode: opts.onDuplicate,
            catalog: defs,
            purposes,
            source: `import:${opts.fileName}`,
            actorId: actor.id,
            ownerId: actor.userId ?? null,
            now: now.toISOString(),
            blindIndex: indexer.blindIndex,
            deferIndex: true,
          });
          const delta = parsed.counts;
          addCounts(delta, plan.counts);
          delta.conflicts += plan.conflicts.length + written.conflicts;
          const totals = structuredClone(counts);
          addCounts(totals, delta);
          const report = reportOf(clock, base, opts, file, source, totals, stats, chunk.lastSeq, 'running');
          const updated = await trx
            .updateTable('import_batches')
            .set({
              rows_done: chunk.lastSeq,
              counts: JSON.stringify(totals),
              report: JSON.stringify(report),
              lease_until: new Date(now.getTime() + LEASE_MS).toISOString(),
              updated_at: now.toISOString(),
            })
            .where('id', '=', batchId)
            .where('lease_owner', '=', owner)
            .executeTakeFirst();
          // Another process took the batch over (our lease had expired): stop without writing.
          if (Number(updated.numUpdatedRows) !== 1)
            throw new AppError('IMPORT_BATCH_BUSY', { id: batchId, owner: 'another process' });
          await audit.append(trx, [
            ...written.events,
            {
              actor: actor.id,
              action: 'import.chunk',
              details: {
                batchId,
                rowsDone: chunk.lastSeq,
                imported: delta.imported,
                merged: delta.merged,
                rejected: delta.rejected,
                blank: delta.blank,
              },
            },
          ]);
          // The last statement: whatever else writes before the next chunk moves the marks.
          if (filter) marks = await writeMarks(trx);
          return { totals, pendingIndex: written.pendingIndex, reindexed: written.reindexed };
        });
        for (const r of committed.pendingIndex) pending.add(r.field, r.hash, r.customer_id);
        for (const r of committed.reindexed) (filter as StoreKeyFilter | null)?.add(r.field, r.hash);
        counts = committed.totals;
        rowsDone = chunk.lastSeq;
        await input.onProgress?.({
          rows: rowsDone,
          bytesDone: chunk.bytesDone,
          bytesTotal: chunk.bytesTotal,
        });
      }
      input.onLookups?.(tally);
      const report = reportOf(clock, base, opts, file, source, counts, stats, rowsDone, 'completed');
      const indexStarted = performance.now();
      await store.bulkTransaction(async (trx) => {
        // Built first, while the import's small page cache holds (the publish restores the default).
        if (deferred) await ensurePublicValueIndex(trx, store.engine);
        await vault.publishPending(trx, batchId);
        report.timings = {
          rowsSeconds: seconds(indexStarted - rowsStarted),
          indexSeconds: seconds(performance.now() - indexStarted),
        };
        await repo.updateBatch(trx, batchId, {
          status: 'completed',
          report: JSON.stringify(report),
          counts: JSON.stringify(counts),
          lease_owner: null,
          lease_until: null,
          finished_at: report.finishedAt,
          updated_at: report.finishedAt ?? clock.now().toISOString(),
        });
        await audit.append(trx, [
          {
            actor: actor.id,
            action: 'import.complete',
            purpose: opts.purposes[0] ?? null,
            details: {
              batchId,
              read: counts.read,
              imported: counts.imported,
              merged: counts.merged,
              rejected: counts.rejected,
            },
          },
        ]);
      });
      return report;
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INTERNAL';
      let rolledBack = false;
      if (code !== 'IMPORT_BATCH_BUSY') {
        try {
          await rollback(actor, batchId, { failed: { code } });
          rolledBack = true;
        } catch {
          // The batch stays `running`: it can be resumed or rolled back later.
        }
      }
      if (err instanceof AppError)
        throw new AppError(err.code, err.params, { ...(err.details ?? {}), batchId, rolledBack });
      throw new AppError('INTERNAL', {}, { batchId, rolledBack });
    } finally {
      activeHere.delete(batchId);
      // After a failure the store gets it back now; should that fail too, the batch's own error is the
      // one to report, and the next open of the store builds it.
      if (deferred)
        await store
          .bulkTransaction((trx) => ensurePublicValueIndex(trx, store.engine))
          .catch(() => undefined);
      if (store.engine === 'sqlite') {
        await sql`pragma wal_autocheckpoint = 1000`.execute(store.db);
        await sql`pragma cache_size = ${sql.raw(String(SQLITE_CACHE_KIB))}`.execute(store.db);
      }
    }
  }

  return { run };
}
