import type { Actor } from './kernel/authz/permissions.js';
import { AppError } from './kernel/errors/app-error.js';
import {
  type InitOptions,
  initKernel,
  type Kernel,
  type KernelOptions,
  openKernel,
} from './kernel/kernel.js';
import { createTokenService, type TokenService } from './modules/access/token-service.js';
import { type ConsentService, createConsentService } from './modules/consent/consent-service.js';
import { type CustomerService, createCustomerService } from './modules/customers/customer-service.js';
import { createFieldCatalog, type FieldCatalog } from './modules/customers/field-catalog.js';
import { createKeyService, type KeyService } from './modules/keys/key-service.js';

/** The wired application: kernel plus every feature module's service. */
export interface App {
  kernel: Kernel;
  catalog: FieldCatalog;
  consent: ConsentService;
  customers: CustomerService;
  tokens: TokenService;
  keys: KeyService;
  close(): Promise<void>;
}

export function wireApp(kernel: Kernel): App {
  const { store, audit, clock, orgId, keys } = kernel;
  const catalog = createFieldCatalog({ store, audit, clock, orgId });
  const consent = createConsentService({ store, audit, clock, orgId });
  const customers = createCustomerService({
    store,
    keys,
    audit,
    clock,
    orgId,
    catalog,
    consent,
    journalErasure: kernel.journalErasure,
  });
  const tokens = createTokenService({ store, audit, clock, orgId });
  const keyService = createKeyService({ store, keys, audit, clock, orgId, wrapOrgKey: kernel.wrapOrgKey });
  return { kernel, catalog, consent, customers, tokens, keys: keyService, close: () => kernel.close() };
}

/** The actor of the local command line: whoever can read the key file runs the vault. */
export function systemActor(kernel: Kernel, who: string): Actor {
  return { id: `cli:${who}`, kind: 'cli', orgId: kernel.orgId, roles: ['system'] };
}

/** Seeds what a new org starts with; safe to run again after an interrupted init. */
async function seedOrg(app: App): Promise<void> {
  const existing = await app.kernel.store.db
    .selectFrom('field_catalog')
    .select('key')
    .where('org_id', '=', app.kernel.orgId)
    .limit(1)
    .execute();
  if (existing.length > 0) return;
  await app.kernel.store.transaction(async (trx) => {
    await app.catalog.seedDefaults(trx);
    await app.kernel.audit.append(trx, [
      { actor: 'system', action: 'org.init', details: { fields: 'default catalog' } },
    ]);
  });
}

export interface InitResult {
  app: App;
  orgId: string;
  adminToken: { id: string; token: string };
}

export async function initApp(opts: InitOptions & { who: string }): Promise<InitResult> {
  const kernel = await initKernel(opts);
  const app = wireApp(kernel);
  try {
    await seedOrg(app);
    const actor = systemActor(kernel, opts.who);
    const token = await app.tokens.create(actor, {
      name: 'bootstrap admin (init)',
      roles: ['admin', 'dpo', 'manager'],
    });
    return { app, orgId: kernel.orgId, adminToken: { id: token.id, token: token.token } };
  } catch (err) {
    await app.close();
    throw err;
  }
}

export async function openApp(opts: KernelOptions): Promise<App> {
  const kernel = await openKernel(opts);
  const app = wireApp(kernel);
  try {
    await seedOrg(app);
  } catch (err) {
    await app.close();
    throw err instanceof AppError ? err : new AppError('INTERNAL');
  }
  return app;
}
