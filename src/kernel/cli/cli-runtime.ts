import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { resolveDataDir } from '../config/data-dir.js';
import { AppError, type Lang } from '../errors/app-error.js';
import { fileAccessError } from '../errors/file-errors.js';

export interface GlobalOptions {
  data: string;
  db: string | undefined;
  json: boolean;
  lang: Lang;
}

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stderrIsTty: boolean;
}

export const processIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stderrIsTty: Boolean(process.stderr.isTTY),
};

export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as { data?: string; db?: string; json?: boolean; lang?: string };
  const lang = (o.lang ?? process.env.CUSTODIAN_LANG ?? 'zh') === 'en' ? 'en' : 'zh';
  return { data: resolveDataDir(o.data), db: o.db, json: Boolean(o.json), lang };
}

export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Prints a command's result: JSON alone on stdout with --json, readable text otherwise. */
export function printResult(io: CliIo, g: GlobalOptions, result: unknown, text?: (r: never) => string): void {
  if (g.json) io.stdout(`${JSON.stringify(result)}\n`);
  else if (text) io.stdout(`${text(result as never)}\n`);
  else io.stdout(`${JSON.stringify(result, null, 2)}\n`);
}

/** Prints an error (JSON on stdout with --json, message on stderr otherwise); returns the exit code. */
export function printError(io: CliIo, g: Pick<GlobalOptions, 'json' | 'lang'>, err: unknown): number {
  const e = err instanceof AppError ? err : (fileAccessError(err) ?? new AppError('INTERNAL'));
  if (g.json) io.stdout(`${JSON.stringify({ error: e.toJSON(g.lang) })}\n`);
  else {
    const other = g.lang === 'zh' ? e.messageIn('en') : e.messageIn('zh');
    const where = e.details ? detailsLine(e.details) : '';
    io.stderr(`错误 error [${e.code}]: ${e.messageIn(g.lang)}\n  ${other}\n${where}`);
  }
  return e.exitCode;
}

/**
 * The error's details (row, column, reason, batch…) as one line for people: what --json prints under
 * `details`, which by the AppError contract never holds personal data.
 */
function detailsLine(details: Record<string, unknown>): string {
  const parts = Object.entries(details)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => {
      const text =
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : JSON.stringify(v);
      return `${k}: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
    });
  return parts.length ? `  详情 details: ${parts.join('; ')}\n` : '';
}

/** `12,345/s`, `1m05s`: the rate and time left shown beside a progress bar. */
export function progressStats(
  done: number,
  total: number,
  elapsedMs: number,
): { rate: number; etaSeconds: number | null } {
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const etaSeconds = rate > 0 && total >= done ? Math.round((total - done) / rate) : null;
  return { rate: Math.round(rate), etaSeconds };
}

function formatEta(seconds: number | null): string {
  if (seconds === null) return '--';
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/**
 * A one-line progress bar with rate and time left on stderr, only on a terminal and never with --json
 * (stdout stays machine-readable and logs stay clean). `update(done, total)` counts items; when the
 * work is measured in one unit (bytes of a file read) and shown in another (rows), pass
 * `{ count, unit }`: the bar and the time left follow done/total, the figures and the rate the count.
 */
export function progressBar(
  io: CliIo,
  label: string,
  opts: { quiet?: boolean } = {},
): { update(done: number, total: number, shown?: { count: number; unit: string }): void; stop(): void } {
  if (!io.stderrIsTty || opts.quiet || process.argv.includes('--json')) return { update() {}, stop() {} };
  const started = Date.now();
  let last = 0;
  /** Whether the bar's line is open: stop() ends it once, and only if something was drawn. */
  let drawn = false;
  return {
    update(done, total, shown) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      drawn = true;
      const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      const { rate, etaSeconds } = progressStats(done, total, now - started);
      const figures = shown
        ? `${shown.count.toLocaleString('en-US')} ${shown.unit} ${progressStats(shown.count, shown.count, now - started).rate.toLocaleString('en-US')} ${shown.unit}/s`
        : `${done}/${total} ${rate.toLocaleString('en-US')}/s`;
      io.stderr(
        `\r${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${pct}% ${figures} ETA ${formatEta(etaSeconds)}  `,
      );
    },
    stop() {
      if (drawn) io.stderr('\n');
      drawn = false;
    },
  };
}

/** Runs `work` with a progress bar that is stopped (its line ended) however the work ends. */
export async function withProgress<T>(
  io: CliIo,
  label: string,
  work: (onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  const bar = progressBar(io, label);
  try {
    return await work(bar.update);
  } finally {
    bar.stop();
  }
}

/** A collector of a repeated `key=value` option; its usage error names the option. */
function keyValueCollector(flag: string) {
  return (value: string, previous: Record<string, string> = {}): Record<string, string> => {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new AppError('USAGE', { detail: `${flag} expects key=value` });
    return { ...previous, [value.slice(0, eq).trim()]: value.slice(eq + 1) };
  };
}

/** Collects repeated `--field key=value` options. */
export const collectField = keyValueCollector('--field');

/** Collects repeated `--filter key=value` options. */
export const collectFilter = keyValueCollector('--filter');

/**
 * A parser of a whole-number option within a range: `abc`, `1.5`, `1e3` or a value out of range is a
 * usage error naming the option and the range, never a NaN that a service reads as "no limit".
 * Give the option's default as a number: commander hands defaults over unparsed.
 */
export function integerOption(flag: string, range: { min: number; max: number }) {
  return (value: string): number => {
    const n = /^\s*[+-]?\d{1,16}\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < range.min || n > range.max)
      throw new AppError('USAGE', {
        detail: `${flag} expects a whole number from ${range.min} to ${range.max}, got "${value.slice(0, 40)}"`,
      });
    return n;
  };
}

/** A parser of an option that takes one of `values`: anything else is a usage error listing them. */
export function choiceOption<T extends string>(flag: string, values: readonly T[]) {
  return (value: string): T => {
    if ((values as readonly string[]).includes(value)) return value as T;
    throw new AppError('USAGE', { detail: `${flag} must be ${values.join(', ')}` });
  };
}

export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/** What each module's CLI registration receives: the IO and a way to run against an opened app. */
export interface CliContext<A, Act> {
  io: CliIo;
  /** Opens the app, runs `fn` as the CLI actor, prints its result, closes; errors set the exit code. */
  run<T>(
    cmd: Command,
    fn: (app: A, actor: Act, g: GlobalOptions) => Promise<T>,
    text?: (r: T, g: GlobalOptions) => string,
  ): Promise<void>;
  setExitCode(code: number): void;
}
