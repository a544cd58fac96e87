import { type App, initApp, systemActor } from '../../src/app.js';
import type { Actor } from '../../src/kernel/authz/permissions.js';
import type { Logger } from '../../src/kernel/log/logger.js';
import type { EngineTarget } from './engines.js';

export interface AppFixture {
  app: App;
  actor: Actor;
  dataDir: string;
  dbUrl: string | undefined;
  adminToken: string;
  cleanup(): Promise<void>;
}

/** A freshly initialised org on the given engine, with a `sales` (consent) and `contract` purpose. */
export async function freshApp(
  target: EngineTarget,
  opts: { logger?: Logger; checkpointEvery?: number } = {},
): Promise<AppFixture> {
  const env = await target.fresh();
  const res = await initApp({
    dataDir: env.dataDir,
    dbUrl: env.dbUrl,
    who: 'test',
    logger: opts.logger,
    checkpointEvery: opts.checkpointEvery,
  });
  const actor = systemActor(res.app.kernel, 'test');
  await addStandardPurposes(res.app, actor);
  return {
    app: res.app,
    actor,
    dataDir: env.dataDir,
    dbUrl: env.dbUrl,
    adminToken: res.adminToken.token,
    async cleanup() {
      await res.app.close().catch(() => undefined);
      await env.cleanup();
    },
  };
}

/** The purposes most tests use: `sales` (consent-based) and `contract`. */
export async function addStandardPurposes(app: App, actor: Actor): Promise<void> {
  await app.consent.addPurpose(actor, { key: 'sales', name: '销售服务', basis: 'consent', retention: '3y' });
  await app.consent.addPurpose(actor, {
    key: 'contract',
    name: '合同履行',
    basis: 'contract',
    retention: '5y',
  });
}

/** Known personal data used across tests; each must never appear in clear anywhere. */
export const SEEDED = [
  {
    name: '欧阳明辉',
    mobile: '13912345678',
    idNumber: '11010519491231002X',
    email: 'ouyang.minghui@example.cn',
  },
  {
    name: '司马静怡',
    mobile: '18698765432',
    idNumber: '440524188001010014',
    email: 'sima.jingyi@example.cn',
  },
] as const;
