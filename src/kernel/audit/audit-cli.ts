import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type Actor, assertCan } from '../authz/permissions.js';
import { type CliContext, integerOption, progressBar } from '../cli/cli-runtime.js';
import { AppError } from '../errors/app-error.js';
import type { Kernel } from '../kernel.js';
import { formatShanghai } from '../time/clock.js';
import type { ExportedCheckpoint } from './audit-types.js';

function readCheckpoint(path: string): ExportedCheckpoint {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new AppError('FILE_NOT_FOUND', { path });
  }
  try {
    return JSON.parse(text) as ExportedCheckpoint;
  } catch {
    throw new AppError('CHECKPOINT_INVALID', { detail: 'not JSON' });
  }
}

export function registerAuditCommands(program: Command, ctx: CliContext<{ kernel: Kernel }, Actor>): void {
  const audit = program.command('audit').description('审计日志 / audit trail');
  audit
    .command('verify')
    .description(
      '校验审计链（可对照导出的检查点）/ verify the chain, optionally against an exported checkpoint',
    )
    .option('--checkpoint <file>', 'an exported checkpoint file')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          assertCan(actor, 'audit', 'verify');
          const bar = progressBar(ctx.io, 'verify');
          const result = await app.kernel.audit
            .verify({
              checkpoint: o.checkpoint ? readCheckpoint(o.checkpoint) : undefined,
              onProgress: (n) => bar.update(n, n),
            })
            .finally(() => bar.stop());
          if (!result.ok)
            ctx.setExitCode(
              new AppError('AUDIT_CHAIN_BROKEN', { seq: result.firstBadSeq, reason: '' }).exitCode,
            );
          return result;
        },
        (r) =>
          r.ok
            ? `审计链完好 / audit chain intact: ${r.events} events, ${r.checkpoints} checkpoints, head #${r.headSeq} ${r.headHash}`
            : `审计链损坏 / audit chain BROKEN at event #${r.firstBadSeq}: ${r.reason}`,
      ),
    );
  audit
    .command('log')
    .description('查看审计事件 / show audit events')
    .option('--customer <id>', 'events naming this customer')
    .option('--action <action>', 'e.g. customer.reveal or customer.*')
    .option('--actor <actor>', 'e.g. cli:root or token:<id>')
    .option('--from <iso>', 'from time')
    .option('--to <iso>', 'to time')
    .option(
      '--after <seq>',
      'events after this sequence number, oldest first',
      integerOption('--after', { min: 0, max: Number.MAX_SAFE_INTEGER }),
    )
    .option('--limit <n>', 'max events (1–10000)', integerOption('--limit', { min: 1, max: 10_000 }), 100)
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          assertCan(actor, 'audit', 'read');
          return app.kernel.audit.query({
            customerId: o.customer,
            action: o.action,
            actor: o.actor,
            from: o.from,
            to: o.to,
            afterSeq: o.after,
            limit: o.limit,
          });
        },
        (r) =>
          r
            .map(
              (e) =>
                `#${e.seq} ${formatShanghai(new Date(e.at))} ${e.actor} ${e.action} ${e.outcome} ${e.purpose ?? ''} subjects=${e.subjects.length} ${e.fields.join(',')}`,
            )
            .join('\n'),
      ),
    );
  audit
    .command('export-checkpoint')
    .description('导出签名检查点（请另行保存）/ export a signed checkpoint to keep elsewhere')
    .option('--out <file>', 'write to this file (default: stdout)')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          assertCan(actor, 'audit', 'checkpoint');
          const cp = await app.kernel.audit.exportCheckpoint();
          if (o.out) writeFileSync(o.out, `${JSON.stringify(cp, null, 2)}\n`, { mode: 0o644 });
          return cp;
        },
        (cp) =>
          o.out
            ? `checkpoint #${cp.seq} written to ${o.out} (root ${cp.merkleRoot})`
            : JSON.stringify(cp, null, 2),
      ),
    );
}
