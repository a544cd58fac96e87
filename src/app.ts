import type { Actor } from './kernel/authz/permissions.js';
import { AppError } from './kernel/errors/app-error.js';
import {
  type InitOptions,
  initKernel,
  type Kernel,
  type KernelOptions,
  openKernel,
} from './kernel/kernel.js';
import { type AccessReviewService, createAccessReview } from './modules/access/access-review.js';
import { type ApprovalService, createApprovalService } from './modules/access/approval-service.js';
import { type AuthService, createAuthService } from './modules/access/auth-service.js';
import { createRoleService, type RoleService } from './modules/access/role-service.js';
import { createShareService, type ShareService } from './modules/access/share-service.js';
import { createTokenService, type TokenService } from './modules/access/token-service.js';
import { createUserService, type UserService } from './modules/access/user-service.js';
import { type ConsentService, createConsentService } from './modules/consent/consent-service.js';
import { type CustomerService, createCustomerService } from './modules/customers/customer-service.js';
import { createFieldCatalog, type FieldCatalog } from './modules/customers/field-catalog.js';
import { createSearchReindex, type SearchReindex } from './modules/customers/search-reindex.js';
import { createExportService, type ExportService } from './modules/export/export-service.js';
import { createIngestService, type IngestService } from './modules/ingest/ingest-service.js';
import { createKeyService, type KeyService } from './modules/keys/key-service.js';
import { type NoticesModule, wireNotices } from './modules/notices/index.js';
import { noticeConfigFromEnv } from './modules/notices/notice-config.js';
import { createTransferModule, type TransferModule } from './modules/transfer/index.js';
import { transferPermissions } from './modules/transfer/transfer-policy.js';

/** The wired application: kernel plus every feature module's service. */
export interface App {
  kernel: Kernel;
  catalog: FieldCatalog;
  consent: ConsentService;
  customers: CustomerService;
  tokens: TokenService;
  roles: RoleService;
  users: UserService;
  auth: AuthService;
  approvals: ApprovalService;
  shares: ShareService;
  accessReview: AccessReviewService;
  keys: KeyService;
  /** Rebuilds the search index from the customers' values (`custodian keys reindex`). */
  searchIndex: SearchReindex;
  ingest: IngestService;
  exports: ExportService;
  notices: NoticesModule;
  transfer: TransferModule;
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
  const roles = createRoleService({ store, audit, clock, orgId });
  const tokens = createTokenService({ store, audit, clock, orgId, roles });
  const users = createUserService({ store, keys, audit, clock, orgId, roles });
  // Module-declared grants (transfers) join the kernel's map in GET /auth/me.
  const auth = createAuthService({
    store,
    audit,
    clock,
    orgId,
    users,
    roles,
    extraPermissions: transferPermissions,
  });
  const approvals = createApprovalService({
    store,
    audit,
    clock,
    orgId,
    rowThreshold: Number(process.env.CUSTODIAN_EXPORT_APPROVAL_ROWS) || 500,
  });
  const shares = createShareService({ store, audit, clock, orgId });
  const accessReview = createAccessReview({ store, audit, clock, orgId, roles });
  const keyService = createKeyService({ store, keys, audit, clock, orgId, wrapOrgKey: kernel.wrapOrgKey });
  const searchIndex = createSearchReindex({ store, keys, audit, orgId, catalog });
  const ingest = createIngestService({ store, keys, audit, clock, orgId, catalog, consent });
  const exports = createExportService({ store, keys, audit, clock, orgId, catalog, consent, approvals });
  const notices = wireNotices({
    store,
    audit,
    clock,
    orgId,
    keys,
    logger: kernel.logger,
    consent,
    config: noticeConfigFromEnv(process.env),
  });
  // The transfer module reads customers' answers through a port; see src/modules/transfer/README.md.
  const transfer = createTransferModule({
    store,
    keys,
    audit,
    clock,
    orgId,
    orgName: kernel.config.orgName,
    catalog,
    customers,
    journalErasure: (entry) => kernel.journalErasure(entry),
    answers: notices.transferAnswers,
    campaigns: notices.service,
  });
  return {
    kernel,
    catalog,
    consent,
    customers,
    tokens,
    roles,
    users,
    auth,
    approvals,
    shares,
    accessReview,
    keys: keyService,
    searchIndex,
    ingest,
    exports,
    notices,
    transfer,
    close: () => {
      notices.close();
      return kernel.close();
    },
  };
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
  /** The first console user `admin`, forced to change its password at first sign-in. */
  adminUser: { id: string; username: string; password: string; generated: boolean };
}

export async function initApp(
  opts: InitOptions & { who: string; adminPassword?: string | undefined },
): Promise<InitResult> {
  const kernel = await initKernel(opts);
  const app = wireApp(kernel);
  try {
    await seedOrg(app);
    const actor = systemActor(kernel, opts.who);
    const token = await app.tokens.create(actor, {
      name: 'bootstrap admin (init)',
      roles: ['admin', 'dpo', 'manager'],
    });
    // CUSTODIAN_ADMIN_PASSWORD sets the first password; otherwise a one-time one is generated.
    const given = opts.adminPassword ?? process.env.CUSTODIAN_ADMIN_PASSWORD;
    const admin = await app.users.create(
      actor,
      { username: 'admin', displayName: '系统管理员', roles: ['admin'] },
      { password: given || undefined },
    );
    return {
      app,
      orgId: kernel.orgId,
      adminToken: { id: token.id, token: token.token },
      adminUser: {
        id: admin.user.id,
        username: admin.user.username,
        password: admin.oneTimePassword,
        generated: !given,
      },
    };
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
