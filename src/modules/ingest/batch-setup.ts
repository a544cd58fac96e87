import { hostname } from 'node:os';
import { basename } from 'node:path';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type { ImportBatchesTable } from '../../kernel/store/schema.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { ConsentService } from '../consent/consent-service.js';
import type { FieldCatalog } from '../customers/field-catalog.js';
import { scopes } from './chunk-writer.js';
import type { ColumnStats } from './column-stats.js';
import type { SheetSample } from './file-scan.js';
import { planner, type StoredOptions } from './import-pipeline.js';
import { createIngestRepo } from './ingest-repo.js';
import { emptyCounts, type ImportCounts, type ImportOptions, type ImportReport } from './ingest-types.js';
import { parseDelimiterOption, type TableSource } from './readers/index.js';
import { reportMessages } from './reason-messages.js';
import { nextCustomKey } from './sheet-plan.js';

export interface IngestDeps {
  store: Store;
  keys: KeyRing;
  audit: Pick<AuditTrail, 'append' | 'record'>;
  clock: Clock;
  orgId: string;
  catalog: Pick<FieldCatalog, 'load' | 'add'>;
  consent: Pick<ConsentService, 'requirePurposes' | 'consentRowsAtCreation'>;
}

export const LEASE_MS = 10 * 60_000;
/** Batches this process is running now: a lease held by this process is live only if listed here. */
export const activeHere = new Set<string>();

/** Whether the process holding a batch's lease is still running it. */
export function leaseAlive(owner: string, batchId: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname()) return true;
  if (Number(pid) === process.pid) return activeHere.has(batchId);
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The options a new batch stores, from what the caller asked. */
export function storedOptions(input: ImportOptions, path: string): StoredOptions {
  return {
    purposes: [...new Set(input.purposes ?? [])],
    sheet: input.sheet ?? null,
    encoding: input.encoding ?? null,
    delimiter: input.delimiter === undefined ? null : parseDelimiterOption(input.delimiter),
    mapping: input.mapping ?? {},
    lenient: Boolean(input.lenient),
    onDuplicate: input.onDuplicate ?? 'merge',
    kind: input.kind ?? null,
    createFields: Boolean(input.createFields),
    fileName: input.fileName ?? basename(path),
  };
}

/**
 * The options of a run that would resume `stored` but say something else: a resumed batch goes on with
 * the options it started with, so a rerun given another purpose or duplicate policy must not seem to
 * apply them. Run again as is (`explicit` false), every option counts; with --resume, only those set
 * to other than their default (the command line fills in defaults the user did not type).
 */
export function resumeMismatch(
  stored: StoredOptions,
  input: ImportOptions,
  path: string,
  explicit: boolean,
): string[] {
  const given = storedOptions(input, path);
  const defaults = storedOptions({ purposes: [] }, path);
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const differs: string[] = [];
  const check = (name: string, mine: unknown, theirs: unknown, unset: unknown): void => {
    if (explicit && same(mine, unset)) return;
    if (!same(mine, theirs)) differs.push(name);
  };
  check('--purpose', [...given.purposes].sort(), [...stored.purposes].sort(), []);
  check('--sheet', given.sheet, stored.sheet, defaults.sheet);
  check('--encoding', given.encoding, stored.encoding, defaults.encoding);
  check('--delimiter', given.delimiter, stored.delimiter ?? null, defaults.delimiter);
  check('--mapping', given.mapping, stored.mapping, defaults.mapping);
  check('--lenient', given.lenient, stored.lenient, defaults.lenient);
  check('--on-duplicate', given.onDuplicate, stored.onDuplicate, defaults.onDuplicate);
  check('--kind', given.kind, stored.kind, defaults.kind);
  check('--create-fields', given.createFields, stored.createFields, defaults.createFields);
  return differs;
}

export interface ReportBase {
  batchId: string | null;
  dryRun: boolean;
  resumed: boolean;
  startedAt: string;
}

/** The quality report of a run so far (counts, columns with masked examples; no plaintext). */
export function reportOf(
  clock: Clock,
  base: ReportBase,
  opts: StoredOptions,
  file: { sha256: string; size: number },
  source: TableSource,
  counts: ImportCounts,
  stats: ColumnStats,
  rowsDone: number,
  status: ImportReport['status'],
): ImportReport {
  const done = status !== 'running';
  return {
    batchId: base.batchId,
    status,
    dryRun: base.dryRun,
    file: {
      name: opts.fileName,
      sha256: file.sha256,
      size: file.size,
      format: source.format,
      encoding: source.encoding ?? null,
      delimiter: source.delimiter ?? null,
    },
    options: {
      purposes: opts.purposes,
      onDuplicate: opts.onDuplicate,
      lenient: opts.lenient,
      kind: opts.kind,
      sheet: opts.sheet,
      createFields: opts.createFields,
    },
    counts,
    columns: stats.columns(),
    sheets: stats.sheets(),
    ...(source.hiddenSheets?.length ? { hiddenSheets: source.hiddenSheets } : {}),
    rowsDone,
    resumed: base.resumed,
    startedAt: base.startedAt,
    finishedAt: done ? clock.now().toISOString() : null,
    error: null,
    rolledBack: false,
    messages: reportMessages(counts),
  };
}

/** Creating, resuming and field set-up of batches. */
export function createBatchSetup(deps: IngestDeps) {
  const { store, keys, audit, clock, orgId, catalog } = deps;
  const repo = createIngestRepo(orgId);

  /** With --create-fields: a custom field for each unmapped column of the sampled sheets. */
  async function createFields(
    actor: Actor,
    opts: StoredOptions,
    samples: Map<string, SheetSample>,
  ): Promise<void> {
    for (const [sheet, sample] of samples) {
      const defs = await catalog.load();
      const plan = planner(opts, () => defs, samples)(sheet, sample.headers);
      for (const c of plan.columns) {
        if (c.role !== 'unmapped' || !c.proposal || c.header.trim() === '') continue;
        const current = await catalog.load();
        // Typed like the built-in field its content looks like: validated, normalised and masked so.
        const like = c.proposal.like ? current.get(c.proposal.like) : undefined;
        await catalog.add(actor, {
          key: nextCustomKey(current, new Set()),
          grade: c.proposal.grade,
          labelZh: c.header.trim(),
          labelEn: c.header.trim(),
          category: 'custom',
          ...(like ? { type: like.type, mask: like.mask, sensitive: like.sensitive } : {}),
        });
      }
    }
  }

  async function acquire(actor: Actor, batch: ImportBatchesTable, owner: string): Promise<void> {
    const now = clock.now();
    if (
      batch.lease_owner &&
      batch.lease_until &&
      Date.parse(batch.lease_until) > now.getTime() &&
      leaseAlive(batch.lease_owner, batch.id)
    )
      throw new AppError('IMPORT_BATCH_BUSY', {
        id: batch.id,
        owner: batch.lease_owner.split(':').slice(0, 2).join(':'),
      });
    await store.transaction(async (trx) => {
      await repo.updateBatch(trx, batch.id, {
        lease_owner: owner,
        lease_until: new Date(now.getTime() + LEASE_MS).toISOString(),
        updated_at: now.toISOString(),
      });
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'import.resume',
          details: { batchId: batch.id, rowsDone: batch.rows_done },
        },
      ]);
    });
  }

  async function createBatch(
    actor: Actor,
    opts: StoredOptions,
    file: { sha256: string; size: number },
    owner: string,
  ): Promise<ImportBatchesTable> {
    const id = uuidv7();
    const now = clock.now();
    const row: ImportBatchesTable = {
      id,
      org_id: orgId,
      status: 'running',
      file_name: opts.fileName,
      file_sha256: file.sha256,
      file_size: file.size,
      options: JSON.stringify(opts),
      counts: JSON.stringify(emptyCounts()),
      report: JSON.stringify({ columns: [], sheets: [] }),
      rows_done: 0,
      // The quarantine's data key, wrapped like a customer key under the batch's own scope.
      wrapped_key: keys.wrapCustomerKey(scopes.batchKey(id), keys.newCustomerKey()),
      lease_owner: owner,
      lease_until: new Date(now.getTime() + LEASE_MS).toISOString(),
      actor: actor.id,
      error_code: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      finished_at: null,
    };
    await store.transaction(async (trx) => {
      await repo.insertBatch(trx, row);
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'import.start',
          purpose: opts.purposes[0] ?? null,
          details: {
            batchId: id,
            sha256: file.sha256,
            bytes: file.size,
            purposes: opts.purposes,
            onDuplicate: opts.onDuplicate,
            lenient: opts.lenient,
          },
        },
      ]);
    });
    return row;
  }

  return { createFields, acquire, createBatch };
}
