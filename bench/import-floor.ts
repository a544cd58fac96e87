import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HmacSha256Key, hmacSha256 } from '../src/kernel/crypto/hmac-sha256.js';
import { RandomPool } from '../src/kernel/crypto/random-pool.js';
import { uuidv7 } from '../src/kernel/ids/uuid.js';
import { CUSTOMER_COLUMNS } from '../src/kernel/store/columns.js';
import { deferPublicValueIndex, ensurePublicValueIndex } from '../src/kernel/store/public-value-index.js';
import { openStore, walCheckpointPages } from '../src/kernel/store/store.js';
import { packIndexKeys } from '../src/modules/customers/index-keys.js';
import { publishBatchIndex } from '../src/modules/customers/pending-index.js';

/**
 * The least an import's customer can cost on this machine, in two parts measured apart, so the
 * import's figures can be read against what its design allows:
 *
 * - `storeWrites`: the rows one imported customer adds, written with nothing else going on. The real
 *   schema (the store's migrations), one prepared statement per row, 1,000 customers per transaction,
 *   the import's pragmas; every value is made before the clock starts. Per customer, as a generated
 *   file's customers average: its row (sealed key and blobs of their sizes, five packed index keys),
 *   1.7 public values, a purpose, an audit subject. At the end, the batch's search index built by the import's own `publishBatchIndex`
 *   and the public-value index the import defers.
 * - `sealing`: the cryptography one customer needs through node:crypto, bare: its wrapped key and its
 *   grade blobs as AES-256-GCM seals (3.35 a customer: not every customer has L2 and L4 values), the
 *   grade-key derivations and five blind indexes (HMAC-SHA256), with no JSON, no objects, no copying.
 *
 * Reading, parsing and validating the rows, handing them between threads, matching duplicates and the
 * audit trail come on top; `ceilingRowsPerSec` is what two cores could do if those cost nothing.
 */
export async function importFloor(customers: number) {
  // Sealing first, while the heap is small; the least of three rounds, as a floor is the least it costs.
  const rounds = [0, 1, 2].map(() => sealingFloor(Math.min(customers, 100_000)));
  const sealing = rounds.reduce((a, b) => (b.usPerCustomer < a.usPerCustomer ? b : a));
  const storeWrites = await storeWriteFloor(customers);
  const usPerCustomer = storeWrites.usPerCustomer + sealing.usPerCustomer;
  return {
    storeWrites,
    sealing,
    usPerCustomer: round1(usPerCustomer),
    ceilingRowsPerSec: {
      oneCore: Math.round(1e6 / usPerCustomer),
      twoCores: Math.round(2e6 / usPerCustomer),
    },
  };
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

async function storeWriteFloor(customers: number) {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-floor-'));
  const store = await openStore({ engine: 'sqlite', file: join(dir, 'custodian.db') });
  const raw = store.sqlite;
  if (!raw) throw new Error('the floor is measured on SQLite');
  try {
    raw.pragma(`wal_autocheckpoint = ${walCheckpointPages(raw, 64 * 1024 * 1024)}`);
    raw.pragma('cache_size = -16384');
    await deferPublicValueIndex(store.db, 'sqlite');
    const orgId = uuidv7();
    const batchId = uuidv7();
    const now = new Date().toISOString();
    const fields = ['name', 'mobile', 'mobileLast4', 'idNumber', 'email'];
    // A pool of distinct values, reused round-robin: the point is the bytes written, not their source.
    // Sizes and shares as a generated file's customers have them (measured on a 200k import's store).
    const pool = Array.from({ length: 1024 }, (_, i) => ({
      dek: randomBytes(66),
      l2: i % 4 === 0 ? null : randomBytes(65),
      l3: randomBytes(242),
      l4: i % 5 < 3 ? randomBytes(62) : null,
    }));
    const ids = Array.from({ length: customers }, () => uuidv7());
    const keys = ids.map((id) =>
      packIndexKeys(fields.map((field) => ({ field, hash: randomBytes(16), customer_id: id }))),
    );
    const insertCustomer = raw.prepare(
      `insert into customers (${CUSTOMER_COLUMNS.join(', ')}) values (${CUSTOMER_COLUMNS.map(() => '?').join(', ')})`,
    );
    const insertPublic = raw.prepare(
      'insert into customer_public (org_id, customer_id, field, value) values (?, ?, ?, ?)',
    );
    const insertPurpose = raw.prepare(
      'insert into customer_purposes (org_id, customer_id, purpose_key, added_at) values (?, ?, ?, ?)',
    );
    const insertSubject = raw.prepare(
      'insert into audit_subjects (org_id, customer_id, seq) values (?, ?, ?)',
    );
    const row: Record<string, unknown> = {
      org_id: orgId,
      kind: 'individual',
      status: 'active',
      parent_id: null,
      key_version: 1,
      owner_id: null,
      source: 'import:first.csv',
      batch_id: batchId,
      flags: '[]',
      created_at: now,
      updated_at: now,
      erased_at: null,
    };
    const writeChunk = raw.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const id = ids[i] as string;
        const v = pool[i % pool.length] as (typeof pool)[number];
        row.id = id;
        row.wrapped_dek = v.dek;
        row.blob_l2 = v.l2;
        row.blob_l3 = v.l3;
        row.blob_l4 = v.l4;
        row.index_keys = keys[i];
        insertCustomer.run(...CUSTOMER_COLUMNS.map((c) => row[c] ?? null));
        // 1.7 public values a customer, as generated files have.
        if (i % 4 !== 0) insertPublic.run(orgId, id, 'region', '"安徽省合肥市"');
        if (i % 5 < 2) {
          insertPublic.run(orgId, id, 'companyName', '"合肥市包河区某某有限公司"');
          insertPublic.run(orgId, id, 'uscc', '"91340100MA2N0XYZ1A"');
        }
        if (i % 7 === 0) insertPublic.run(orgId, id, 'industry', '"制造业"');
        insertPurpose.run(orgId, id, 'sales', now);
        insertSubject.run(orgId, id, 1 + Math.floor(i / 1000));
      }
    });
    const t0 = performance.now();
    for (let at = 0; at < customers; at += 1000) writeChunk(at, Math.min(customers, at + 1000));
    const t1 = performance.now();
    const indexed = await store.bulkTransaction((trx) =>
      publishBatchIndex('sqlite', raw, trx, orgId, batchId),
    );
    await ensurePublicValueIndex(store.db, 'sqlite');
    const t2 = performance.now();
    if (indexed !== customers * fields.length) throw new Error(`the floor indexed ${indexed} keys`);
    const usPerCustomer = ((t2 - t0) * 1000) / customers;
    return {
      customers,
      rowsSeconds: round1((t1 - t0) / 1000),
      indexSeconds: round1((t2 - t1) / 1000),
      usPerCustomer: round1(usPerCustomer),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function sealingFloor(customers: number) {
  const orgKey = randomBytes(32);
  const deks = Array.from({ length: 1024 }, () => randomBytes(32));
  // Plaintext sizes and shares as a generated file's customers have them (ciphertext = plaintext + 29).
  const plain = { dek: randomBytes(32), l2: randomBytes(36), l3: randomBytes(213), l4: randomBytes(33) };
  const aad = Buffer.from(
    'custodian/blob/v1|01a23700-0000-7000-8000-000000000000|01a23700-0000-7000-8000-000000000001|L3',
  );
  const pool = new RandomPool();
  // Blind indexes use one prepared key per field, as the key ring does.
  const fieldKey = new HmacSha256Key(randomBytes(32));
  const values = ['张三', '13812345678', '5678', '110101199003077777', 'zhang@example.com'];
  const sealOnce = (key: Buffer, data: Buffer): void => {
    const cipher = createCipheriv('aes-256-gcm', key, pool.take(12));
    cipher.setAAD(aad);
    cipher.update(data);
    cipher.final();
    cipher.getAuthTag();
  };
  const t0 = performance.now();
  for (let i = 0; i < customers; i++) {
    const dek = deks[i % deks.length] as Buffer;
    sealOnce(orgKey, plain.dek);
    if (i % 4 !== 0) sealOnce(hmacSha256(dek, 'L2'), plain.l2);
    sealOnce(hmacSha256(dek, 'L3'), plain.l3);
    if (i % 5 < 3) sealOnce(hmacSha256(dek, 'L4'), plain.l4);
    for (const value of values) fieldKey.digest(value);
  }
  const usPerCustomer = ((performance.now() - t0) * 1000) / customers;
  return { customers, usPerCustomer: round1(usPerCustomer) };
}
