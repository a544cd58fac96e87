import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import {
  type Actor,
  ASSIGNABLE_BUILT_IN_ROLES,
  assertCan,
  BUILT_IN_ROLES,
  BUILT_IN_SCOPES,
  type DataScopeKind,
  dutiesOf,
  GRADED_ACTIONS,
  type Grant,
  RESOURCES,
  type RoleDef,
} from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { Db, Store, Trx } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { RoleInfo } from './access-types.js';

export interface RoleDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
}

const GRADES = ['L1', 'L2', 'L3', 'L4'];
const ROLE_KEY = /^[a-z][a-z0-9-]{1,31}$/;

/** Checks a grant against the typed permission map; returns a clean copy. */
export function validateGrant(raw: unknown): Grant {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new AppError('ROLE_INVALID', { detail: 'grants must be an object resource -> action -> grade' });
  const out: Record<string, Record<string, string | true>> = {};
  for (const [resource, actions] of Object.entries(raw as Record<string, unknown>)) {
    const known = (RESOURCES as Record<string, readonly string[]>)[resource];
    if (!known) throw new AppError('ROLE_INVALID', { detail: `unknown resource ${resource}` });
    if (!actions || typeof actions !== 'object' || Array.isArray(actions))
      throw new AppError('ROLE_INVALID', { detail: `${resource} needs an object of actions` });
    for (const [action, value] of Object.entries(actions as Record<string, unknown>)) {
      if (!known.includes(action))
        throw new AppError('ROLE_INVALID', { detail: `unknown action ${resource}.${action}` });
      const graded = GRADED_ACTIONS.includes(`${resource}.${action}` as never);
      if (graded ? !GRADES.includes(value as string) : value !== true)
        throw new AppError('ROLE_INVALID', {
          detail: `${resource}.${action} takes ${graded ? 'a grade L1..L4' : 'true'}`,
        });
      out[resource] ??= {};
      (out[resource] as Record<string, string | true>)[action] = value as string | true;
    }
  }
  if (Object.keys(out).length === 0)
    throw new AppError('ROLE_INVALID', { detail: 'the role grants nothing' });
  return out as Grant;
}

export type RoleService = ReturnType<typeof createRoleService>;

/** Roles as data: the built-in ones of permissions.ts and the org's custom roles. */
export function createRoleService(deps: RoleDeps) {
  const { store, audit, clock, orgId } = deps;

  /** The org's custom roles, keyed by role key. */
  async function customRoles(db: Db | Trx = store.db): Promise<Record<string, RoleDef & { name: string }>> {
    const rows = await db.selectFrom('roles').selectAll().where('org_id', '=', orgId).execute();
    return Object.fromEntries(
      rows.map((r) => [r.key, { grants: JSON.parse(r.grants) as Grant, scope: r.scope, name: r.name }]),
    );
  }

  /** The custom roles among `roles`, for an actor being authenticated. */
  async function resolve(roles: readonly string[]): Promise<Record<string, RoleDef> | undefined> {
    if (roles.every((r) => BUILT_IN_ROLES[r])) return undefined;
    const all = await customRoles();
    return Object.fromEntries(roles.filter((r) => all[r]).map((r) => [r, all[r] as RoleDef]));
  }

  /**
   * Roles a person (or token) may be given: known, not `system`, and carrying one duty only
   * (GB/T 35273 §7.1: an admin is not also an operator or the auditor).
   */
  async function assertAssignable(db: Db | Trx, roles: readonly string[], forPerson: boolean): Promise<void> {
    if (roles.length === 0) throw new AppError('VALIDATION_FAILED', { detail: 'at least one role' });
    const custom = await customRoles(db);
    const duties = new Set<string>();
    for (const role of roles) {
      const grant = (ASSIGNABLE_BUILT_IN_ROLES as readonly string[]).includes(role)
        ? BUILT_IN_ROLES[role]
        : custom[role]?.grants;
      if (!grant) throw new AppError('ROLE_UNKNOWN', { role });
      for (const d of dutiesOf(grant)) duties.add(d);
    }
    if (forPerson && duties.size > 1)
      throw new AppError('ROLES_INCOMPATIBLE', { roles: roles.join(', ') }, { duties: [...duties].sort() });
  }

  async function list(actor: Actor): Promise<RoleInfo[]> {
    assertCan(actor, 'role', 'read');
    const custom = await customRoles();
    const builtIn = ASSIGNABLE_BUILT_IN_ROLES.map((key) => {
      const grants = BUILT_IN_ROLES[key] as Grant;
      return {
        key,
        name: key,
        builtIn: true,
        scope: BUILT_IN_SCOPES[key] as DataScopeKind,
        grants,
        duties: [...dutiesOf(grants)],
      };
    });
    return [
      ...builtIn,
      ...Object.entries(custom).map(([key, r]) => ({
        key,
        name: r.name,
        builtIn: false,
        scope: r.scope,
        grants: r.grants,
        duties: [...dutiesOf(r.grants)],
      })),
    ];
  }

  async function add(
    actor: Actor,
    input: { key: string; name: string; grants: unknown; scope?: DataScopeKind | undefined },
  ): Promise<RoleInfo> {
    assertCan(actor, 'role', 'manage');
    const key = String(input.key ?? '').trim();
    if (!ROLE_KEY.test(key))
      throw new AppError('ROLE_INVALID', { detail: 'key: 2-32 of a-z, 0-9, - starting with a letter' });
    if (BUILT_IN_ROLES[key]) throw new AppError('ROLE_EXISTS', { role: key });
    const name = String(input.name ?? '').trim();
    if (!name || name.length > 100) throw new AppError('ROLE_INVALID', { detail: 'name: 1-100 characters' });
    const scope = input.scope ?? 'own';
    if (!['own', 'team', 'all'].includes(scope))
      throw new AppError('ROLE_INVALID', { detail: 'scope: own | team | all' });
    const grants = validateGrant(input.grants);
    const duties = dutiesOf(grants);
    if (duties.size > 1)
      throw new AppError('ROLES_INCOMPATIBLE', { roles: key }, { duties: [...duties].sort() });
    await store.transaction(async (trx) => {
      const exists = await trx
        .selectFrom('roles')
        .select('key')
        .where('org_id', '=', orgId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (exists) throw new AppError('ROLE_EXISTS', { role: key });
      await trx
        .insertInto('roles')
        .values({
          org_id: orgId,
          key,
          name,
          grants: JSON.stringify(grants),
          scope,
          created_by: actor.id,
          created_at: clock.now().toISOString(),
        })
        .execute();
      await audit.append(trx, [
        { actor: actor.id, action: 'role.create', details: { role: key, grants, scope } },
      ]);
    });
    return { key, name, builtIn: false, scope, grants, duties: [...duties] };
  }

  return { list, add, resolve, customRoles, assertAssignable };
}
