import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { App } from '../../app.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import type { CliContext } from '../../kernel/cli/cli-runtime.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type {
  AnswerChannel,
  NoticeAnswer,
  NoticeChannel,
  NoticeTally,
  TransferPathCode,
} from './notice-types.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function customerIdsFrom(o: { customer?: string[]; customers?: string }): string[] {
  const ids = [...(o.customer ?? [])];
  if (o.customers) {
    let text: string;
    try {
      text = readFileSync(o.customers, 'utf8');
    } catch {
      throw new AppError('FILE_NOT_FOUND', { path: o.customers });
    }
    ids.push(...text.split(/[\s,]+/).filter((s) => s.length > 0));
  }
  return ids;
}

function tallyText(t: NoticeTally): string {
  const d = t.deliveries;
  const a = t.answers;
  return [
    `campaign ${t.campaignId} (transfer ${t.transferId}) — ${t.windowOpen ? '答复期进行中 open' : '答复期已结束 closed'} until ${t.closesAt}`,
    `customers ${t.customers}, unreachable (公告) ${t.unreachable}`,
    `deliveries: queued ${d.queued}, sending ${d.sending}, sent ${d.sent}, delivered ${d.delivered}, failed ${d.failed}, suppressed ${d.suppressed}`,
    `answers: object ${a.object}, consent ${a.consent}, refuse ${a.refuse}, withdraw ${a.withdraw}, delete ${a.delete}, none ${t.noAnswer}`,
  ].join('\n');
}

/** `custodian notices …`: the same services as the API. */
export function registerNoticeCommands(program: Command, ctx: CliContext<App, Actor>): void {
  const notices = program.command('notices').description('转让通知与客户答复 / transfer notices and answers');

  notices
    .command('create')
    .description('为一次转让创建通知批次 / create a notice campaign for a transfer')
    .requiredOption('--transfer <id>', 'transfer id')
    .requiredOption('--path <p>', 'A | B | C | D')
    .requiredOption('--recipient-name <name>', '接收方名称 (PIPL Art. 22)')
    .requiredOption('--recipient-contact <contact>', '接收方联系方式 (PIPL Art. 22)')
    .requiredOption('--planned-date <date>', 'YYYY-MM-DD; the answer window closes then')
    .option('--customer <id>', 'customer in scope (repeatable)', collect)
    .option('--customers <file>', 'file of customer ids (one per line)')
    .option('--channel <c>', 'email | sms (repeatable; default both)', collect)
    .option('--seller-name <name>', 'seller as it signs the notice (default: org name)')
    .option('--rights-contact <text>', 'where customers exercise their rights')
    .option('--purposes <text>', 'path C: the recipient’s purposes')
    .option('--methods <text>', 'path C: the recipient’s methods')
    .option('--categories <text>', 'path C: categories of personal information')
    .option('--consent-purpose <key>', 'path C: purpose the separate consent is recorded under')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.notices.service.createCampaign(actor, {
            transferId: o.transfer,
            path: String(o.path).toUpperCase() as TransferPathCode,
            recipientName: o.recipientName,
            recipientContact: o.recipientContact,
            plannedDate: o.plannedDate,
            customerIds: customerIdsFrom(o),
            channels: o.channel as NoticeChannel[] | undefined,
            sellerName: o.sellerName,
            rightsContact: o.rightsContact,
            purposes: o.purposes,
            methods: o.methods,
            categories: o.categories,
            consentPurpose: o.consentPurpose,
          }),
        (r) =>
          `campaign ${r.campaign.id}: queued ${r.queued}, suppressed ${r.suppressed}, unreachable (公告) ${r.unreachable}`,
      ),
    );

  notices
    .command('send <campaignId>')
    .description('发送到期的通知（发送时段外等待）/ send what is due (waits outside the send window)')
    .action(async (campaignId: string, _o, cmd: Command) => {
      const ctl = new AbortController();
      const stop = () => ctl.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await ctx.run(
          cmd,
          async (app, actor) => {
            await app.notices.service.authorizeSend(actor, campaignId);
            return app.notices.sender.drain({ campaignId, signal: ctl.signal });
          },
          (r) =>
            `sent ${r.sent}, retrying ${r.retried}, failed ${r.failed}, suppressed ${r.suppressed}, interrupted ${r.interrupted}, waiting ${r.waiting}${r.nextWindowAt ? ` (send window opens ${r.nextWindowAt})` : ''}`,
        );
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
      }
    });

  notices
    .command('tally <campaignId>')
    .description('实时统计：发送状态与答复 / live counts of deliveries and answers')
    .action(async (campaignId: string, _o, cmd: Command) =>
      ctx.run(cmd, (app, actor) => app.notices.service.tally(actor, campaignId), tallyText),
    );

  notices
    .command('answer <campaignId> <customerId>')
    .description('登记电话、信函等渠道收到的答复 / record an answer received by phone or letter')
    .requiredOption('--answer <a>', 'object | consent | refuse | withdraw | delete')
    .requiredOption('--channel <c>', 'phone | letter | email | sms | in-person')
    .requiredOption('--evidence <ref>', 'evidence reference (recording id, scan); only its hash is kept')
    .action(async (campaignId: string, customerId: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.notices.service.recordStaffAnswer(actor, {
            campaignId,
            customerId,
            answer: o.answer as NoticeAnswer,
            channel: o.channel as AnswerChannel,
            evidence: o.evidence,
          }),
        (r) => `recorded ${r.answer} (${r.channel}) for ${r.customerId} at ${r.at}`,
      ),
    );

  notices
    .command('lookup <code>')
    .description('按答复码查找客户（电话答复时）/ find the customer of a short code')
    .action(async (code: string, _o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const r = await app.notices.documents.lookupCode(actor, code);
          if (!r) throw new AppError('NOTICE_INVALID', { detail: 'no notice has this code' });
          return r;
        },
        (r) => `campaign ${r.campaignId} customer ${r.customerId} (${r.channel})`,
      ),
    );

  notices
    .command('letter <campaignId> <customerId>')
    .description('生成可打印的通知信函 (HTML) / printable letter')
    .option('--out <file>', 'write the HTML here instead of stdout')
    .action(async (campaignId: string, customerId: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const html = await app.notices.documents.letter(actor, campaignId, customerId);
          if (o.out) {
            writeFileSync(o.out, html, { mode: 0o600 });
            return { file: o.out };
          }
          return { html };
        },
        (r) => ('file' in r ? `written ${r.file}` : (r.html ?? '')),
      ),
    );

  notices
    .command('announcement <campaignId>')
    .description('无法单独通知时的公告文本 / public announcement text (公告)')
    .action(async (campaignId: string, _o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => ({ text: await app.notices.documents.announcement(actor, campaignId) }),
        (r) => r.text,
      ),
    );

  notices
    .command('suppress')
    .description('退订/拒收：加入抑制名单 / add an opt-out to the suppression list')
    .requiredOption('--channel <c>', 'email | sms')
    .requiredOption('--address <a>', 'the address (hashed at once, not stored)')
    .option('--reason <r>', 'reason', 'opt-out')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) => app.notices.receipts.suppress(actor, o.channel as NoticeChannel, o.address, o.reason),
        (r) => (r.added ? 'suppressed' : 'already suppressed'),
      ),
    );
}
