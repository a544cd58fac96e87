import { createHash, randomBytes } from 'node:crypto';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { type Actor, permissionMap } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { UsersTable } from '../../kernel/store/schema.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { SessionUser } from './access-types.js';
import { dummyHash, verifyPassword } from './password.js';
import type { RoleService } from './role-service.js';
import { TOTP_REQUIRED_ROLES, type UserService } from './user-service.js';

/** Session and lockout policy; tests shorten nothing, they move the clock. */
export interface AuthPolicy {
  idleMs: number;
  absoluteMs: number;
  /** Failed attempts that lock the account. */
  lockAfter: number;
  /** First lock; each further lock (without a successful sign-in between) doubles it. */
  lockBaseMs: number;
  lockMaxMs: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3600_000,
  lockAfter: 5,
  lockBaseMs: 15 * 60_000,
  lockMaxMs: 24 * 3600_000,
};

export interface AuthDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
  users: Pick<UserService, 'checkTotp'>;
  roles: Pick<RoleService, 'resolve'>;
  policy?: Partial<AuthPolicy>;
  /** Grants feature modules declare outside the kernel's map (e.g. transfers), merged into `me`. */
  extraPermissions?: (actor: Actor) => Record<string, Record<string, true>>;
}

/** What a valid session cookie stands for; `pending` limits it to the sign-in chores. */
export interface SessionAuth {
  actor: Actor;
  sessionHash: string;
  csrfToken: string;
  pending: 'password' | 'totp' | null;
}

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

function sessionUser(r: UsersTable): SessionUser {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: JSON.parse(r.roles) as string[],
    mustChangePassword: r.must_change_password === 1,
    totpEnrolled: r.totp_enabled === 1,
  };
}

function needsTotpEnrolment(r: Pick<UsersTable, 'roles' | 'totp_enabled'>): boolean {
  const roles = JSON.parse(r.roles) as string[];
  return r.totp_enabled !== 1 && roles.some((x) => TOTP_REQUIRED_ROLES.includes(x));
}

export type AuthService = ReturnType<typeof createAuthService>;

/** Sign-in, sessions and sign-out. Every refusal says only "wrong username or password". */
export function createAuthService(deps: AuthDeps) {
  const { store, audit, clock, orgId } = deps;
  const policy = { ...DEFAULT_AUTH_POLICY, ...deps.policy };

  async function refuse(
    r: UsersTable | undefined,
    reason: string,
    code: 'LOGIN_FAILED' | 'TOTP_INVALID',
    count: boolean,
  ): Promise<never> {
    const now = clock.now();
    await store.transaction(async (trx) => {
      const events = [
        {
          actor: r ? `user:${r.id}` : 'anonymous',
          action: 'auth.login',
          outcome: 'denied' as const,
          details: { reason },
        },
      ];
      if (r && count) {
        const fresh = await trx
          .selectFrom('users')
          .select(['failed_attempts', 'lockouts'])
          .where('id', '=', r.id)
          .executeTakeFirstOrThrow();
        const failed = fresh.failed_attempts + 1;
        if (failed >= policy.lockAfter) {
          const ms = Math.min(policy.lockBaseMs * 2 ** fresh.lockouts, policy.lockMaxMs);
          const until = new Date(now.getTime() + ms).toISOString();
          await trx
            .updateTable('users')
            .set({ failed_attempts: 0, lockouts: fresh.lockouts + 1, locked_until: until })
            .where('id', '=', r.id)
            .execute();
          events.push({
            actor: `user:${r.id}`,
            action: 'auth.lockout',
            outcome: 'denied',
            details: { reason: 'failed-attempts', until, minutes: ms / 60_000 } as never,
          });
        } else {
          await trx.updateTable('users').set({ failed_attempts: failed }).where('id', '=', r.id).execute();
        }
      }
      await audit.append(trx, events);
    });
    throw new AppError(code);
  }

  /**
   * Checks username, password and (when enrolled) the TOTP code, then opens a new session: a fresh
   * 256-bit id at every sign-in (no fixation), stored as SHA-256 only. `previousSessionId` (the cookie
   * the request came with) is ended.
   */
  async function login(
    input: { username: string; password: string; totp?: string | undefined },
    previousSessionId?: string,
  ): Promise<{ sessionId: string; csrfToken: string; user: SessionUser; mustEnrolTotp: boolean }> {
    const username = String(input.username ?? '')
      .normalize('NFKC')
      .trim()
      .toLowerCase();
    const password = String(input.password ?? '');
    const r = username
      ? await store.db
          .selectFrom('users')
          .selectAll()
          .where('org_id', '=', orgId)
          .where('username', '=', username)
          .executeTakeFirst()
      : undefined;
    const ok = await verifyPassword(password, r?.password_hash ?? (await dummyHash()));
    const now = clock.now();
    if (!r) return refuse(undefined, 'unknown-user', 'LOGIN_FAILED', false);
    if (r.locked_until && r.locked_until > now.toISOString())
      return refuse(r, 'locked', 'LOGIN_FAILED', false);
    if (r.status !== 'active') return refuse(r, 'disabled', 'LOGIN_FAILED', false);
    if (!ok) return refuse(r, 'password', 'LOGIN_FAILED', true);
    let step: number | null = r.totp_last_step;
    if (r.totp_enabled === 1) {
      if (!input.totp) throw new AppError('TOTP_REQUIRED', {}, { needsTotp: true });
      step = deps.users.checkTotp(r, input.totp);
      if (step === null) return refuse(r, 'totp', 'TOTP_INVALID', true);
    }
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const at = now.toISOString();
    await store.transaction(async (trx) => {
      if (previousSessionId)
        await trx.deleteFrom('sessions').where('id_hash', '=', hashSessionId(previousSessionId)).execute();
      await trx
        .updateTable('users')
        .set({ failed_attempts: 0, lockouts: 0, locked_until: null, last_login_at: at, totp_last_step: step })
        .where('id', '=', r.id)
        .execute();
      await trx
        .insertInto('sessions')
        .values({
          id_hash: hashSessionId(sessionId),
          org_id: orgId,
          user_id: r.id,
          csrf_token: csrfToken,
          created_at: at,
          last_seen_at: at,
          ip_hash: null,
        })
        .execute();
      await audit.append(trx, [
        { actor: `user:${r.id}`, action: 'auth.login', details: { totp: r.totp_enabled === 1 } },
      ]);
    });
    return {
      sessionId,
      csrfToken,
      user: { ...sessionUser(r), totpEnrolled: r.totp_enabled === 1 },
      mustEnrolTotp: needsTotpEnrolment(r),
    };
  }

  /** The actor behind a session cookie, or null (unknown, idle past 30 min, older than 12 h, disabled). */
  async function authenticateSession(sessionId: string): Promise<SessionAuth | null> {
    if (!sessionId || sessionId.length > 100) return null;
    const idHash = hashSessionId(sessionId);
    const s = await store.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select([
        's.csrf_token',
        's.created_at',
        's.last_seen_at',
        'u.id',
        'u.roles',
        'u.team',
        'u.status',
        'u.must_change_password',
        'u.totp_enabled',
      ])
      .where('s.id_hash', '=', idHash)
      .where('s.org_id', '=', orgId)
      .where('u.org_id', '=', orgId)
      .executeTakeFirst();
    if (!s) return null;
    const now = clock.now().getTime();
    const expired =
      now - Date.parse(s.last_seen_at) >= policy.idleMs ||
      now - Date.parse(s.created_at) >= policy.absoluteMs;
    if (expired || s.status !== 'active') {
      await store.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
      return null;
    }
    if (now - Date.parse(s.last_seen_at) > 60_000)
      await store.db
        .updateTable('sessions')
        .set({ last_seen_at: new Date(now).toISOString() })
        .where('id_hash', '=', idHash)
        .execute();
    const roles = JSON.parse(s.roles) as string[];
    const actor: Actor = {
      id: `user:${s.id}`,
      kind: 'user',
      orgId,
      roles,
      userId: s.id,
      team: s.team,
      customRoles: await deps.roles.resolve(roles),
    };
    const pending =
      s.must_change_password === 1 ? 'password' : needsTotpEnrolment(s) ? ('totp' as const) : null;
    return { actor, sessionHash: idHash, csrfToken: s.csrf_token, pending };
  }

  async function logout(actor: Actor, sessionHash: string): Promise<void> {
    await store.transaction(async (trx) => {
      await trx.deleteFrom('sessions').where('id_hash', '=', sessionHash).execute();
      await audit.append(trx, [{ actor: actor.id, action: 'auth.logout' }]);
    });
  }

  /** Ends every session of the signed-in user (sign out everywhere). */
  async function logoutAll(actor: Actor): Promise<{ ended: number }> {
    if (actor.kind !== 'user' || !actor.userId) throw new AppError('SESSION_REQUIRED');
    const userId = actor.userId;
    return store.transaction(async (trx) => {
      const res = await trx
        .deleteFrom('sessions')
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const ended = Number(res.numDeletedRows);
      await audit.append(trx, [{ actor: actor.id, action: 'auth.logout-all', details: { ended } }]);
      return { ended };
    });
  }

  /** Who is signed in and what they may do (resource -> action -> grade). */
  async function me(
    actor: Actor,
  ): Promise<{ user: SessionUser | null; permissions: ReturnType<typeof permissionMap> }> {
    let user: SessionUser | null = null;
    if (actor.kind === 'user' && actor.userId) {
      const r = await store.db
        .selectFrom('users')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', actor.userId)
        .executeTakeFirst();
      if (r) user = sessionUser(r);
    }
    const permissions = permissionMap(actor);
    for (const [resource, actions] of Object.entries(deps.extraPermissions?.(actor) ?? {}))
      permissions[resource] = { ...permissions[resource], ...actions };
    return { user, permissions };
  }

  return { login, authenticateSession, logout, logoutAll, me, policy };
}
