import { createHash, randomBytes } from 'node:crypto';
import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { type Actor, assertCan, BUILT_IN_ROLES } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { RoleService } from './role-service.js';

export interface TokenDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
  /** Custom roles: validated on create, resolved on authenticate. Built-in roles only without it. */
  roles?: Pick<RoleService, 'assertAssignable' | 'resolve'>;
}

export interface TokenInfo {
  id: string;
  name: string;
  roles: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const TOKEN_PREFIX = 'cst_';

/** Tokens are 256-bit random strings; only their SHA-256 is stored, so a database leak grants nothing. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type TokenService = ReturnType<typeof createTokenService>;

export function createTokenService(deps: TokenDeps) {
  const { store, audit, clock, orgId } = deps;

  async function create(
    actor: Actor,
    input: { name: string; roles: string[]; expiresInDays?: number | undefined },
  ): Promise<{ id: string; token: string; expiresAt: string | null }> {
    assertCan(actor, 'token', 'manage');
    if (!input.name?.trim()) throw new AppError('VALIDATION_FAILED', { detail: 'token needs a name' });
    if (input.roles.length === 0)
      throw new AppError('VALIDATION_FAILED', { detail: 'token needs at least one role' });
    if (deps.roles) await deps.roles.assertAssignable(store.db, input.roles, false);
    else
      for (const role of input.roles) {
        if (!BUILT_IN_ROLES[role] || role === 'system')
          throw new AppError('VALIDATION_FAILED', { detail: `unknown role ${role}` });
      }
    const days = input.expiresInDays;
    // NaN or a negative count must not make a token that never expires or is born expired.
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650))
      throw new AppError('VALIDATION_FAILED', {
        detail: 'expiresInDays must be a whole number from 1 to 3650',
      });
    const id = uuidv7();
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = clock.now();
    const expiresAt = input.expiresInDays
      ? new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString()
      : null;
    await store.transaction(async (trx) => {
      await trx
        .insertInto('api_tokens')
        .values({
          id,
          org_id: orgId,
          name: input.name.trim(),
          token_hash: hashToken(token),
          roles: JSON.stringify(input.roles),
          created_at: now.toISOString(),
          expires_at: expiresAt,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
      await audit.append(trx, [
        { actor: actor.id, action: 'token.create', details: { tokenId: id, roles: input.roles, expiresAt } },
      ]);
    });
    return { id, token, expiresAt };
  }

  /** The actor a bearer token stands for, or null when it is unknown, revoked or expired. */
  async function authenticate(token: string): Promise<Actor | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
    const row = await store.db
      .selectFrom('api_tokens')
      .select(['id', 'roles', 'expires_at', 'revoked_at'])
      .where('org_id', '=', orgId)
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || row.revoked_at) return null;
    if (row.expires_at && row.expires_at <= clock.now().toISOString()) return null;
    const roles = JSON.parse(row.roles) as string[];
    return {
      id: `token:${row.id}`,
      kind: 'token',
      orgId,
      roles,
      customRoles: await deps.roles?.resolve(roles),
    };
  }

  async function list(actor: Actor): Promise<TokenInfo[]> {
    assertCan(actor, 'token', 'manage');
    const rows = await store.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      roles: JSON.parse(r.roles) as string[],
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
      lastUsedAt: r.last_used_at,
    }));
  }

  async function revoke(actor: Actor, id: string): Promise<void> {
    assertCan(actor, 'token', 'manage');
    await store.transaction(async (trx) => {
      const res = await trx
        .updateTable('api_tokens')
        .set({ revoked_at: clock.now().toISOString() })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new AppError('TOKEN_NOT_FOUND', { id });
      await audit.append(trx, [{ actor: actor.id, action: 'token.revoke', details: { tokenId: id } }]);
    });
  }

  return { create, authenticate, list, revoke };
}
