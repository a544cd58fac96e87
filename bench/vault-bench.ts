import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { initApp, systemActor } from '../src/app.js';
import type { CustomerInput } from '../src/modules/customers/customer-types.js';
import { generateCustomers } from '../src/modules/synthetic/index.js';
import { benchTarget, mem, rate } from './support.js';

const BATCH = 1000;

function individuals(count: number, seed: string): CustomerInput[] {
  const out: CustomerInput[] = [];
  for (const c of generateCustomers({ count: Math.ceil(count * 1.8), seed })) {
    if (c.kind !== 'individual') continue;
    const { name, mobile, idNumber, email, address, region, level, source } = c.fields;
    out.push({
      kind: 'individual',
      purposes: ['sales'],
      fields: { name, mobile, idNumber, email, address, region, level, source },
    });
    if (out.length === count) break;
  }
  return out;
}

export interface VaultBenchResult {
  engine: string;
  customers: number;
  createPerSec: number;
  findByMobilePerSec: number;
  getDecryptPerSec: number;
  auditAppendPerSec: { singleEventTransactions: number; batched1000: number };
  auditVerifyPerSec: number;
  auditEvents: number;
  memory: Array<{ customers: number; rssMb: number; heapMb: number }>;
}

/** Creates `count` customers on one engine and measures the vault's hot paths on that store. */
export async function benchVault(engine: 'sqlite' | 'postgres', count: number): Promise<VaultBenchResult> {
  const target = await benchTarget(engine);
  const res = await initApp({
    dataDir: target.dataDir,
    dbUrl: target.dbUrl,
    who: 'bench',
    checkpointEvery: 10_000,
  });
  const app = res.app;
  const actor = systemActor(app.kernel, 'bench');
  await app.consent.addPurpose(actor, { key: 'sales', name: '销售服务', basis: 'contract', retention: '3y' });
  const inputs = individuals(count, `bench-${engine}`);
  const memory: VaultBenchResult['memory'] = [];
  const ids: string[] = [];
  globalThis.gc?.();
  const t0 = performance.now();
  for (let i = 0; i < inputs.length; i += BATCH) {
    ids.push(...(await app.customers.createMany(actor, inputs.slice(i, i + BATCH))));
    if ((i + BATCH) % (count / 4) === 0) {
      globalThis.gc?.();
      memory.push({ customers: i + BATCH, ...mem() });
    }
  }
  const createMs = performance.now() - t0;

  const lookups = Math.min(20_000, count);
  const t1 = performance.now();
  for (let i = 0; i < lookups; i++) {
    const input = inputs[(i * 7919) % inputs.length] as CustomerInput;
    const found = await app.customers.find(actor, { mobile: input.fields.mobile as string });
    if (found.length !== 1) throw new Error('find-by-mobile missed');
  }
  const findMs = performance.now() - t1;

  const gets = Math.min(20_000, count);
  const t2 = performance.now();
  for (let i = 0; i < gets; i++) await app.customers.get(actor, ids[(i * 104729) % ids.length] as string);
  const getMs = performance.now() - t2;

  const singles = 5_000;
  const t3 = performance.now();
  for (let i = 0; i < singles; i++)
    await app.kernel.audit.record([
      { actor: actor.id, action: 'bench.single', subjects: [ids[i] as string] },
    ]);
  const singleMs = performance.now() - t3;
  const batched = 100_000;
  const t4 = performance.now();
  for (let i = 0; i < batched; i += 1000) {
    const events = Array.from({ length: 1000 }, (_, j) => ({
      actor: actor.id,
      action: 'bench.batched',
      subjects: [ids[(i + j) % ids.length] as string],
      fields: ['mobile'],
    }));
    await app.kernel.store.transaction((trx) => app.kernel.audit.append(trx, events));
  }
  const batchedMs = performance.now() - t4;

  const t5 = performance.now();
  const verified = await app.kernel.audit.verify();
  const verifyMs = performance.now() - t5;
  if (!verified.ok) throw new Error(`verify failed at ${verified.firstBadSeq}`);
  await app.close();
  await target.cleanup();
  return {
    engine,
    customers: count,
    createPerSec: rate(count, createMs),
    findByMobilePerSec: rate(lookups, findMs),
    getDecryptPerSec: rate(gets, getMs),
    auditAppendPerSec: {
      singleEventTransactions: rate(singles, singleMs),
      batched1000: rate(batched, batchedMs),
    },
    auditVerifyPerSec: rate(verified.events, verifyMs),
    auditEvents: verified.events,
    memory,
  };
}

/** The limits beside the figures: raw better-sqlite3 inserts of pre-encrypted rows, bare AES-GCM. */
export async function benchLimits(
  count: number,
): Promise<{ rawSqliteInsertPerSec: number; bareAesGcm100BPerSec: number }> {
  // Same file settings and key shapes as the vault's SQLite store, without the vault's work.
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('secure_delete = ON');
  db.exec(
    'CREATE TABLE customers (id TEXT PRIMARY KEY, org_id TEXT, kind TEXT, wrapped_dek BLOB, blob_l3 BLOB, blob_l4 BLOB, created_at TEXT)',
  );
  db.exec(
    'CREATE TABLE blind_index (org_id TEXT, field TEXT, hash BLOB, customer_id TEXT, PRIMARY KEY (org_id, field, hash, customer_id)) WITHOUT ROWID',
  );
  const orgId = randomUUID();
  const rows = Array.from({ length: count }, () => ({
    id: randomUUID(),
    dek: randomBytes(65),
    l3: randomBytes(180),
    l4: randomBytes(60),
    hashes: [randomBytes(16), randomBytes(16), randomBytes(16), randomBytes(16), randomBytes(16)],
  }));
  const insC = db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insB = db.prepare('INSERT INTO blind_index VALUES (?, ?, ?, ?)');
  const fields = ['name', 'mobile', 'mobileLast4', 'idNumber', 'email'];
  const t0 = performance.now();
  const tx = db.transaction((chunk: typeof rows) => {
    for (const r of chunk) {
      insC.run(r.id, orgId, 'individual', r.dek, r.l3, r.l4, '2026-01-01T00:00:00Z');
      for (const [k, h] of r.hashes.entries()) insB.run(orgId, fields[k], h, r.id);
    }
  });
  for (let i = 0; i < rows.length; i += BATCH) tx(rows.slice(i, i + BATCH));
  const rawMs = performance.now() - t0;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const key = randomBytes(32);
  const payload = randomBytes(100);
  const n = 200_000;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) {
    const c = createCipheriv('aes-256-gcm', key, randomBytes(12));
    c.update(payload);
    c.final();
    c.getAuthTag();
  }
  const aesMs = performance.now() - t1;
  return { rawSqliteInsertPerSec: rate(count, rawMs), bareAesGcm100BPerSec: rate(n, aesMs) };
}
