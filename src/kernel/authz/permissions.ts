import type { Grade } from '../crypto/key-ring.js';
import { AppError } from '../errors/app-error.js';

/** Which customers an actor's roles reach (负责人 scope): its own (and shared), its team's, or all. */
export type DataScopeKind = 'own' | 'team' | 'all';

/** A role as data: a grant over the typed permission map plus the customer scope it reaches. */
export interface RoleDef {
  grants: Grant;
  scope: DataScopeKind;
}

/** Who is acting. One value travels through every service call (CONVENTIONS: permissions as data). */
export interface Actor {
  /** `cli:<os user>`, `token:<id>`, `user:<id>`: what the audit trail records. */
  id: string;
  kind: 'cli' | 'token' | 'user' | 'system';
  orgId: string;
  roles: readonly string[];
  /** The signed-in user's id (kind `user`); owner of the customers it creates. */
  userId?: string | undefined;
  /** The user's team (managers see their team's customers). */
  team?: string | null | undefined;
  /** Custom roles of the org this actor holds, resolved when it authenticated. */
  customRoles?: Readonly<Record<string, RoleDef>> | undefined;
}

/** Resources and their actions. A grade on an action is the highest grade that action reaches. */
export const RESOURCES = {
  customer: ['read', 'create', 'update', 'reveal', 'erase', 'export'],
  catalog: ['read', 'manage'],
  purpose: ['read', 'manage'],
  consent: ['read', 'record'],
  audit: ['read', 'verify', 'checkpoint'],
  keys: ['read', 'rotate'],
  token: ['manage'],
  import: ['run', 'read'],
  user: ['read', 'manage'],
  role: ['read', 'manage'],
  approval: ['read', 'decide'],
  report: ['read'],
  transfer: ['read', 'manage', 'package', 'receive', 'complete'],
  /**
   * Notices to customers (PIPL Art. 22/23): `read` campaigns, tallies, the 公告 and short codes; `send`
   * deliveries (and print letters); `record` an answer taken by phone, letter or in person; `manage`
   * campaigns (create) and the suppression list.
   */
  notice: ['read', 'send', 'record', 'manage'],
} as const;

export type Resource = keyof typeof RESOURCES;
export type Action<R extends Resource> = (typeof RESOURCES)[R][number];

export type Grant = { [R in Resource]?: { [A in Action<R>]?: Grade | true } };

/** Actions whose grant is a grade (how far into the data they reach); the others are yes/no. */
export const GRADED_ACTIONS: ReadonlyArray<`${Resource}.${string}`> = [
  'customer.read',
  'customer.reveal',
  'customer.export',
];

/**
 * Built-in roles (GB/T 35273 §7.1: administration, operation and audit kept apart). `admin` runs the
 * system and its users but sees no personal data; `auditor` reads the trail and reports and nothing
 * else; `dpo` (个人信息保护负责人) oversees processing and approves sensitive exports.
 */
export const BUILT_IN_ROLES: Record<string, Grant> = {
  system: {
    customer: { read: 'L4', create: true, update: true, reveal: 'L4', erase: true, export: 'L4' },
    catalog: { read: true, manage: true },
    purpose: { read: true, manage: true },
    consent: { read: true, record: true },
    audit: { read: true, verify: true, checkpoint: true },
    keys: { read: true, rotate: true },
    token: { manage: true },
    import: { run: true, read: true },
    user: { read: true, manage: true },
    role: { read: true, manage: true },
    approval: { read: true, decide: true },
    report: { read: true },
    notice: { read: true, send: true, record: true, manage: true },
  },
  admin: {
    catalog: { read: true, manage: true },
    purpose: { read: true, manage: true },
    audit: { verify: true },
    keys: { read: true, rotate: true },
    token: { manage: true },
    user: { read: true, manage: true },
    role: { read: true, manage: true },
    approval: { read: true, decide: true },
  },
  dpo: {
    customer: { read: 'L2', reveal: 'L4', erase: true, export: 'L4' },
    catalog: { read: true },
    purpose: { read: true, manage: true },
    consent: { read: true, record: true },
    audit: { read: true, verify: true, checkpoint: true },
    import: { read: true },
    role: { read: true },
    approval: { read: true, decide: true },
    report: { read: true },
    // The DPO runs a transfer's notices: campaigns, sending, the suppression list, answers.
    notice: { read: true, send: true, record: true, manage: true },
  },
  // Staff who talk to customers take their answers by phone, letter or in person (within their scope).
  manager: {
    customer: { read: 'L2', create: true, update: true, reveal: 'L3', export: 'L3' },
    catalog: { read: true },
    purpose: { read: true },
    consent: { read: true, record: true },
    import: { run: true, read: true },
    notice: { read: true, record: true },
  },
  sales: {
    customer: { read: 'L2', create: true, update: true, reveal: 'L3' },
    catalog: { read: true },
    purpose: { read: true },
    consent: { read: true, record: true },
    notice: { read: true, record: true },
  },
  service: {
    customer: { read: 'L2', update: true, reveal: 'L3' },
    catalog: { read: true },
    purpose: { read: true },
    consent: { read: true, record: true },
    notice: { read: true, record: true },
  },
  // Oversight of the transfer it can read: campaign facts and tallies, no addresses, no answers taken.
  auditor: {
    catalog: { read: true },
    purpose: { read: true },
    audit: { read: true, verify: true },
    role: { read: true },
    report: { read: true },
    notice: { read: true },
  },
};

/** Customer scope of each built-in role (dpo and service see all; service sees it masked). */
export const BUILT_IN_SCOPES: Record<string, DataScopeKind> = {
  system: 'all',
  admin: 'own',
  dpo: 'all',
  manager: 'team',
  sales: 'own',
  service: 'all',
  auditor: 'own',
};

/** Roles people may be given (`system` is the local command line's own). */
export const ASSIGNABLE_BUILT_IN_ROLES = ['admin', 'dpo', 'manager', 'sales', 'service', 'auditor'] as const;

const GRADE_ORDER: Record<Grade, number> = { L1: 1, L2: 2, L3: 3, L4: 4 };
const SCOPE_ORDER: Record<DataScopeKind, number> = { own: 1, team: 2, all: 3 };

function roleGrant(actor: Actor, role: string): Grant | undefined {
  return BUILT_IN_ROLES[role] ?? actor.customRoles?.[role]?.grants;
}

/** The highest grade (or true) any of the actor's roles grants for resource/action, or null. */
export function grantFor<R extends Resource>(
  actor: Actor,
  resource: R,
  action: Action<R>,
): Grade | true | null {
  let best: Grade | null = null;
  for (const role of actor.roles) {
    const grant = (roleGrant(actor, role)?.[resource] as Record<string, Grade | true> | undefined)?.[action];
    if (grant === undefined) continue;
    if (grant === true) return true;
    if (best === null || GRADE_ORDER[grant] > GRADE_ORDER[best]) best = grant;
  }
  return best;
}

export function can<R extends Resource>(
  actor: Actor,
  resource: R,
  action: Action<R>,
  grade?: Grade,
): boolean {
  const grant = grantFor(actor, resource, action);
  if (grant === null) return false;
  if (grant === true || grade === undefined) return true;
  return GRADE_ORDER[grade] <= GRADE_ORDER[grant];
}

/** Throws FORBIDDEN unless the actor may do resource/action (up to `grade` when given). */
export function assertCan<R extends Resource>(
  actor: Actor,
  resource: R,
  action: Action<R>,
  grade?: Grade,
): void {
  if (!can(actor, resource, action, grade)) {
    throw new AppError('FORBIDDEN', { detail: `${resource}.${action}${grade ? ` (${grade})` : ''}` });
  }
}

export function gradeAtMost(grade: Grade, max: Grade): boolean {
  return GRADE_ORDER[grade] <= GRADE_ORDER[max];
}

/**
 * The widest customer scope among the actor's roles that may read customers. The command line and
 * API tokens not bound to a person act org-wide: a token is an integration credential its issuer
 * narrows by roles.
 */
export function scopeKindOf(actor: Actor): DataScopeKind | null {
  if (!can(actor, 'customer', 'read')) return null;
  if (actor.kind !== 'user') return 'all';
  let best: DataScopeKind = 'own';
  for (const role of actor.roles) {
    const grant = roleGrant(actor, role);
    if (!grant?.customer?.read) continue;
    const scope = BUILT_IN_SCOPES[role] ?? actor.customRoles?.[role]?.scope ?? 'own';
    if (SCOPE_ORDER[scope] > SCOPE_ORDER[best]) best = scope;
  }
  return best;
}

/** resource -> action -> grade (or true): what the actor may do, for the console to shape itself. */
export function permissionMap(actor: Actor): Record<string, Record<string, Grade | true>> {
  const out: Record<string, Record<string, Grade | true>> = {};
  for (const [resource, actions] of Object.entries(RESOURCES) as Array<[Resource, readonly string[]]>) {
    for (const action of actions) {
      const g = grantFor(actor, resource, action as never);
      if (g === null) continue;
      out[resource] ??= {};
      (out[resource] as Record<string, Grade | true>)[action] = g;
    }
  }
  return out;
}

/** Duties kept apart (GB/T 35273 §7.1): system administration, operation on personal data, audit. */
export type Duty = 'administration' | 'operation' | 'audit';

/** The duties a grant carries; a role (and a person's set of roles) may carry only one. */
export function dutiesOf(grant: Grant): Set<Duty> {
  const duties = new Set<Duty>();
  if (grant.user?.manage || grant.role?.manage || grant.token?.manage || grant.keys?.rotate)
    duties.add('administration');
  if (grant.customer && Object.keys(grant.customer).length > 0) duties.add('operation');
  if (grant.consent?.record || grant.import?.run) duties.add('operation');
  // Sending decrypts addresses; answers and opt-outs change a customer's consent and contact.
  if (grant.notice?.send || grant.notice?.record || grant.notice?.manage) duties.add('operation');
  if (duties.size === 0 && (grant.audit?.read || grant.report?.read)) duties.add('audit');
  return duties;
}
