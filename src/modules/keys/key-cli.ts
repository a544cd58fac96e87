import type { Command } from 'commander';
import type { App } from '../../app.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import { type CliContext, integerOption, withProgress } from '../../kernel/cli/cli-runtime.js';

const batchSizeOption = integerOption('--batch-size', { min: 1, max: 10_000 });

export function registerKeyCommands(program: Command, ctx: CliContext<App, Actor>): void {
  const keys = program.command('keys').description('密钥 / keys');
  keys
    .command('status')
    .description('组织密钥版本 / org key versions')
    .action(async (_o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) => app.keys.status(actor),
        (s) =>
          [
            `active version ${s.activeVersion}${s.rotationInProgress ? ' (rotation in progress)' : ''}`,
            `audit signing key fingerprint ${s.fingerprint}`,
            ...s.versions.map((v) => `  v${v.version} ${v.status.padEnd(8)} customers ${v.customers}`),
          ].join('\n'),
      ),
    );
  keys
    .command('rotate')
    .description('轮换组织密钥（在线、分批、可续做）/ rotate the org key online, in batches, resumable')
    .option('--batch-size <n>', 'customers per transaction (1–10000)', batchSizeOption, 1000)
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) =>
          withProgress(ctx.io, 'rewrap', (onProgress) =>
            app.keys.rotate(actor, { batchSize: o.batchSize, onProgress }),
          ),
        (r) =>
          `now v${r.version}; re-wrapped ${r.rewrapped} customer keys${r.resumed ? ' (resumed)' : ''}; retired ${r.retired.map((v) => `v${v}`).join(', ') || 'none'}`,
      ),
    );
  keys
    .command('reindex')
    .description(
      '从客户数据重建搜索索引（分批、可续做）/ rebuild the search index from the customers’ values, in batches, resumable',
    )
    .option('--batch-size <n>', 'customers per transaction (1–10000)', batchSizeOption, 1000)
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) =>
          withProgress(ctx.io, 'reindex', (onProgress) =>
            app.searchIndex.rebuild(actor, { batchSize: o.batchSize, onProgress }),
          ),
        (r) =>
          `重建索引 ${r.customers} 位客户，其中 ${r.changed} 位的索引已更新 / reindexed ${r.customers} customers, ${r.changed} changed`,
      ),
    );
}
