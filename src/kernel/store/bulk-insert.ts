import { CompiledQuery } from 'kysely';
import type { Database } from './schema.js';
import type { Engine, Trx } from './store.js';

/** Rows per statement: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters at 18 columns. */
const ROWS_PER_STATEMENT = 256;

const sqlCache = new Map<string, string>();

function insertSql(
  engine: Engine,
  table: string,
  columns: readonly string[],
  rows: number,
  ignoreConflicts: boolean,
): string {
  const key = `${engine}|${table}|${columns.join(',')}|${rows}|${ignoreConflicts}`;
  let text = sqlCache.get(key);
  if (text) return text;
  const width = columns.length;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const marks: string[] = [];
    for (let c = 0; c < width; c++) marks.push(engine === 'postgres' ? `$${r * width + c + 1}` : '?');
    tuples.push(`(${marks.join(', ')})`);
  }
  text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}${ignoreConflicts ? ' on conflict do nothing' : ''}`;
  sqlCache.set(key, text);
  return text;
}

/**
 * Inserts many rows of one table inside the caller's transaction without building a Kysely query per
 * statement: building and compiling one costs more than SQLite takes to insert its rows, and bulk paths
 * (imports, transfer receipt) insert millions. Statements come in a few fixed sizes (full batches, then
 * the remainder split into powers of two) so both drivers' statement caches stay small and warm.
 * Table and column names are compile-time constants of the schema, never input. With
 * `ignoreConflicts`, rows whose key is already there are left out (`on conflict do nothing`, both
 * engines); the count of rows inserted is returned either way.
 */
export async function insertRows<T extends keyof Database & string>(
  engine: Engine,
  trx: Trx,
  table: T,
  columns: ReadonlyArray<keyof Database[T] & string>,
  rows: ReadonlyArray<Database[T]>,
  opts: { ignoreConflicts?: boolean } = {},
): Promise<number> {
  let inserted = 0;
  let at = 0;
  while (at < rows.length) {
    const left = rows.length - at;
    const n = left >= ROWS_PER_STATEMENT ? ROWS_PER_STATEMENT : 2 ** Math.floor(Math.log2(left));
    const params: unknown[] = new Array(n * columns.length);
    let k = 0;
    for (let r = at; r < at + n; r++) {
      const row = rows[r] as unknown as Record<string, unknown>;
      for (const c of columns) params[k++] = row[c] ?? null;
    }
    const res = await trx.executeQuery(
      CompiledQuery.raw(insertSql(engine, table, columns, n, opts.ignoreConflicts === true), params),
    );
    inserted += Number(res.numAffectedRows ?? 0n);
    at += n;
  }
  return inserted;
}
