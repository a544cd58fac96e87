import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { App } from '../../app.js';
import type { Actor, DataScopeKind } from '../../kernel/authz/permissions.js';
import { type CliContext, collectList } from '../../kernel/cli/cli-runtime.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { accessReviewCsv } from './access-review.js';
import type { UserInfo } from './access-types.js';

const userLine = (u: UserInfo): string =>
  `${u.username.padEnd(16)} ${u.displayName} [${u.roles.join(',')}]${u.team ? ` team=${u.team}` : ''} ${u.status}${
    u.totpEnrolled ? ' 2FA' : ''
  }${u.mustChangePassword ? ' must-change-password' : ''}`;

/** `--grant customer.read=L2 --grant catalog.read` -> a grant object (validated by the role service). */
function parseGrants(items: string[]): Record<string, Record<string, string | true>> {
  const out: Record<string, Record<string, string | true>> = {};
  for (const item of items) {
    const m = /^([a-z]+)\.([a-z-]+)(?:=(L[1-4]))?$/.exec(item.trim());
    if (!m) throw new AppError('USAGE', { detail: `--grant expects resource.action[=L1..L4], got ${item}` });
    const [, resource, action, grade] = m as unknown as [string, string, string, string | undefined];
    out[resource] ??= {};
    (out[resource] as Record<string, string | true>)[action] = grade ?? true;
  }
  return out;
}

export function registerUserCommands(program: Command, ctx: CliContext<App, Actor>): void {
  const user = program.command('user').description('用户 / users who sign in to the console');
  user
    .command('add')
    .description('添加用户（一次性密码只显示一次）/ add a user (one-time password shown once)')
    .requiredOption('--username <name>', 'login name (a-z, 0-9, . _ -)')
    .option('--display-name <name>', '显示名 / display name')
    .requiredOption(
      '--role <role>',
      'admin | dpo | manager | sales | service | auditor | custom (repeatable)',
      collectList,
      [],
    )
    .option('--team <team>', '团队 / team (managers see their team)')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.users
            .create(actor, {
              username: o.username,
              displayName: o.displayName ?? o.username,
              roles: o.role,
              team: o.team,
            })
            .then((r) => ({ ...r.user, oneTimePassword: r.oneTimePassword })),
        (r) =>
          `${userLine(r)}\n一次性密码（只显示一次，首次登录须修改）/ one-time password (shown once, changed at first sign-in):\n${r.oneTimePassword}`,
      ),
    );
  user.command('list').action(async (_o, cmd: Command) =>
    ctx.run(
      cmd,
      (app, actor) => app.users.list(actor),
      (r) => r.map(userLine).join('\n'),
    ),
  );
  const byName = async (app: App, actor: Actor, who: string) => (await app.users.find(actor, who)).id;
  user
    .command('disable <user>')
    .description('停用（并结束其会话）/ disable (ends their sessions)')
    .action(async (who: string, _o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) =>
          (await app.users.update(actor, await byName(app, actor, who), { status: 'disabled' })).user,
        (r) => `${r.username} disabled`,
      ),
    );
  user.command('enable <user>').action(async (who: string, _o, cmd: Command) =>
    ctx.run(
      cmd,
      async (app, actor) =>
        (await app.users.update(actor, await byName(app, actor, who), { status: 'active' })).user,
      (r) => `${r.username} enabled`,
    ),
  );
  user
    .command('reset-password <user>')
    .description('重置密码（一次性密码）/ reset the password (one-time password, forced change)')
    .option('--reset-totp', 'also remove the two-factor enrolment')
    .action(async (who: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const r = await app.users.update(actor, await byName(app, actor, who), {
            resetPassword: true,
            resetTotp: Boolean(o.resetTotp),
          });
          return { ...r.user, oneTimePassword: r.oneTimePassword };
        },
        (r) => `${r.username}: ${r.oneTimePassword}\n(shown once; changed at next sign-in)`,
      ),
    );
  user
    .command('roles <user>')
    .description('设置角色 / set roles')
    .requiredOption('--role <role>', 'role (repeatable or comma-separated)', collectList, [])
    .option('--team <team>', 'team')
    .action(async (who: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) =>
          (await app.users.update(actor, await byName(app, actor, who), { roles: o.role, team: o.team }))
            .user,
        userLine,
      ),
    );

  const role = program.command('role').description('角色 / roles');
  role.command('list').action(async (_o, cmd: Command) =>
    ctx.run(
      cmd,
      (app, actor) => app.roles.list(actor),
      (r) =>
        r
          .map(
            (x) =>
              `${x.key.padEnd(12)} ${x.builtIn ? 'built-in' : 'custom  '} scope=${x.scope} ${JSON.stringify(x.grants)}`,
          )
          .join('\n'),
    ),
  );
  role
    .command('add')
    .description('自定义角色 / add a custom role')
    .requiredOption('--key <key>', 'role key')
    .requiredOption('--name <name>', '名称 / name')
    .requiredOption(
      '--grant <resource.action[=grade]>',
      'e.g. customer.read=L2 (repeatable)',
      collectList,
      [],
    )
    .option('--scope <scope>', 'own | team | all (customers reached)', 'own')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.roles.add(actor, {
            key: o.key,
            name: o.name,
            grants: parseGrants(o.grant),
            scope: o.scope as DataScopeKind,
          }),
        (r) => `${r.key} added`,
      ),
    );

  const access = program.command('access').description('权限复核 / access review');
  access
    .command('review')
    .description('谁能看什么、未启用两步验证、休眠账号、明文查看次数 / access review')
    .option('--from <iso>', 'period start (default 90 days ago)')
    .option('--to <iso>', 'period end (default now)')
    .option('--csv <file>', 'also write the CSV for the auditor')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const review = await app.accessReview.review(actor, { from: o.from, to: o.to });
          if (o.csv) writeFileSync(o.csv, accessReviewCsv(review), { mode: 0o600 });
          return review;
        },
        (r) => accessReviewCsv(r).replace(/^\ufeff/, ''),
      ),
    );
}
