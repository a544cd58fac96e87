import type { Grade } from '../crypto/key-ring.js';
import { AppError } from '../errors/app-error.js';

/** Who is acting. One value travels through every service call (CONVENTIONS: permissions as data). */
export interface Actor {
  /** `cli:<os user>`, `token:<id>`, `user:<id>`: what the audit trail records. */
  id: string;
  kind: 'cli' | 'token' | 'user' | 'system';
  orgId: string;
  roles: readonly string[];
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
} as const;

export type Resource = keyof typeof RESOURCES;
export type Action<R extends Resource> = (typeof RESOURCES)[R][number];

type Grant = { [R in Resource]?: { [A in Action<R>]?: Grade | true } };

/**
 * Built-in roles (GB/T 35273 §7.1: administration, operation and audit kept apart). `admin` runs the
 * system but sees no personal data; `auditor` reads the trail and nothing else.
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
  },
  admin: {
    catalog: { read: true, manage: true },
    purpose: { read: true, manage: true },
    audit: { verify: true },
    keys: { read: true, rotate: true },
    token: { manage: true },
  },
  dpo: {
    customer: { read: 'L2', reveal: 'L4', erase: true, export: 'L4' },
    catalog: { read: true },
    purpose: { read: true, manage: true },
    consent: { read: true, record: true },
    audit: { read: true, verify: true, checkpoint: true },
    import: { read: true },
  },
  manager: {
    customer: { read: 'L2', create: true, update: true, reveal: 'L3', export: 'L3' },
    catalog: { read: true },
    purpose: { read: true },
    consent: { read: true, record: true },
    import: { run: true, read: true },
  },
  sales: {
    customer: { read: 'L2', create: true, update: true, reveal: 'L3' },
    catalog: { read: true },
    purpose: { read: true },
    consent: { read: true, record: true },
  },
  service: {
    customer: { read: 'L2', update: true, reveal: 'L3' },
    catalog: { read: true },
    purpose: { read: true },
    consent: { read: true, record: true },
  },
  auditor: {
    catalog: { read: true },
    purpose: { read: true },
    audit: { read: true, verify: true },
  },
};

const GRADE_ORDER: Record<Grade, number> = { L1: 1, L2: 2, L3: 3, L4: 4 };

/** The highest grade (or true) any of the actor's roles grants for resource/action, or null. */
export function grantFor<R extends Resource>(
  actor: Actor,
  resource: R,
  action: Action<R>,
): Grade | true | null {
  let best: Grade | null = null;
  for (const role of actor.roles) {
    const grant = (BUILT_IN_ROLES[role]?.[resource] as Record<string, Grade | true> | undefined)?.[action];
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
