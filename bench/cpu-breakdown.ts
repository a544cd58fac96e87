import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where an import's CPU goes, from the V8 CPU profiles (`--cpu-prof`) of its threads: each sample's
 * self time is put in one category by the file of the function it was taken in. Native work shows as
 * the JS function that called into it, so SQLite's own time lands in the driver's frames and
 * OpenSSL's in node's crypto frames. Categories are per thread, in microseconds per row read.
 */
export type CpuCategory =
  | 'sqlite'
  | 'crypto'
  | 'codec'
  | 'gc'
  | 'parse'
  | 'dedupe'
  | 'handoff'
  | 'writer'
  | 'runtime'
  | 'other'
  | 'idle';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples: number[];
  timeDeltas: number[];
}

const RULES: ReadonlyArray<[CpuCategory, (fn: string, url: string) => boolean]> = [
  ['gc', (fn) => fn === '(garbage collector)'],
  ['idle', (fn) => fn === '(idle)'],
  ['sqlite', (_, url) => url.includes('/kernel/store/sqlite-driver') || url.includes('/better-sqlite3/')],
  ['crypto', (_, url) => url.startsWith('node:internal/crypto') || url.includes('/kernel/crypto/')],
  [
    'parse',
    (_, url) =>
      /\/modules\/ingest\/(readers\/|row-parser|import-pipeline|column-stats)/.test(url) ||
      url.includes('/kernel/identifiers/') ||
      url.includes('/customers/field-values') ||
      url.startsWith('node:internal/streams') ||
      url === 'node:fs',
  ],
  // Building what is sealed: the customer's grade objects, masked forms, packed index keys.
  ['codec', (_, url) => /\/modules\/customers\/(customer-codec|masking|index-keys)/.test(url)],
  ['dedupe', (_, url) => /\/modules\/ingest\/(dedupe-keys|chunk-resolver|pending-keys)/.test(url)],
  // Structured clone of a chunk shows in the frame that posts it (the worker's loop) or receives it.
  [
    'handoff',
    (_, url) =>
      /\/modules\/ingest\/chunk-(wire|producer-worker|producer-thread)/.test(url) ||
      url.includes('messageport'),
  ],
  // The writing thread's JS around its statements: Kysely, the repositories, the audit trail.
  [
    'writer',
    (_, url) =>
      url.includes('/kysely/') ||
      url.includes('/kernel/store/') ||
      url.includes('/kernel/audit/') ||
      /\/modules\/(customers\/customer-repo|ingest\/(ingest-repo|vault-writer|chunk-writer|import-runner))/.test(
        url,
      ),
  ],
  [
    'runtime',
    (fn, url) => fn === '(program)' || fn === 'runMicrotasks' || url.startsWith('node:internal/process'),
  ],
];

function categoryOf(fn: string, url: string): CpuCategory {
  for (const [category, matches] of RULES) if (matches(fn, url)) return category;
  return 'other';
}

/** Self time per category of one profile, in milliseconds. */
export function profileCategories(path: string): Record<CpuCategory, number> {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const category = new Map(
    profile.nodes.map((n) => [n.id, categoryOf(n.callFrame.functionName, n.callFrame.url)]),
  );
  const ms = Object.fromEntries([...RULES.map(([c]) => [c, 0]), ['other', 0]]) as Record<CpuCategory, number>;
  profile.samples.forEach((id, i) => {
    ms[category.get(id) ?? 'other'] += (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return ms;
}

/**
 * Every profile in `dir` (one per thread: the importing thread writes first), as microseconds per row
 * read, with each thread's busy total (all but idle).
 */
export function cpuBreakdown(dir: string, rows: number) {
  return (
    readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread.
      .sort((a, b) => Number(a.split('.')[4]) - Number(b.split('.')[4]))
      .map((file, i) => {
        const ms = profileCategories(join(dir, file));
        const perRow = Object.fromEntries(
          Object.entries(ms).map(([k, v]) => [k, Math.round((v * 10_000) / rows) / 10]),
        ) as Record<CpuCategory, number>;
        const busy = Object.entries(perRow).reduce((sum, [k, v]) => (k === 'idle' ? sum : sum + v), 0);
        return { thread: i === 0 ? 'main' : `worker ${i}`, usPerRow: perRow, busyUsPerRow: Math.round(busy) };
      })
  );
}
