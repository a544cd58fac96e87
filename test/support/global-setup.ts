import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres, type ThrowawayPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
    pgSkipReason: string | null;
  }
}

let cluster: ThrowawayPostgres | undefined;

/**
 * One PostgreSQL for the whole run: DATABASE_URL when set, else a throwaway cluster. Under CI a
 * PostgreSQL that cannot start fails the run; locally, CUSTODIAN_TEST_ENGINES=sqlite skips it.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const engines = process.env.CUSTODIAN_TEST_ENGINES ?? 'sqlite,postgres';
  if (!engines.includes('postgres')) {
    project.provide('pgUrl', null);
    project.provide('pgSkipReason', 'CUSTODIAN_TEST_ENGINES excludes postgres');
    return () => {};
  }
  if (process.env.DATABASE_URL) {
    project.provide('pgUrl', process.env.DATABASE_URL);
    project.provide('pgSkipReason', null);
    return () => {};
  }
  try {
    cluster = await startThrowawayPostgres();
  } catch (err) {
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL could not start under CI: ${(err as Error).message}`);
    project.provide('pgUrl', null);
    project.provide('pgSkipReason', `PostgreSQL could not start: ${(err as Error).message}`);
    return () => {};
  }
  project.provide('pgUrl', cluster.url);
  project.provide('pgSkipReason', null);
  return () => cluster?.stop();
}
