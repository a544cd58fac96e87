import type { Command } from 'commander';
import type { App } from '../../app.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import { type CliContext, collectFilter, collectList, progressBar } from '../../kernel/cli/cli-runtime.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { CustomerKind } from '../customers/customer-types.js';
import type { ExportResult } from './export-types.js';

/** What the CLI prints after an export: the file, its hash, and every count the user must be told. */
export function exportResultText(r: ExportResult, zh: boolean): string {
  const lines = [
    `${r.file}  ${r.format}${r.format === 'csv' ? ` ${r.encoding}` : ''}  ${r.rows} ${zh ? '行' : 'rows'}  sha256 ${r.sha256}`,
    `${zh ? '导出编号 / export id' : 'export id'} ${r.exportId}${r.revealed.length ? `  ${zh ? '明文字段' : 'in clear'}: ${r.revealed.join(', ')} (${r.purpose})` : ''}`,
  ];
  if (r.maskedNoBasis)
    lines.push(
      zh
        ? `${r.maskedNoBasis} 个客户没有该目的的处理依据，已脱敏导出 / exported masked (no basis)`
        : `${r.maskedNoBasis} customers have no basis for the purpose: exported masked`,
    );
  if (r.unencodable)
    lines.push(
      zh
        ? `${r.unencodable} 个字符无法用 GBK 表示，已写为“?”；如需保留请用 --encoding utf8`
        : `${r.unencodable} characters do not exist in GBK and were written as "?"; use --encoding utf8 to keep them`,
    );
  if (r.substituted)
    lines.push(
      zh
        ? `${r.substituted} 个字符 GBK 中没有，已写为全角形式（¥ 写为 ￥）；如需保留原字符请用 --encoding utf8`
        : `${r.substituted} characters do not exist in GBK and were written as their full-width form (¥ as ￥); use --encoding utf8 to keep them`,
    );
  return lines.join('\n');
}

export function registerExportCommand(program: Command, ctx: CliContext<App, Actor>): void {
  program
    .command('export')
    .description('导出客户（默认脱敏，留审计）/ export customers, masked by default, audited')
    .requiredOption('--out <file>', '输出文件 .xlsx 或 .csv / output file')
    .option('--format <f>', 'xlsx | csv (default: from --out)')
    .option('--encoding <e>', 'csv: utf8 (with BOM) | gbk', 'utf8')
    .option('--fields <keys>', '导出的字段（逗号分隔）/ fields, comma-separated', collectList, [])
    .option('--kind <kind>', 'individual | company | contact')
    .option('--filter <key=value>', 'exact match on an L1 field (repeatable)', collectFilter, {})
    .option('--batch <id>', '只导出该导入批次的客户 / only customers of this import batch')
    .option(
      '--reveal <keys>',
      '以明文导出的字段（需要 --purpose）/ fields in clear (needs --purpose)',
      collectList,
      [],
    )
    .option('--purpose <key>', '导出目的 / purpose of the export')
    .action(async (o, command: Command) =>
      ctx.run(
        command,
        async (app, actor) => {
          if (o.kind && !['individual', 'company', 'contact'].includes(o.kind))
            throw new AppError('USAGE', { detail: '--kind must be individual, company or contact' });
          if (o.encoding !== 'utf8' && o.encoding !== 'gbk')
            throw new AppError('USAGE', { detail: '--encoding must be utf8 or gbk' });
          const bar = progressBar(ctx.io, '导出 / exporting');
          const result = await app.exports
            .exportCustomers(actor, {
              out: o.out,
              format: o.format,
              encoding: o.encoding,
              fields: o.fields,
              kind: o.kind as CustomerKind | undefined,
              filters: o.filter,
              batchId: o.batch,
              reveal: o.reveal,
              purpose: o.purpose,
              onProgress: (rows, total) => bar.update(rows, total),
            })
            .finally(() => bar.stop());
          ctx.io.stderr(
            `警告：导出文件 ${o.out} 含有个人信息，请按目的使用、妥善保管。\nWarning: ${o.out} holds personal data; use it for its purpose only and keep it safe.\n`,
          );
          return result;
        },
        (r, g) => exportResultText(r, g.lang === 'zh'),
      ),
    );
}
