import { generateRecords } from './customers.js';
import { applyDefect, dirtChoices, REJECT_REASON, reformatDuplicate } from './dirt.js';
import { createRng } from './rng.js';
import { toCells } from './table.js';
import { DIRT_KINDS, type DirtKind, type RejectReason } from './types.js';

/** A table row; null is a fully blank row. */
export type OutputRow = readonly string[] | null;

/** What was written, counted while writing so the sidecar needs no second pass. */
export interface RowTally {
  dataRows: number;
  blank: number;
  duplicates: number;
  rejected: number;
  byReason: Partial<Record<RejectReason, number>>;
  dirt: Record<DirtKind, number>;
}

export function newTally(): RowTally {
  const dirt = {} as Record<DirtKind, number>;
  for (const kind of DIRT_KINDS) dirt[kind] = 0;
  return { dataRows: 0, blank: 0, duplicates: 0, rejected: 0, byReason: {}, dirt };
}

export interface DirtyRowOptions {
  count: number;
  seed: string | number;
  dirtyRate: number;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** A duplicate row waiting until `due` base records have been written. */
interface PendingDuplicate {
  due: number;
  cells: string[];
}

const PROGRESS_EVERY = 10_000;
/** A duplicate appears up to this many records after its original, as re-entered data does. */
const MAX_DUPLICATE_DELAY = 200;

/**
 * The rows of a (possibly dirty) export: the clean customers of `seed`, of which about `dirtyRate` carry one
 * defect each, plus the rows some defects add. Dirt draws come from their own RNG stream, so the clean
 * customers are the same for every dirty rate.
 */
export function* dirtyRows(opts: DirtyRowOptions, tally: RowTally): Generator<OutputRow> {
  const rng = createRng(`${String(opts.seed)}\u0000dirt`);
  const pending: PendingDuplicate[] = [];
  let done = 0;
  let reported = -1;
  // Contacts still to come in the current company block; nothing is inserted inside a block.
  let contactsLeft = 0;

  const emitDue = function* (force: boolean): Generator<OutputRow> {
    let next = pending[0];
    while (next !== undefined && (force || next.due <= done)) {
      pending.shift();
      tally.dataRows++;
      yield next.cells;
      next = pending[0];
    }
  };

  for (const { customer, contactCount } of generateRecords(opts)) {
    let kind: DirtKind | undefined;
    if (opts.dirtyRate > 0 && rng.chance(opts.dirtyRate)) {
      kind = rng.pick(dirtChoices(customer.kind, contactCount));
      tally.dirt[kind]++;
    }
    if (kind === 'blankRow') {
      // Before the record, never after, so a file never ends in a blank row (xlsx drops trailing ones).
      tally.blank++;
      tally.dataRows++;
      yield null;
    }
    let fields = customer.fields;
    if (kind === 'reformattedDuplicate') {
      tally.duplicates++;
      // Due times only grow with `done` but delays vary; keep the queue ordered by due time.
      const due = done + rng.int(1, MAX_DUPLICATE_DELAY);
      const cells = toCells(customer.kind, reformatDuplicate(fields, rng));
      let at = pending.length;
      while (at > 0 && (pending[at - 1]?.due ?? 0) > due) at--;
      pending.splice(at, 0, { due, cells });
    } else if (kind !== undefined && kind !== 'blankRow') {
      fields = applyDefect(kind, fields, customer.kind, rng);
      const reason = REJECT_REASON[kind];
      if (reason !== undefined) {
        tally.rejected++;
        tally.byReason[reason] = (tally.byReason[reason] ?? 0) + 1;
      }
    }
    tally.dataRows++;
    yield toCells(customer.kind, fields);
    done++;
    contactsLeft = customer.kind === 'company' ? contactCount : Math.max(0, contactsLeft - 1);
    if (contactsLeft === 0) yield* emitDue(false);
    if (opts.onProgress && done % PROGRESS_EVERY === 0) {
      opts.onProgress(done, opts.count);
      reported = done;
    }
  }
  yield* emitDue(true);
  if (opts.onProgress && reported !== done) opts.onProgress(done, opts.count);
}
