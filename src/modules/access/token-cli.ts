import type { Command } from 'commander';
import type { App } from '../../app.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import { type CliContext, collectList, integerOption } from '../../kernel/cli/cli-runtime.js';

export function registerTokenCommands(program: Command, ctx: CliContext<App, Actor>): void {
  const token = program.command('token').description('API 令牌 / API tokens');
  token
    .command('create')
    .description('创建令牌（只显示一次）/ create a token (shown once)')
    .requiredOption('--name <name>', 'what the token is for')
    .requiredOption(
      '--role <role>',
      'admin | dpo | manager | sales | service | auditor (repeatable)',
      collectList,
      [],
    )
    .option(
      '--expires-days <n>',
      'expiry in days (1–3650)',
      integerOption('--expires-days', { min: 1, max: 3650 }),
    )
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.tokens.create(actor, {
            name: o.name,
            roles: o.role,
            expiresInDays: o.expiresDays,
          }),
        (r) => `${r.token}\n(id ${r.id}; store it now, it is not shown again)`,
      ),
    );
  token.command('list').action(async (_o, cmd: Command) =>
    ctx.run(
      cmd,
      (app, actor) => app.tokens.list(actor),
      (r) =>
        r.map((t) => `${t.id} ${t.name} [${t.roles.join(',')}]${t.revokedAt ? ' revoked' : ''}`).join('\n'),
    ),
  );
  token.command('revoke <id>').action(async (id: string, _o, cmd: Command) =>
    ctx.run(
      cmd,
      async (app, actor) => {
        await app.tokens.revoke(actor, id);
        return { id, revoked: true };
      },
      (r) => `${r.id} revoked`,
    ),
  );
}
