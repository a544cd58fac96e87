import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import { normaliseText } from '../../kernel/identifiers/normalise.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type { CustomerKind, FieldValue } from '../customers/customer-types.js';
import {
  type BlindIndexer,
  companyKeys,
  type IdentityKeys,
  type IndexKey,
  identityKeys,
  identityMapKeys,
  mapKey,
} from './dedupe-keys.js';
import type { CandidateRow } from './ingest-repo.js';
import { emptyCounts, type ImportCounts, type OnDuplicate } from './ingest-types.js';
import type { ContactCompany, ValidRow } from './row-parser.js';
import type { NewCustomer, PreSealed } from './vault-writer.js';

/** Where a row came from: enough to name it in conflicts and the quarantine, no content. */
export interface RowRef {
  seq: number;
  sheet: string;
  rowNumber: number;
}

/** The customer a row resolves to. `seen` stands for a row of a dry run (nothing is kept). */
export type Target =
  | { type: 'pending'; customer: NewCustomer }
  | { type: 'existing'; id: string; ownBatch: boolean }
  /**
   * A dry run's: a store customer (`inStore`), or a new customer of the file with a 32-bit digest of
   * each value (`digests`), enough to count the conflicts its duplicates would record without keeping
   * the file's values in memory.
   */
  | { type: 'seen'; inStore: boolean; digests: Record<string, number> | null };

export interface PendingConflict {
  customerId: string;
  /** The new customer's key (pending); existing customers' keys are opened in the transaction. */
  dek: Buffer | null;
  field: string;
  value: FieldValue;
  ref: RowRef;
}

export interface ExistingOp {
  values: Record<string, FieldValue>;
  flags: string[];
  ref: RowRef;
}

export interface ChunkPlan {
  creates: NewCustomer[];
  /** Duplicate rows to apply to existing customers, in file order. */
  existing: Map<string, ExistingOp[]>;
  conflicts: PendingConflict[];
  /** Duplicates of customers outside the actor's scope: rejected (无权覆盖), never merged. */
  blocked: RowRef[];
  counts: ImportCounts;
}

export interface ResolverState {
  /** Identity key -> customer. A real run keeps one chunk's worth (earlier chunks are in the store); a dry run the whole file. */
  inFile: Map<string, Target>;
}

/** One shared marker for the store's customers a dry run matches: their values are not opened. */
const SEEN_IN_STORE: Target = { type: 'seen', inStore: true, digests: null };

/** FNV-1a of a value's JSON: a dry run compares values by digest (a collision only hides a conflict). */
function valueDigest(value: FieldValue): number {
  const text = comparable(value);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function digestsOf(values: Record<string, FieldValue>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) out[k] = valueDigest(v);
  return out;
}

/** mergeValues over digests: how many conflicts the merge records. */
function mergeDigests(
  current: Record<string, number>,
  incoming: Record<string, FieldValue>,
  mode: OnDuplicate,
): number {
  let conflicts = 0;
  for (const [k, v] of Object.entries(incoming)) {
    const have = current[k];
    const d = valueDigest(v);
    if (have === undefined || mode === 'overwrite') current[k] = d;
    else if (have !== d) conflicts++;
  }
  return conflicts;
}

/**
 * Whether a duplicate's value is the one held. Free text is kept as typed (field-values freeText), so
 * two spellings of the same text, （东） and (东), compare folded: a width or spacing difference is no
 * conflict worth a person's review.
 */
const comparable = (v: FieldValue): string => JSON.stringify(typeof v === 'string' ? normaliseText(v) : v);
const same = (a: FieldValue, b: FieldValue): boolean => comparable(a) === comparable(b);

/**
 * Merges `incoming` into `current` (pending customer): empty fields filled, differences by mode.
 * Returns whether `current` changed.
 */
function mergeValues(
  current: Record<string, FieldValue>,
  incoming: Record<string, FieldValue>,
  mode: OnDuplicate,
  onConflict: (field: string, value: FieldValue) => void,
): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(incoming)) {
    const have = current[k];
    if (have === undefined) {
      current[k] = v;
      changed = true;
    } else if (!same(have, v)) {
      if (mode === 'overwrite') {
        current[k] = v;
        changed = true;
      } else onConflict(k, v);
    }
  }
  return changed;
}

/**
 * The blind-index keys a chunk must look up in the store. The name half of a mobile+name identity is
 * not looked up on its own (a common name matches thousands of customers): it is checked only on the
 * customers the mobile matched (`pairNames`).
 */
export function chunkLookupKeys(
  keys: BlindIndexer,
  rows: readonly ValidRow[],
): { lookup: IndexKey[]; pairNames: IndexKey[] } {
  const lookup: IndexKey[] = [];
  const pairNames: IndexKey[] = [];
  for (const row of rows) {
    const ids = identityKeys(keys, row.kind, row.values);
    lookup.push(...ids.strong);
    if (ids.pair) {
      lookup.push(ids.pair.mobile);
      pairNames.push(ids.pair.name);
      if (ids.pair.legacyName) pairNames.push(ids.pair.legacyName);
    }
    if (row.company) lookup.push(...companyKeys(keys, row.company));
  }
  return { lookup, pairNames };
}

/** Store hits of a chunk, answering "which live customer of this kind has this key". */
export class StoreMatches {
  private readonly byKey = new Map<string, string[]>();
  private readonly rows = new Map<string, CandidateRow>();

  constructor(
    hits: ReadonlyArray<IndexKey & { customerId: string }>,
    candidates: readonly CandidateRow[],
    private readonly scope: ReadonlySet<string> | null = null,
  ) {
    for (const c of candidates) this.rows.set(c.id, c);
    for (const h of hits) {
      const k = `${h.field}|${h.hash.toString('latin1')}`;
      const list = this.byKey.get(k) ?? [];
      list.push(h.customerId);
      this.byKey.set(k, list);
    }
  }

  private idsFor(key: IndexKey, kind: CustomerKind): CandidateRow[] {
    return (this.byKey.get(`${key.field}|${key.hash.toString('latin1')}`) ?? [])
      .map((id) => this.rows.get(id))
      .filter((r): r is CandidateRow => r !== undefined && r.kind === kind && r.status !== 'erased')
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** The oldest live customer of `kind` matching the identity, strongest key first. */
  match(kind: CustomerKind, ids: IdentityKeys): CandidateRow | null {
    for (const key of ids.strong) {
      const found = this.idsFor(key, kind)[0];
      if (found) return found;
    }
    if (ids.pair) {
      const { name, legacyName } = ids.pair;
      const named = [...this.idsFor(name, kind), ...(legacyName ? this.idsFor(legacyName, kind) : [])];
      const names = new Set(named.map((r) => r.id));
      const found = this.idsFor(ids.pair.mobile, kind).find((r) => names.has(r.id));
      if (found) return found;
    }
    return null;
  }

  /** Whether an import may change this customer: the actor sees it, and its processing is not restricted. */
  mayChange(id: string): boolean {
    return this.inScope(id) && this.rows.get(id)?.status !== 'restricted';
  }

  /** Whether the acting user may see (and so merge into) this customer. */
  inScope(id: string): boolean {
    return this.scope === null || this.scope.has(id);
  }

  company(keys: readonly IndexKey[]): CandidateRow | null {
    for (const key of keys) {
      const found = this.idsFor(key, 'company')[0];
      if (found) return found;
    }
    return null;
  }
}

export interface ResolveContext {
  keys: Pick<KeyRing, 'blindIndex' | 'newCustomerKey'>;
  mode: OnDuplicate;
  batchId: string | null;
  dryRun: boolean;
}

/**
 * Decides what each valid row of a chunk becomes: a new customer, a merge into an earlier row or an
 * existing customer, or (skip mode) nothing. Contacts get their company: from this file, the store,
 * or a new company made from the contact's company name and USCC.
 */
export function resolveChunk(
  rows: ReadonlyArray<{ row: ValidRow; ref: RowRef; sealed?: PreSealed | undefined }>,
  store: StoreMatches,
  state: ResolverState,
  ctx: ResolveContext,
): ChunkPlan {
  const plan: ChunkPlan = {
    creates: [],
    existing: new Map(),
    conflicts: [],
    blocked: [],
    counts: emptyCounts(),
  };
  const { counts } = plan;

  const newCustomer = (
    kind: CustomerKind,
    values: Record<string, FieldValue>,
    flags: string[],
    sealed?: PreSealed,
  ) => {
    const customer: NewCustomer = {
      id: sealed?.id ?? uuidv7(),
      dek: sealed?.dek ?? (ctx.dryRun ? Buffer.alloc(0) : ctx.keys.newCustomerKey()),
      kind,
      values: { ...values },
      flags: new Set(flags),
      companyId: null,
      sealed: sealed?.enc,
    };
    if (!ctx.dryRun) plan.creates.push(customer);
    return customer;
  };
  const targetOf = (c: CandidateRow): Target =>
    ctx.dryRun ? SEEN_IN_STORE : { type: 'existing', id: c.id, ownBatch: c.batch_id === ctx.batchId };
  /** A new customer's target: itself in a run, its values' digests in a dry run. */
  const newTarget = (customer: NewCustomer): Target =>
    ctx.dryRun
      ? { type: 'seen', inStore: false, digests: digestsOf(customer.values) }
      : { type: 'pending', customer };
  const register = (mapKeys: readonly string[], target: Target) => {
    for (const k of mapKeys) if (!state.inFile.has(k)) state.inFile.set(k, target);
  };

  /** Fills a company with the company-only fields of a contact's row, as a duplicate row would. */
  const fillCompany = (target: Target, values: Record<string, FieldValue>, ref: RowRef): void => {
    if (target.type === 'pending') {
      const company = target.customer;
      const changed = mergeValues(company.values, values, ctx.mode, (field, value) => {
        plan.conflicts.push({ customerId: company.id, dek: company.dek, field, value, ref });
      });
      if (changed) company.sealed = undefined;
    } else if (target.type === 'existing') {
      const ops = plan.existing.get(target.id) ?? [];
      ops.push({ values, flags: [], ref });
      plan.existing.set(target.id, ops);
    } else if (target.digests) counts.conflicts += mergeDigests(target.digests, values, ctx.mode);
  };

  /**
   * The contact's company: from this file, the store, or made from its name and USCC (unless `create`
   * is off). The row's company-only fields fill it; where the import may not change the company
   * (skipping duplicates, a restricted company, another owner's), the contact is flagged instead.
   */
  const companyFor = (
    company: ContactCompany,
    flags: string[],
    ref: RowRef,
    create: boolean,
  ): { id: string | null; flag: string | null } => {
    const cKeys = companyKeys(ctx.keys, company);
    const mapKeys = cKeys.map((k) => mapKey('company', k));
    let target: Target | undefined;
    for (const k of mapKeys) {
      target = state.inFile.get(k);
      if (target) break;
    }
    if (!target) {
      const found = store.company(cKeys);
      // Linking a contact to a company names only the company's id, which reveals nothing about it.
      if (found) target = targetOf(found);
    }
    let flag: string | null = null;
    if (target) {
      if (company.values) {
        if (ctx.mode === 'skip') flag = 'company:not-updated';
        else if (target.type === 'existing' && !store.mayChange(target.id)) flag = 'company:not-updated';
        else fillCompany(target, company.values, ref);
      }
    } else if (create) {
      // PIPL-minded default: the company a contact names is created rather than the contact dropped.
      const values: Record<string, FieldValue> = { ...company.values };
      if (company.companyName) values.companyName = company.companyName;
      if (company.uscc) values.uscc = company.uscc;
      const created = newCustomer('company', values, [...flags, 'import:company-from-contact']);
      target = newTarget(created);
      counts.companiesCreated++;
      counts.byKind.company++;
    } else {
      if (company.values) flag = 'company:not-updated';
      return { id: null, flag };
    }
    register(mapKeys, target);
    if (target.type === 'pending') return { id: target.customer.id, flag };
    if (target.type === 'existing') return { id: target.id, flag };
    return { id: null, flag };
  };

  for (const { row, ref, sealed } of rows) {
    const ids = identityKeys(ctx.keys, row.kind, row.values);
    const mapKeys = identityMapKeys(row.kind, ids);
    let target: Target | undefined;
    for (const k of mapKeys) {
      target = state.inFile.get(k);
      if (target) break;
    }
    if (!target) {
      const found = store.match(row.kind, ids);
      if (found?.status === 'restricted') {
        // Processing of a restricted customer is frozen (PIPL Art. 44): the row is left alone.
        counts.skipped++;
        continue;
      }
      if (found && !store.inScope(found.id)) {
        // 无权覆盖: another owner's customer is neither merged into nor revealed to exist by a merge.
        plan.blocked.push(ref);
        counts.rejected++;
        counts.byReason.DUPLICATE_OUT_OF_SCOPE = (counts.byReason.DUPLICATE_OUT_OF_SCOPE ?? 0) + 1;
        continue;
      }
      if (found) target = targetOf(found);
    }
    const companyMapKeys =
      row.kind === 'company' ? companyKeys(ctx.keys, row.values).map((k) => mapKey('company', k)) : [];
    if (target) {
      register([...mapKeys, ...companyMapKeys], target);
      if (ctx.mode === 'skip') {
        counts.skipped++;
        continue;
      }
      counts.merged++;
      // A duplicate contact keeps its link; its row's company fields still go to the company it names.
      const companyFlag =
        row.kind === 'contact' && row.company?.values ? companyFor(row.company, [], ref, false).flag : null;
      const flags = companyFlag ? [...row.flags, companyFlag] : row.flags;
      countFlags(counts, flags);
      if ((target.type === 'existing' && !target.ownBatch) || (target.type === 'seen' && target.inStore))
        counts.mergedWithStore++;
      if (target.type === 'pending') {
        const customer = target.customer;
        for (const f of flags) customer.flags.add(f);
        const changed = mergeValues(customer.values, row.values, ctx.mode, (field, value) => {
          plan.conflicts.push({ customerId: customer.id, dek: customer.dek, field, value, ref });
        });
        // Sealed ahead from its first row only: values merged in since are sealed when written.
        if (changed) customer.sealed = undefined;
      } else if (target.type === 'existing') {
        const ops = plan.existing.get(target.id) ?? [];
        ops.push({ values: row.values, flags, ref });
        plan.existing.set(target.id, ops);
      } else if (target.digests) counts.conflicts += mergeDigests(target.digests, row.values, ctx.mode);
      continue;
    }
    const customer = newCustomer(row.kind, row.values, row.flags, sealed);
    let flags = row.flags;
    if (row.kind === 'contact' && row.company) {
      const link = companyFor(row.company, row.flags, ref, true);
      customer.companyId = link.id;
      if (link.flag) {
        flags = [...row.flags, link.flag];
        customer.flags.add(link.flag);
      }
    }
    counts.imported++;
    countFlags(counts, flags);
    counts.byKind[row.kind]++;
    register([...mapKeys, ...companyMapKeys], newTarget(customer));
  }
  return plan;
}

function countFlags(counts: ImportCounts, flags: readonly string[]): void {
  if (flags.length === 0) return;
  counts.flagged++;
  for (const f of new Set(flags)) counts.byFlag[f] = (counts.byFlag[f] ?? 0) + 1;
}

/** Applies an existing customer's ops; returns the new values, flags, conflicts and whether anything changed. */
export function applyOps(
  current: Record<string, FieldValue>,
  ops: readonly ExistingOp[],
  mode: OnDuplicate,
): {
  values: Record<string, FieldValue>;
  flags: string[];
  conflicts: Array<{ field: string; value: FieldValue; ref: RowRef }>;
  changed: string[];
} {
  const values = { ...current };
  const conflicts: Array<{ field: string; value: FieldValue; ref: RowRef }> = [];
  const flags: string[] = [];
  for (const op of ops) {
    flags.push(...op.flags);
    mergeValues(values, op.values, mode, (field, value) => conflicts.push({ field, value, ref: op.ref }));
  }
  const changed = Object.keys(values).filter(
    (k) => current[k] === undefined || !same(current[k] as FieldValue, values[k] as FieldValue),
  );
  return { values, flags, conflicts, changed };
}
