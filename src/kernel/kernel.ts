import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AuditTrail, createAuditTrail, initAuditHead } from './audit/audit-trail.js';
import {
  CONFIG_FILE,
  type DataDirConfig,
  DB_FILE,
  ERASURE_JOURNAL,
  ensureDataDir,
  isInitialised,
  KEY_FILE,
  readDataDirConfig,
  writeDataDirConfig,
} from './config/data-dir.js';
import { KeyRing, newOrgKeyMaterial, type OrgKeyPurpose, wrapOrgKey } from './crypto/key-ring.js';
import { RandomPool } from './crypto/random-pool.js';
import {
  createKeyFile,
  derivePassphraseKey,
  newPassphraseSpec,
  type RootKeySpec,
  readKeyFile,
} from './crypto/root-key.js';
import { AppError } from './errors/app-error.js';
import { uuidv7 } from './ids/uuid.js';
import { type Logger, silentLogger } from './log/logger.js';
import { openStore, type Store, type StoreLocation } from './store/store.js';
import { type Clock, systemClock } from './time/clock.js';

/** The feature-agnostic core every module is wired with. */
export interface Kernel {
  readonly dataDir: string;
  readonly config: DataDirConfig;
  readonly orgId: string;
  readonly store: Store;
  readonly keys: KeyRing;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Appends a line to the erasure journal kept beside (not inside) the database, for restores. */
  journalErasure(entry: { id: string; customerId: string; at: string; reason: string; actor: string }): void;
  /** Wraps new org key material under the root key, which never leaves the kernel. */
  wrapOrgKey(purpose: OrgKeyPurpose, version: number, material: Buffer): Buffer;
  close(): Promise<void>;
}

export interface KernelOptions {
  dataDir: string;
  dbUrl?: string | undefined;
  clock?: Clock;
  logger?: Logger;
  passphrase?: string | undefined;
  checkpointEvery?: number;
}

export interface InitOptions extends KernelOptions {
  orgName?: string;
  keyProvider?: 'file' | 'passphrase';
}

function storeLocation(dataDir: string, dbUrl: string | undefined): StoreLocation {
  if (dbUrl) {
    if (!/^postgres(ql)?:\/\//.test(dbUrl)) {
      throw new AppError('CONFIG_INVALID', {
        detail: '--db must be a postgres:// URL (SQLite is the default)',
      });
    }
    return { engine: 'postgres', url: dbUrl };
  }
  return { engine: 'sqlite', file: join(dataDir, DB_FILE) };
}

function rootKeyFor(dataDir: string, spec: RootKeySpec, passphrase: string | undefined): Buffer {
  if (spec.type === 'file') return readKeyFile(join(dataDir, spec.file));
  const phrase = passphrase ?? process.env.CUSTODIAN_PASSPHRASE;
  if (!phrase) throw new AppError('PASSPHRASE_MISSING');
  return derivePassphraseKey(phrase, spec);
}

function assemble(
  opts: KernelOptions,
  config: DataDirConfig,
  store: Store,
  keys: KeyRing,
  kek: Buffer,
): Kernel {
  const clock = opts.clock ?? systemClock;
  const audit = createAuditTrail({ store, keys, clock, checkpointEvery: opts.checkpointEvery ?? 1000 });
  return {
    dataDir: opts.dataDir,
    config,
    orgId: config.orgId,
    store,
    keys,
    audit,
    clock,
    logger: opts.logger ?? silentLogger(),
    journalErasure(entry) {
      appendFileSync(join(opts.dataDir, ERASURE_JOURNAL), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    },
    wrapOrgKey: (purpose, version, material) =>
      wrapOrgKey(kek, config.orgId, purpose, version, material, keys.pool),
    close: () => store.close(),
  };
}

/**
 * Creates a new org in an empty data directory: root key, store, org keys, audit genesis. Refuses a
 * directory (or PostgreSQL database) that already holds a Custodian org.
 */
export async function initKernel(opts: InitOptions): Promise<Kernel> {
  const dbUrl = opts.dbUrl ?? process.env.DATABASE_URL;
  if (isInitialised(opts.dataDir)) throw new AppError('ALREADY_INITIALISED', { dir: opts.dataDir });
  const location = storeLocation(opts.dataDir, dbUrl);
  ensureDataDir(opts.dataDir);
  let spec: RootKeySpec;
  let kek: Buffer;
  if (opts.keyProvider === 'passphrase') {
    const phrase = opts.passphrase ?? process.env.CUSTODIAN_PASSPHRASE;
    if (!phrase) throw new AppError('PASSPHRASE_MISSING');
    spec = newPassphraseSpec();
    kek = derivePassphraseKey(phrase, spec);
  } else {
    spec = { type: 'file', file: KEY_FILE };
    kek = createKeyFile(join(opts.dataDir, KEY_FILE));
  }
  const store = await openStore(location);
  try {
    const existing = await store.db.selectFrom('orgs').select('id').executeTakeFirst();
    if (existing)
      throw new AppError('ALREADY_INITIALISED', {
        dir: location.engine === 'postgres' ? 'PostgreSQL' : opts.dataDir,
      });
    const orgId = uuidv7();
    const now = (opts.clock ?? systemClock).now().toISOString();
    const pool = new RandomPool();
    const purposes: OrgKeyPurpose[] = ['dek-wrap', 'blind-index', 'audit-signing'];
    const rows = purposes.map((purpose) => ({
      org_id: orgId,
      purpose,
      version: 1,
      wrapped: wrapOrgKey(kek, orgId, purpose, 1, newOrgKeyMaterial(purpose, pool), pool),
      status: 'active' as const,
      created_at: now,
      retired_at: null,
    }));
    await store.transaction(async (trx) => {
      await trx
        .insertInto('orgs')
        .values({ id: orgId, name: opts.orgName ?? '我的公司', created_at: now })
        .execute();
      await trx.insertInto('org_keys').values(rows).execute();
      await initAuditHead(trx, orgId);
    });
    const config: DataDirConfig = {
      format: 'custodian.data-dir.v1',
      orgId,
      orgName: opts.orgName ?? '我的公司',
      createdAt: now,
      rootKey: spec,
      store: location.engine,
    };
    writeDataDirConfig(opts.dataDir, config);
    const keys = KeyRing.unwrap(orgId, kek, rows, 'ROOT_KEY_MISMATCH');
    return assemble(opts, config, store, keys, kek);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** Opens an initialised data directory; a missing or wrong key stops here with a clear error. */
export async function openKernel(opts: KernelOptions): Promise<Kernel> {
  const config = readDataDirConfig(opts.dataDir);
  const dbUrl = opts.dbUrl ?? process.env.DATABASE_URL;
  if (config.store === 'postgres' && !dbUrl) {
    throw new AppError('CONFIG_INVALID', {
      detail: `this data directory keeps its data in PostgreSQL: pass --db postgres://… or set DATABASE_URL (${CONFIG_FILE})`,
    });
  }
  const kek = rootKeyFor(opts.dataDir, config.rootKey, opts.passphrase);
  const store = await openStore(storeLocation(opts.dataDir, config.store === 'postgres' ? dbUrl : undefined));
  try {
    const rows = await store.db
      .selectFrom('org_keys')
      .select(['purpose', 'version', 'wrapped', 'status'])
      .where('org_id', '=', config.orgId)
      .execute();
    if (rows.length === 0) {
      throw new AppError('CONFIG_INVALID', { detail: 'the database holds no keys for this organisation' });
    }
    const keys = KeyRing.unwrap(
      config.orgId,
      kek,
      rows,
      config.rootKey.type === 'passphrase' ? 'PASSPHRASE_WRONG' : 'ROOT_KEY_MISMATCH',
    );
    return assemble(opts, config, store, keys, kek);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}
