import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, initApp, systemActor } from '../../src/app.js';
import type { Actor } from '../../src/kernel/authz/permissions.js';
import type { EngineTarget } from './engines.js';

export interface Org {
  app: App;
  actor: Actor;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A separate organisation (its own data directory, keys and database) for two-party transfer tests. */
export async function newOrg(target: EngineTarget, orgName: string): Promise<Org> {
  const env = await target.fresh();
  const res = await initApp({ dataDir: env.dataDir, dbUrl: env.dbUrl, who: 'test', orgName });
  const actor = systemActor(res.app.kernel, 'test');
  return {
    app: res.app,
    actor,
    dataDir: env.dataDir,
    async cleanup() {
      await res.app.close().catch(() => undefined);
      await env.cleanup();
    },
  };
}

/** Imports each org's identity file into the other (the out-of-band exchange). */
export async function exchangeIdentities(
  seller: Org,
  buyer: Org,
  buyerName: string,
): Promise<{ buyerId: string; sellerId: string }> {
  const b = await buyer.app.transfer.identity.exportIdentity(buyer.actor);
  const s = await seller.app.transfer.identity.exportIdentity(seller.actor);
  const buyerCp = await seller.app.transfer.identity.importCounterparty(seller.actor, b, {
    name: buyerName,
    contact: '400-800-1234 / dpo@acquirer.example.cn',
    uscc: '91350100M000100Y43',
  });
  const sellerCp = await buyer.app.transfer.identity.importCounterparty(buyer.actor, s, { name: 'seller' });
  return { buyerId: buyerCp.id, sellerId: sellerCp.id };
}

export async function countCustomers(org: Org, status?: 'active' | 'erased' | 'restricted'): Promise<number> {
  let q = org.app.kernel.store.db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', org.app.kernel.orgId);
  if (status) q = q.where('status', '=', status);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Decrypts a package with the `age` CLI and the org's exported identity; returns the plaintext lines. */
export async function ageCliDecrypt(org: Org, file: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-age-'));
  try {
    const idFile = join(dir, 'identity.txt');
    writeFileSync(idFile, `${await org.app.transfer.identity.exportSecret(org.actor)}\n`, { mode: 0o600 });
    const out = join(dir, 'plain.jsonl');
    execFileSync('age', ['-d', '-i', idFile, '-o', out, file]);
    return readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
