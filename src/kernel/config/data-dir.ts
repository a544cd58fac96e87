import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RootKeySpec } from '../crypto/root-key.js';
import { AppError } from '../errors/app-error.js';

/** `custodian.json` in the data directory: what the directory holds and how to open it. No secrets. */
export interface DataDirConfig {
  format: 'custodian.data-dir.v1';
  orgId: string;
  orgName: string;
  createdAt: string;
  rootKey: RootKeySpec;
  store: 'sqlite' | 'postgres';
}

export const CONFIG_FILE = 'custodian.json';
export const DB_FILE = 'custodian.db';
export const KEY_FILE = 'custodian.key';
export const ERASURE_JOURNAL = join('journal', 'erasures.jsonl');

export function resolveDataDir(flag: string | undefined): string {
  return resolve(flag ?? process.env.CUSTODIAN_DATA ?? './data');
}

export function isInitialised(dir: string): boolean {
  return (
    existsSync(join(dir, CONFIG_FILE)) || existsSync(join(dir, KEY_FILE)) || existsSync(join(dir, DB_FILE))
  );
}

export function readDataDirConfig(dir: string): DataDirConfig {
  const file = join(dir, CONFIG_FILE);
  if (!existsSync(file)) throw new AppError('NOT_INITIALISED', { dir });
  let parsed: DataDirConfig;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as DataDirConfig;
  } catch {
    throw new AppError('CONFIG_INVALID', { detail: `${CONFIG_FILE} is not valid JSON` });
  }
  if (parsed.format !== 'custodian.data-dir.v1' || !parsed.orgId || !parsed.rootKey) {
    throw new AppError('CONFIG_INVALID', { detail: `${CONFIG_FILE} is not a Custodian data-directory file` });
  }
  return parsed;
}

/** Written through a temporary file and a rename, so a crash never leaves half a config. */
export function writeDataDirConfig(dir: string, config: DataDirConfig): void {
  const file = join(dir, CONFIG_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'journal'), { recursive: true, mode: 0o700 });
}
