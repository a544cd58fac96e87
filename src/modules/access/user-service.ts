import QRCode from 'qrcode';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { type Actor, assertCan } from '../../kernel/authz/permissions.js';
import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type { UsersTable } from '../../kernel/store/schema.js';
import type { Db, Store, Trx } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { NewUserInput, UserInfo, UserPatch } from './access-types.js';
import { checkPasswordPolicy, hashPassword, oneTimePassword, verifyPassword } from './password.js';
import type { RoleService } from './role-service.js';
import { base32Decode, base32Encode, newTotpSecret, otpauthUrl, verifyTotp } from './totp.js';

export interface UserDeps {
  store: Store;
  keys: Pick<
    KeyRing,
    'newCustomerKey' | 'wrapCustomerKey' | 'unwrapCustomerKey' | 'sealDocument' | 'openDocument'
  >;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
  roles: Pick<RoleService, 'assertAssignable'>;
  /** Shown in authenticator apps next to the account. */
  issuer?: string;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;
/** Roles that must use two-factor sign-in (they reach configuration or all personal data). */
export const TOTP_REQUIRED_ROLES = ['admin', 'dpo'];

export function toUserInfo(r: UsersTable): UserInfo {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: JSON.parse(r.roles) as string[],
    team: r.team,
    status: r.status,
    mustChangePassword: r.must_change_password === 1,
    totpEnrolled: r.totp_enabled === 1,
    lastLoginAt: r.last_login_at,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
  };
}

export function normaliseUsername(raw: string): string {
  const u = String(raw ?? '')
    .normalize('NFKC')
    .trim()
    .toLowerCase();
  if (!USERNAME.test(u))
    throw new AppError('VALIDATION_FAILED', {
      detail: 'username: 2-32 of a-z, 0-9, . _ - (starting a-z/0-9)',
    });
  return u;
}

export type UserService = ReturnType<typeof createUserService>;

/** People who sign in: accounts, roles, passwords and two-factor enrolment. */
export function createUserService(deps: UserDeps) {
  const { store, keys, audit, clock, orgId } = deps;
  const issuer = deps.issuer ?? 'Custodian';
  const totpScope = (id: string) => `user:${id}:totp`;

  async function row(db: Db | Trx, id: string): Promise<UsersTable> {
    const r = await db
      .selectFrom('users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) throw new AppError('USER_NOT_FOUND', { id });
    return r;
  }

  function selfId(actor: Actor): string {
    if (actor.kind !== 'user' || !actor.userId) throw new AppError('SESSION_REQUIRED');
    return actor.userId;
  }

  /** Creates an account with a one-time password (or the given one), to be changed at first sign-in. */
  async function create(
    actor: Actor,
    input: NewUserInput,
    opts: { password?: string | undefined } = {},
  ): Promise<{ user: UserInfo; oneTimePassword: string }> {
    assertCan(actor, 'user', 'manage');
    const username = normaliseUsername(input.username);
    const displayName = String(input.displayName ?? '').trim();
    if (!displayName || displayName.length > 100)
      throw new AppError('VALIDATION_FAILED', { detail: 'displayName: 1-100 characters' });
    const roles = [...new Set(input.roles ?? [])];
    const password = opts.password ?? oneTimePassword();
    checkPasswordPolicy(password, username);
    const hash = await hashPassword(password);
    const id = uuidv7();
    const now = clock.now().toISOString();
    const values: UsersTable = {
      id,
      org_id: orgId,
      username,
      display_name: displayName,
      password_hash: hash,
      roles: JSON.stringify(roles),
      team: input.team?.trim() || null,
      status: 'active',
      must_change_password: 1,
      totp_wrapped_key: null,
      totp_sealed: null,
      totp_enabled: 0,
      totp_last_step: null,
      failed_attempts: 0,
      lockouts: 0,
      locked_until: null,
      last_login_at: null,
      password_changed_at: now,
      created_at: now,
      updated_at: now,
    };
    await store.transaction(async (trx) => {
      await deps.roles.assertAssignable(trx, roles, true);
      const taken = await trx
        .selectFrom('users')
        .select('id')
        .where('org_id', '=', orgId)
        .where('username', '=', username)
        .executeTakeFirst();
      if (taken) throw new AppError('USER_EXISTS', { username });
      await trx.insertInto('users').values(values).execute();
      await audit.append(trx, [
        { actor: actor.id, action: 'user.create', details: { userId: id, roles, team: values.team } },
      ]);
    });
    return { user: toUserInfo(values), oneTimePassword: password };
  }

  async function list(actor: Actor): Promise<UserInfo[]> {
    assertCan(actor, 'user', 'read');
    const rows = await store.db
      .selectFrom('users')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('username')
      .execute();
    return rows.map(toUserInfo);
  }

  /** Colleagues to share a customer with: active users' id, name and team (no roles, no status). */
  async function directory(
    actor: Actor,
  ): Promise<Array<{ id: string; username: string; displayName: string; team: string | null }>> {
    assertCan(actor, 'customer', 'update');
    const rows = await store.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'team'])
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
      .orderBy('username')
      .execute();
    return rows.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name, team: r.team }));
  }

  /** A user by id or username (CLI convenience). */
  async function find(actor: Actor, idOrUsername: string): Promise<UserInfo> {
    assertCan(actor, 'user', 'read');
    const r = await store.db
      .selectFrom('users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where((eb) => eb.or([eb('id', '=', idOrUsername), eb('username', '=', idOrUsername.toLowerCase())]))
      .executeTakeFirst();
    if (!r) throw new AppError('USER_NOT_FOUND', { id: idOrUsername });
    return toUserInfo(r);
  }

  /**
   * Changes roles, team, status; a password reset returns a one-time password (shown once) and forces a
   * change; disabling or resetting ends the user's sessions. Nobody changes their own roles or status.
   */
  async function update(
    actor: Actor,
    id: string,
    patch: UserPatch,
  ): Promise<{ user: UserInfo; oneTimePassword?: string }> {
    assertCan(actor, 'user', 'manage');
    const isSelf = actor.kind === 'user' && actor.userId === id;
    if (isSelf && (patch.roles !== undefined || patch.status !== undefined || patch.resetTotp))
      throw new AppError('SELF_CHANGE_FORBIDDEN');
    const newPassword = patch.resetPassword ? oneTimePassword() : undefined;
    const newHash = newPassword ? await hashPassword(newPassword) : undefined;
    return store.transaction(async (trx) => {
      const current = await row(trx, id);
      const set: Partial<UsersTable> = { updated_at: clock.now().toISOString() };
      const changed: string[] = [];
      if (patch.displayName !== undefined) {
        const d = patch.displayName.trim();
        if (!d || d.length > 100) throw new AppError('VALIDATION_FAILED', { detail: 'displayName: 1-100' });
        set.display_name = d;
        changed.push('displayName');
      }
      if (patch.roles !== undefined) {
        const roles = [...new Set(patch.roles)];
        await deps.roles.assertAssignable(trx, roles, true);
        set.roles = JSON.stringify(roles);
        changed.push('roles');
      }
      if (patch.team !== undefined) {
        set.team = patch.team?.trim() || null;
        changed.push('team');
      }
      if (patch.status !== undefined) {
        if (!['active', 'disabled'].includes(patch.status))
          throw new AppError('VALIDATION_FAILED', { detail: 'status: active | disabled' });
        set.status = patch.status;
        if (patch.status === 'active') Object.assign(set, { failed_attempts: 0, locked_until: null });
        changed.push('status');
      }
      if (newHash) {
        Object.assign(set, {
          password_hash: newHash,
          must_change_password: 1,
          password_changed_at: set.updated_at,
          failed_attempts: 0,
          lockouts: 0,
          locked_until: null,
        });
        changed.push('password');
      }
      if (patch.resetTotp) {
        Object.assign(set, {
          totp_wrapped_key: null,
          totp_sealed: null,
          totp_enabled: 0,
          totp_last_step: null,
        });
        changed.push('totp');
      }
      await trx.updateTable('users').set(set).where('org_id', '=', orgId).where('id', '=', id).execute();
      if (set.status === 'disabled' || newHash || patch.resetTotp || patch.roles !== undefined)
        await trx.deleteFrom('sessions').where('org_id', '=', orgId).where('user_id', '=', id).execute();
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'user.update',
          details: { userId: id, changed, roles: patch.roles ?? null, status: patch.status ?? null },
        },
      ]);
      const user = toUserInfo({ ...current, ...set } as UsersTable);
      return newPassword ? { user, oneTimePassword: newPassword } : { user };
    });
  }

  /** The signed-in user changes their own password; other sessions end, this one stays. */
  async function changePassword(
    actor: Actor,
    input: { current: string; next: string },
    keepSessionHash?: string,
  ): Promise<UserInfo> {
    const id = selfId(actor);
    const r = await row(store.db, id);
    if (!(await verifyPassword(String(input.current ?? ''), r.password_hash))) {
      await store.transaction((trx) =>
        audit.append(trx, [
          {
            actor: actor.id,
            action: 'user.password.change',
            outcome: 'denied',
            details: { reason: 'current' },
          },
        ]),
      );
      throw new AppError('PASSWORD_WRONG');
    }
    checkPasswordPolicy(input.next, r.username);
    if (await verifyPassword(input.next, r.password_hash))
      throw new AppError('PASSWORD_POLICY', {
        detail: 'must differ from the current password',
        detailZh: '不能与当前密码相同',
      });
    const hash = await hashPassword(input.next);
    const now = clock.now().toISOString();
    await store.transaction(async (trx) => {
      await trx
        .updateTable('users')
        .set({ password_hash: hash, must_change_password: 0, password_changed_at: now, updated_at: now })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
      let del = trx.deleteFrom('sessions').where('org_id', '=', orgId).where('user_id', '=', id);
      if (keepSessionHash) del = del.where('id_hash', '!=', keepSessionHash);
      await del.execute();
      await audit.append(trx, [{ actor: actor.id, action: 'user.password.change' }]);
    });
    return toUserInfo({ ...r, must_change_password: 0 });
  }

  /** Starts (or restarts, until confirmed) TOTP enrolment: a new secret sealed under a per-user key. */
  async function enrolTotp(actor: Actor): Promise<{ secret: string; otpauthUrl: string; qrDataUrl: string }> {
    const id = selfId(actor);
    const r = await row(store.db, id);
    if (r.totp_enabled === 1) throw new AppError('TOTP_STATE', { detail: 'already enrolled' });
    const secret = base32Encode(newTotpSecret());
    const dek = keys.newCustomerKey();
    const wrapped = keys.wrapCustomerKey(`user:${id}`, dek);
    const sealed = keys.sealDocument(totpScope(id), dek, secret);
    await store.transaction(async (trx) => {
      await trx
        .updateTable('users')
        .set({ totp_wrapped_key: wrapped, totp_sealed: sealed, totp_last_step: null })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
      await audit.append(trx, [{ actor: actor.id, action: 'user.totp.enrol' }]);
    });
    const url = otpauthUrl(issuer, r.username, secret);
    return { secret, otpauthUrl: url, qrDataUrl: await QRCode.toDataURL(url, { margin: 1, width: 240 }) };
  }

  /** The TOTP secret of a user row, or null when none is stored. */
  function totpSecretOf(r: UsersTable): Buffer | null {
    if (!r.totp_wrapped_key || !r.totp_sealed) return null;
    const dek = keys.unwrapCustomerKey(`user:${r.id}`, r.totp_wrapped_key);
    return base32Decode(keys.openDocument(totpScope(r.id), dek, r.totp_sealed) as string);
  }

  /** Checks a code for a user row; returns the step to record, or null. */
  function checkTotp(r: UsersTable, code: string): number | null {
    const secret = totpSecretOf(r);
    if (!secret) return null;
    return verifyTotp(secret, code, clock.now(), r.totp_last_step);
  }

  async function confirmTotp(actor: Actor, code: string): Promise<UserInfo> {
    const id = selfId(actor);
    const r = await row(store.db, id);
    if (r.totp_enabled === 1) throw new AppError('TOTP_STATE', { detail: 'already enrolled' });
    if (!r.totp_sealed) throw new AppError('TOTP_STATE', { detail: 'start with /auth/totp/enroll' });
    const step = checkTotp(r, code);
    if (step === null) throw new AppError('TOTP_CODE_WRONG');
    await store.transaction(async (trx) => {
      await trx
        .updateTable('users')
        .set({ totp_enabled: 1, totp_last_step: step, updated_at: clock.now().toISOString() })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
      await audit.append(trx, [{ actor: actor.id, action: 'user.totp.confirm' }]);
    });
    return toUserInfo({ ...r, totp_enabled: 1 });
  }

  return { create, list, directory, find, update, changePassword, enrolTotp, confirmTotp, checkTotp, row };
}
