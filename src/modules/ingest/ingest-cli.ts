import type { Command } from 'commander';
import type { App } from '../../app.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import {
  type CliContext,
  choiceOption,
  collectField,
  collectList,
  integerOption,
  progressBar,
} from '../../kernel/cli/cli-runtime.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { CustomerKind } from '../customers/customer-types.js';
import { loadMappingFile, parseMapping } from './header-mapping.js';
import {
  DEFAULT_CHUNK_ROWS,
  MAX_CHUNK_ROWS,
  ON_DUPLICATE,
  type OnDuplicate,
  QUARANTINE_STATUSES,
} from './ingest-types.js';
import { DELIMITER_HELP } from './readers/delimiter-names.js';
import { REJECTS_WARNING } from './rejects-file.js';
import { batchLine, quarantineText, reportText } from './report-text.js';

function parseKind(kind: string | undefined): CustomerKind | undefined {
  if (kind === undefined) return undefined;
  if (kind === 'individual' || kind === 'company' || kind === 'contact') return kind;
  throw new AppError('USAGE', { detail: '--kind must be individual, company or contact' });
}

function parseOnDuplicate(value: string): OnDuplicate {
  if ((ON_DUPLICATE as readonly string[]).includes(value)) return value as OnDuplicate;
  throw new AppError('USAGE', { detail: '--on-duplicate must be skip, merge or overwrite' });
}

/**
 * `custodian import FILE …` and its batch subcommands (list, report, quarantine, retry, discard,
 * rollback). A file literally named like a subcommand is given as ./list.
 */
export function registerIngestCommands(program: Command, ctx: CliContext<App, Actor>): void {
  const cmd = program
    .command('import')
    .description(
      '导入客户名单（xlsx/csv）/ import a customer list; `import list|report|quarantine|retry|discard|rollback`',
    )
    .argument(
      '<file>',
      '.xlsx, .csv, .tsv or .txt; a .xls/.htm/.html/.xml holding an HTML table, Excel 2003 XML or tab-separated text',
    )
    .option('--purpose <key>', '处理目的（可多次）/ purpose (repeatable)', collectList, [])
    .option('--sheet <name>', '只导入该工作表 / only this worksheet')
    .option('--delimiter <char>', DELIMITER_HELP)
    .option('--encoding <enc>', '文本编码，如 gbk、utf8 / text encoding')
    .option(
      '--mapping <file|json>',
      '列映射 JSON 文件，或以 { 开头的 JSON 本身 / column mapping file, or the JSON itself when it starts with {',
    )
    .option('--dry-run', '只预览映射和质量报告，不写入 / preview only, write nothing')
    .option(
      '--lenient',
      '无效的证件号等单元格不导入并标记，而不拒绝整行 / import rows without their invalid cells, flagged',
    )
    .option('--on-duplicate <mode>', 'skip | merge | overwrite', 'merge')
    .option('--rejects <file>', '把被拒绝的行写入 .xlsx/.csv（含个人信息）/ write rejected rows to this file')
    .option('--kind <kind>', '没有“客户类型”列时的类型 / kind when no 客户类型 column says')
    .option('--create-fields', '为未映射的列创建自定义字段 / create custom fields for unmapped columns')
    .option('--resume <batch>', '续传中断的批次 / continue an interrupted batch')
    .option(
      '--chunk-size <n>',
      `每个事务的行数 / rows per transaction (1–${MAX_CHUNK_ROWS})`,
      integerOption('--chunk-size', { min: 1, max: MAX_CHUNK_ROWS }),
      DEFAULT_CHUNK_ROWS,
    )
    .option(
      '--single-thread',
      '在同一线程解析和加密（更省内存，更慢）/ parse and seal on the importing thread (less memory, slower)',
    )
    .action(async (file: string, o, command: Command) =>
      ctx.run(
        command,
        async (app, actor) => {
          const mapping = o.mapping
            ? o.mapping.trimStart().startsWith('{')
              ? parseMapping(o.mapping, '--mapping')
              : await loadMappingFile(o.mapping)
            : undefined;
          const bar = progressBar(ctx.io, '导入 / importing', { quiet: Boolean(o.dryRun) });
          // Stopped however the import ends, so an error starts on a line of its own.
          const report = await app.ingest
            .run(actor, file, {
              purposes: o.purpose,
              sheet: o.sheet,
              encoding: o.encoding,
              delimiter: o.delimiter,
              mapping,
              dryRun: Boolean(o.dryRun),
              lenient: Boolean(o.lenient),
              onDuplicate: parseOnDuplicate(o.onDuplicate),
              kind: parseKind(o.kind),
              createFields: Boolean(o.createFields),
              resume: o.resume,
              rejectsFile: o.rejects,
              chunkSize: o.chunkSize,
              ...(o.singleThread ? { producer: 'inline' as const } : {}),
              onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal, { count: p.rows, unit: 'rows' }),
            })
            .finally(() => bar.stop());
          if (report.rejectsFile) ctx.io.stderr(REJECTS_WARNING.replaceAll('{file}', report.rejectsFile));
          return report;
        },
        (r, g) => reportText(r, g.lang),
      ),
    );

  cmd
    .command('list')
    .description('导入批次 / import batches')
    .option('--limit <n>', 'max batches (1–500)', integerOption('--limit', { min: 1, max: 500 }), 50)
    .action(async (o, command: Command) =>
      ctx.run(
        command,
        (app, actor) => app.ingest.list(actor, { limit: o.limit }),
        (r) => (r.length ? r.map(batchLine).join('\n') : '（没有导入批次）/ no batches'),
      ),
    );

  cmd
    .command('report <batch>')
    .description('批次质量报告 / a batch quality report')
    .action(async (batch: string, _o, command: Command) =>
      ctx.run(
        command,
        (app, actor) => app.ingest.report(actor, batch),
        (r, g) => reportText(r, g.lang),
      ),
    );

  cmd
    .command('quarantine <batch>')
    .description(
      '被拒绝的行（默认脱敏；--reveal --purpose P 显示原文，留审计）/ rejected rows, masked unless revealed for a purpose',
    )
    .option('--reveal', '显示原文（需要 --purpose，留审计）/ show in clear (needs --purpose, audited)')
    // --purpose is the parent's option (commander hands it to `import`): read from there.
    .option('--reason <text>', '理由（显示 L4 敏感信息时需要）/ reason (needed to reveal L4 cells)')
    .option('--status <status>', 'open | fixed | discarded', choiceOption('--status', QUARANTINE_STATUSES))
    .option('--limit <n>', 'rows per page (1–500)', integerOption('--limit', { min: 1, max: 500 }), 50)
    .option(
      '--after <seq>',
      'continue after this #sequence number',
      integerOption('--after', { min: 0, max: Number.MAX_SAFE_INTEGER }),
    )
    .action(async (batch: string, o, command: Command) =>
      ctx.run(
        command,
        (app, actor) =>
          app.ingest.quarantine(actor, batch, {
            reveal: Boolean(o.reveal),
            purpose: (command.parent?.opts().purpose as string[] | undefined)?.[0],
            reason: o.reason,
            status: o.status,
            limit: o.limit,
            afterSeq: o.after,
          }),
        (r, g) => `${quarantineText(r.items, g.lang)}${r.next ? `\n-- more: --after ${r.next}` : ''}`,
      ),
    );

  cmd
    .command('retry <batch> <row>')
    .description('修正并重新导入隔离区的一行 / fix a quarantined row and import it (ROW, SHEET:ROW or #SEQ)')
    .option(
      '--field <key=value>',
      '更正（列名、列字母或字段）/ correction by header, column letter or field',
      collectField,
      {},
    )
    .action(async (batch: string, row: string, o, command: Command) =>
      ctx.run(
        command,
        (app, actor) => app.ingest.retry(actor, batch, row, o.field),
        (r) => `#${r.seq} ${r.outcome}${r.customerId ? ` -> ${r.customerId}` : ''}`,
      ),
    );

  cmd
    .command('discard <batch> <row>')
    .description('丢弃隔离区的一行 / discard a quarantined row')
    .action(async (batch: string, row: string, _o, command: Command) =>
      ctx.run(
        command,
        (app, actor) => app.ingest.discard(actor, batch, row),
        (r) => `#${r.seq} ${r.status}`,
      ),
    );

  cmd
    .command('rollback <batch>')
    .description('撤销一个导入批次 / undo an import batch')
    .action(async (batch: string, _o, command: Command) =>
      ctx.run(
        command,
        (app, actor) => app.ingest.rollback(actor, batch),
        (r) =>
          `${r.batchId} ${r.status}: deleted ${r.deleted}, restored ${r.restored}, kept (changed since) ${r.keptChanged}, kept (erased) ${r.keptErased}`,
      ),
    );
}
