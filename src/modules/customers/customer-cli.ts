import type { Command } from 'commander';
import type { App } from '../../app.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import {
  type CliContext,
  choiceOption,
  collectField,
  collectFilter,
  collectList,
  integerOption,
} from '../../kernel/cli/cli-runtime.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { formatShanghai } from '../../kernel/time/clock.js';
import {
  CUSTOMER_STATUSES,
  type CustomerKind,
  type CustomerSummary,
  type CustomerView,
  type FieldDef,
} from './customer-types.js';

function summaryLine(s: CustomerSummary): string {
  const shown = Object.entries(s.display)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(';') : String(v)}`)
    .join('  ');
  return `${s.id}  ${s.kind.padEnd(10)} ${shown}`;
}

function viewText(v: CustomerView): string {
  const lines = [`${v.id}  ${v.kind}  ${v.status}  purposes: ${v.purposes.join(', ')}`];
  for (const [k, val] of Object.entries(v.fields)) {
    const tag = v.revealed.includes(k) ? ' (revealed)' : v.masked.includes(k) ? ' (masked)' : '';
    lines.push(`  ${k.padEnd(14)} ${Array.isArray(val) ? val.join('; ') : String(val)}${tag}`);
  }
  lines.push(
    `  created ${formatShanghai(new Date(v.createdAt))}  updated ${formatShanghai(new Date(v.updatedAt))}`,
  );
  return lines.join('\n');
}

function parseKind(kind: string): CustomerKind {
  if (kind === 'individual' || kind === 'company' || kind === 'contact') return kind;
  throw new AppError('USAGE', { detail: '--kind must be individual, company or contact' });
}

export function registerCustomerCommands(program: Command, ctx: CliContext<App, Actor>): void {
  const customer = program.command('customer').description('客户：添加、查看、查找、删除 / customers');

  customer
    .command('add')
    .description('添加客户 / add a customer')
    .requiredOption('--kind <kind>', 'individual | company | contact')
    .option('--purpose <key>', '处理目的（可多次）/ purpose (repeatable)', collectList, [])
    .option('--field <key=value>', '字段值（可多次）/ field value (repeatable)', collectField, {})
    .option('--company <id>', '联系人所属企业 / company of a contact')
    .option('--owner <id>', '负责人 / owner')
    .option('--source <text>', '来源 / source')
    .option('--consent-channel <channel>', 'how consent was obtained (consent-based purposes)', 'at-creation')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => ({
          id: await app.customers.create(actor, {
            kind: parseKind(o.kind),
            purposes: o.purpose,
            fields: o.field,
            companyId: o.company,
            ownerId: o.owner,
            source: o.source,
            consentChannel: o.consentChannel,
          }),
        }),
        (r) => r.id,
      ),
    );

  customer
    .command('get <id>')
    .description('查看客户（默认脱敏）/ show a customer, masked unless revealed')
    .option('--reveal <fields>', '显示明文的字段（逗号分隔）/ fields to reveal', collectList, [])
    .option('--purpose <key>', '查看目的 / purpose of the reveal')
    .option('--reason <text>', '理由 / reason')
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.customers.get(actor, id, { reveal: o.reveal, purpose: o.purpose, reason: o.reason }),
        viewText,
      ),
    );

  customer
    .command('update <id>')
    .description('修改客户字段（值为空则清除）/ update fields (empty clears)')
    .option('--field <key=value>', 'field value (repeatable)', collectField, {})
    .option('--purpose <key>', 'add a purpose (repeatable)', collectList, [])
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          await app.customers.update(actor, id, o.field, { purposes: o.purpose });
          return { id, updated: Object.keys(o.field) };
        },
        (r) => `${r.id} updated: ${r.updated.join(', ')}`,
      ),
    );

  customer
    .command('list')
    .description('列出客户（脱敏，分页）/ list customers, masked, paged')
    .option('--kind <kind>', 'individual | company | contact')
    .option(
      '--status <status>',
      'active | erased | restricted',
      choiceOption('--status', CUSTOMER_STATUSES),
      'active',
    )
    .option('--filter <key=value>', 'exact match on an L1 field (repeatable)', collectFilter, {})
    .option('--limit <n>', 'page size (1–500)', integerOption('--limit', { min: 1, max: 500 }), 50)
    .option('--cursor <id>', 'continue after this id')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.customers.list(actor, {
            kind: o.kind ? parseKind(o.kind) : undefined,
            status: o.status,
            filters: o.filter,
            limit: o.limit,
            cursor: o.cursor,
          }),
        (r) =>
          [
            ...r.items.map(summaryLine),
            r.nextCursor ? `-- more: --cursor ${r.nextCursor}` : `-- ${r.items.length} shown`,
          ].join('\n'),
      ),
    );

  customer
    .command('find')
    .description('精确查找 / exact find')
    .option('--mobile <mobile>', '手机号')
    .option('--mobile-last4 <digits>', '手机尾号')
    .option('--id-number <id>', '身份证号')
    .option('--email <email>', '邮箱')
    .option('--name <name>', '姓名')
    .option('--company-name <name>', '客户名称')
    .option('--uscc <code>', '统一社会信用代码')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.customers.find(actor, {
            mobile: o.mobile,
            mobileLast4: o.mobileLast4,
            idNumber: o.idNumber,
            email: o.email,
            name: o.name,
            companyName: o.companyName,
            uscc: o.uscc,
          }),
        (r) => (r.length ? r.map(summaryLine).join('\n') : '（无匹配 / no match）'),
      ),
    );

  customer
    .command('erase <id>')
    .description('删除客户（密钥销毁）/ erase by crypto-shredding')
    .requiredOption('--reason <text>', '删除原因 / reason')
    .option('--request <id>', 'the data-subject request behind it')
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) => app.customers.erase(actor, id, { reason: o.reason, requestId: o.request }),
        (r) => `${r.id} erased at ${formatShanghai(new Date(r.erasedAt))} (erasure ${r.erasureId})`,
      ),
    );

  customer
    .command('history <id>')
    .description('谁处理过该客户的数据 / who touched this customer')
    .option('--limit <n>', 'events (1–10000)', integerOption('--limit', { min: 1, max: 10_000 }), 200)
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) => app.customers.history(actor, id, o.limit),
        (r) =>
          r
            .map(
              (e) =>
                `#${e.seq} ${formatShanghai(new Date(e.at))} ${e.actor} ${e.action} ${e.purpose ?? ''} ${e.fields.join(',')} ${e.outcome}`,
            )
            .join('\n'),
      ),
    );

  const field = program.command('field').description('字段目录 / field catalog');
  field
    .command('list')
    .description('列出字段 / list fields')
    .action(async (_o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) => app.catalog.list(actor),
        (r: FieldDef[]) =>
          r
            .map(
              (f) =>
                `${f.key.padEnd(16)} ${f.grade} ${f.sensitive ? '敏感' : '    '} ${f.searchable ? 'search' : '      '} ${f.labelZh} / ${f.labelEn}`,
            )
            .join('\n'),
      ),
    );
  field
    .command('add')
    .description('添加自定义字段 / add a custom field')
    .requiredOption('--key <key>', 'camelCase key')
    .requiredOption('--grade <grade>', 'L1 | L2 | L3 | L4')
    .option('--label-zh <text>', '中文名')
    .option('--label-en <text>', 'English label')
    .option('--category <c>', 'category', 'custom')
    .option('--type <t>', 'value type', 'text')
    .option('--mask <rule>', 'mask rule')
    .option('--kinds <kinds>', 'comma-separated kinds', collectList, [])
    .option('--searchable', 'blind-indexed for exact find')
    .option('--sensitive', 'sensitive PI (PIPL Art. 28)')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.catalog.add(actor, {
            key: o.key,
            grade: o.grade,
            labelZh: o.labelZh,
            labelEn: o.labelEn,
            category: o.category,
            type: o.type,
            mask: o.mask,
            kinds: o.kinds,
            searchable: o.searchable,
            sensitive: o.sensitive,
          }),
        (r) => `${r.key} added (${r.grade})`,
      ),
    );
}
