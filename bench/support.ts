import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../test/support/postgres.js';

export interface BenchTarget {
  engine: 'sqlite' | 'postgres';
  dataDir: string;
  dbUrl: string | undefined;
  cleanup(): Promise<void>;
}

let cluster: ThrowawayPostgres | undefined;

export async function benchTarget(engine: 'sqlite' | 'postgres'): Promise<BenchTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), `custodian-bench-${engine}-`));
  if (engine === 'sqlite')
    return {
      engine,
      dataDir,
      dbUrl: undefined,
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  let base = process.env.DATABASE_URL;
  if (!base) {
    cluster ??= await startThrowawayPostgres();
    base = cluster.url;
  }
  const name = `bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    engine,
    dataDir,
    dbUrl: url.toString(),
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function stopCluster(): void {
  cluster?.stop();
  cluster = undefined;
}

/** The middle value (the upper one of an even count); 0 for none. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export function rate(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

export function mem(): { rssMb: number; heapMb: number } {
  const m = process.memoryUsage();
  return { rssMb: Math.round(m.rss / 1048576), heapMb: Math.round(m.heapUsed / 1048576) };
}
