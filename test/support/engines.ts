import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

export interface EngineTarget {
  engine: 'sqlite' | 'postgres';
  /** A fresh data directory, and for PostgreSQL a fresh database URL. */
  fresh(): Promise<{ dataDir: string; dbUrl: string | undefined; cleanup(): Promise<void> }>;
}

/** The engines the contract suite runs on: SQLite always, PostgreSQL when the global setup has one. */
export function engines(): EngineTarget[] {
  const out: EngineTarget[] = [
    {
      engine: 'sqlite',
      async fresh() {
        const dataDir = mkdtempSync(join(tmpdir(), 'custodian-test-'));
        return {
          dataDir,
          dbUrl: undefined,
          cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
        };
      },
    },
  ];
  const pgUrl = inject('pgUrl');
  if (pgUrl) {
    out.push({
      engine: 'postgres',
      async fresh() {
        const dataDir = mkdtempSync(join(tmpdir(), 'custodian-test-'));
        const name = `t_${randomBytes(6).toString('hex')}`;
        const admin = new pg.Client({ connectionString: pgUrl });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const url = new URL(pgUrl);
        url.pathname = `/${name}`;
        return {
          dataDir,
          dbUrl: url.toString(),
          async cleanup() {
            rmSync(dataDir, { recursive: true, force: true });
            const c = new pg.Client({ connectionString: pgUrl });
            await c.connect();
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            await c.end();
          },
        };
      },
    });
  } else if (process.env.CI === 'true') {
    throw new Error(`PostgreSQL missing under CI: ${inject('pgSkipReason')}`);
  }
  return out;
}
