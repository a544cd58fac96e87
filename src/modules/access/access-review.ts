import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { type Actor, assertCan, grantFor, scopeKindOf } from '../../kernel/authz/permissions.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import type { RoleInfo } from './access-types.js';
import type { RoleService } from './role-service.js';
import { TOTP_REQUIRED_ROLES } from './user-service.js';

export interface AccessReviewDeps {
  store: Store;
  audit: Pick<AuditTrail, 'record' | 'query'>;
  clock: Clock;
  orgId: string;
  roles: Pick<RoleService, 'list' | 'customRoles'>;
}

export interface AccessReviewUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  team: string | null;
  status: string;
  /** Customer scope and the highest grade per customer action (null: none). */
  scope: string | null;
  read: string | null;
  reveal: string | null;
  export: string | null;
  totpEnrolled: boolean;
  totpRequired: boolean;
  lastLoginAt: string | null;
  dormant: boolean;
  reveals: number;
  revealedFields: Record<string, number>;
}

export interface AccessReview {
  period: { from: string; to: string };
  generatedAt: string;
  roles: RoleInfo[];
  users: AccessReviewUser[];
  withoutTotp: string[];
  dormant: string[];
  tokens: Array<{
    id: string;
    name: string;
    roles: string[];
    expiresAt: string | null;
    lastUsedAt: string | null;
  }>;
  /** Reveals in the period per actor (users, tokens and the command line). */
  reveals: Array<{ actor: string; count: number; fields: Record<string, number> }>;
}

const DORMANT_MS = 90 * 86_400_000;

const gradeOf = (g: string | true | null): string | null => (g === true ? 'yes' : g);

export type AccessReviewService = ReturnType<typeof createAccessReview>;

/** Who can see what, who lacks two-factor sign-in, who is dormant, and who revealed what (auditor). */
export function createAccessReview(deps: AccessReviewDeps) {
  const { store, audit, clock, orgId } = deps;

  async function review(
    actor: Actor,
    q: { from?: string | undefined; to?: string | undefined } = {},
  ): Promise<AccessReview> {
    assertCan(actor, 'report', 'read');
    const now = clock.now();
    const from = q.from ?? new Date(now.getTime() - DORMANT_MS).toISOString();
    const to = q.to ?? now.toISOString();
    const [roles, custom, userRows, tokenRows, events] = await Promise.all([
      deps.roles.list({ ...actor, roles: ['system'] }),
      deps.roles.customRoles(),
      store.db.selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('username').execute(),
      store.db
        .selectFrom('api_tokens')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('revoked_at', 'is', null)
        .execute(),
      audit.query({ action: 'customer.reveal', from, to, limit: 10_000 }),
    ]);
    const reveals = new Map<string, { count: number; fields: Record<string, number> }>();
    for (const e of events) {
      if (e.outcome !== 'ok') continue;
      const entry = reveals.get(e.actor) ?? { count: 0, fields: {} };
      entry.count += 1;
      for (const f of e.fields) entry.fields[f] = (entry.fields[f] ?? 0) + 1;
      reveals.set(e.actor, entry);
    }
    const users: AccessReviewUser[] = userRows.map((u) => {
      const userRoles = JSON.parse(u.roles) as string[];
      const a: Actor = {
        id: `user:${u.id}`,
        kind: 'user',
        orgId,
        roles: userRoles,
        userId: u.id,
        customRoles: custom,
      };
      const last = u.last_login_at ?? u.created_at;
      const mine = reveals.get(a.id);
      return {
        id: u.id,
        username: u.username,
        displayName: u.display_name,
        roles: userRoles,
        team: u.team,
        status: u.status,
        scope: scopeKindOf(a),
        read: gradeOf(grantFor(a, 'customer', 'read')),
        reveal: gradeOf(grantFor(a, 'customer', 'reveal')),
        export: gradeOf(grantFor(a, 'customer', 'export')),
        totpEnrolled: u.totp_enabled === 1,
        totpRequired: userRoles.some((r) => TOTP_REQUIRED_ROLES.includes(r)),
        lastLoginAt: u.last_login_at,
        dormant: u.status === 'active' && now.getTime() - Date.parse(last) > DORMANT_MS,
        reveals: mine?.count ?? 0,
        revealedFields: mine?.fields ?? {},
      };
    });
    await audit.record([{ actor: actor.id, action: 'report.access-review', details: { from, to } }]);
    return {
      period: { from, to },
      generatedAt: now.toISOString(),
      roles,
      users,
      withoutTotp: users.filter((u) => u.status === 'active' && !u.totpEnrolled).map((u) => u.username),
      dormant: users.filter((u) => u.dormant).map((u) => u.username),
      tokens: tokenRows.map((t) => ({
        id: t.id,
        name: t.name,
        roles: JSON.parse(t.roles) as string[],
        expiresAt: t.expires_at,
        lastUsedAt: t.last_used_at,
      })),
      reveals: [...reveals.entries()]
        .map(([actorId, r]) => ({ actor: actorId, ...r }))
        .sort((x, y) => y.count - x.count),
    };
  }

  return { review };
}

function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  // A leading = + - @ would run as a formula in Excel (CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The review as CSV (UTF-8 with BOM so Excel opens the Chinese headers correctly). */
export function accessReviewCsv(r: AccessReview): string {
  const header = [
    'username 用户名',
    'displayName 姓名',
    'roles 角色',
    'team 团队',
    'status 状态',
    'scope 数据范围',
    'read 查看',
    'reveal 明文',
    'export 导出',
    'totp 两步验证',
    'lastLoginAt 最近登录',
    'dormant 休眠',
    'reveals 明文查看次数',
  ];
  const lines = r.users.map((u) =>
    [
      u.username,
      u.displayName,
      u.roles.join(' '),
      u.team,
      u.status,
      u.scope,
      u.read,
      u.reveal,
      u.export,
      u.totpEnrolled ? 'yes' : u.totpRequired ? 'MISSING' : 'no',
      u.lastLoginAt,
      u.dormant ? 'yes' : 'no',
      u.reveals,
    ]
      .map(csvCell)
      .join(','),
  );
  return `\ufeff${[header.map(csvCell).join(','), ...lines].join('\r\n')}\r\n`;
}
