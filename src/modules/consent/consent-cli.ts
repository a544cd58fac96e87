import type { Command } from 'commander';
import type { App } from '../../app.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import type { CliContext } from '../../kernel/cli/cli-runtime.js';
import { formatShanghai } from '../../kernel/time/clock.js';
import type { ConsentRecord } from './consent-types.js';

function consentLine(c: ConsentRecord): string {
  return `${formatShanghai(new Date(c.at))} ${c.action.padEnd(8)} ${c.purpose} via ${c.channel} notice ${c.noticeVersion}${c.separate ? ' 单独同意' : ''}${c.evidenceHash ? ' evidence' : ''}`;
}

export function registerConsentCommands(program: Command, ctx: CliContext<App, Actor>): void {
  const purpose = program.command('purpose').description('处理目的与法律依据 / purposes and legal bases');
  purpose
    .command('add')
    .description('添加处理目的 / add a purpose')
    .requiredOption('--key <key>', 'purpose key, e.g. sales')
    .requiredOption('--name <name>', '名称，如 销售服务')
    .requiredOption(
      '--basis <basis>',
      'consent | contract | legal-obligation | vital-interest | public-interest-news | publicly-disclosed | other-law',
    )
    .requiredOption('--retention <period>', '保存期限，如 3y、18m、90d')
    .option('--notice-version <v>', 'version of the privacy notice', 'v1')
    .option('--description <text>', 'description')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.consent.addPurpose(actor, {
            key: o.key,
            name: o.name,
            basis: o.basis,
            retention: o.retention,
            noticeVersion: o.noticeVersion,
            description: o.description,
          }),
        (p) => `${p.key} ${p.name} (${p.basisLabel.zh}, ${p.retention})`,
      ),
    );
  purpose
    .command('list')
    .description('列出处理目的 / list purposes')
    .action(async (_o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) => app.consent.listPurposes(actor),
        (r) =>
          r
            .map(
              (p) => `${p.key.padEnd(14)} ${p.name}  ${p.basis}  ${p.retention}  notice ${p.noticeVersion}`,
            )
            .join('\n'),
      ),
    );

  const consent = program.command('consent').description('同意记录 / consent ledger');
  for (const action of ['grant', 'withdraw'] as const) {
    consent
      .command(`${action} <customerId>`)
      .description(action === 'grant' ? '记录同意 / record consent' : '记录撤回同意 / record a withdrawal')
      .requiredOption('--purpose <key>', 'purpose')
      .option('--channel <channel>', 'web | sms | email | phone | paper | in-person | import | portal', 'web')
      .option('--notice-version <v>', 'notice version shown (default: the purpose’s)')
      .option('--evidence <text>', 'evidence reference; only its SHA-256 is kept')
      .option('--separate', '单独同意 (PIPL Art. 23/29)')
      .action(async (customerId: string, o, cmd: Command) =>
        ctx.run(
          cmd,
          (app, actor) =>
            app.consent.record(actor, action, {
              customerId,
              purpose: o.purpose,
              channel: o.channel,
              noticeVersion: o.noticeVersion,
              evidence: o.evidence,
              separate: o.separate,
            }),
          consentLine,
        ),
      );
  }
  consent
    .command('list <customerId>')
    .description('客户的同意记录 / a customer’s consent ledger')
    .action(async (customerId: string, _o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) => app.consent.list(actor, customerId),
        (r) => r.map(consentLine).join('\n') || '（无 / none）',
      ),
    );
}
