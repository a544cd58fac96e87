import type { Lang } from '../../kernel/errors/app-error.js';
import type { BatchSummary, ImportReport, QuarantineItem, SheetSummary } from './ingest-types.js';
import { describeDelimiter } from './readers/delimiter-names.js';
import { describeReasons, flagMessage, reasonMessage } from './reason-messages.js';

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** The quality report as readable text (Chinese with English, or English with --lang en). */
export function reportText(r: ImportReport & { quarantine?: Record<string, number> }, lang: Lang): string {
  const zh = lang === 'zh';
  const c = r.counts;
  const lines: string[] = [];
  const head = r.dryRun
    ? zh
      ? '预览（--dry-run，未写入任何数据）/ dry run, nothing written'
      : 'Dry run: nothing was written'
    : `${zh ? '导入批次 / batch' : 'Batch'} ${r.batchId}  ${zh ? '状态' : 'status'} ${r.status}${r.resumed ? (zh ? '（续传）' : ' (resumed)') : ''}`;
  lines.push(head);
  lines.push(
    `${zh ? '文件 / file' : 'File'} ${r.file.name}  ${r.file.format}${r.file.encoding ? ` ${r.file.encoding}` : ''}${r.file.delimiter ? `  ${zh ? '分隔符' : 'delimiter'} ${describeDelimiter(r.file.delimiter, zh)}` : ''}  sha256 ${r.file.sha256.slice(0, 16)}…`,
  );
  lines.push(
    zh
      ? `读取 ${c.read}  新增 ${c.imported}  合并 ${c.merged}（与已有客户 ${c.mergedWithStore}）  跳过 ${c.skipped}  拒绝 ${c.rejected}  空行 ${c.blank}  标记 ${c.flagged}  冲突 ${c.conflicts}`
      : `read ${c.read}  imported ${c.imported}  merged ${c.merged} (with existing ${c.mergedWithStore})  skipped ${c.skipped}  rejected ${c.rejected}  blank ${c.blank}  flagged ${c.flagged}  conflicts ${c.conflicts}`,
  );
  for (const s of r.sheets ?? []) {
    if (s.headerRow !== undefined) lines.push(headerLine(s.name, s.headerRow, s.headerRows, zh));
    if (s.noCustomerColumns)
      lines.push(
        zh
          ? `${s.name}：没有能识别客户的列（姓名、手机、证件号、邮箱、客户名称、统一社会信用代码），其行都会被拒绝：若是说明页，用 --sheet 只导入客户表；否则用 --mapping 指明列 / no column identifies a customer`
          : `${s.name}: no column identifies a customer (name, mobile, ID number, email, company name, USCC), so its rows are all rejected: if it is a notes sheet, import the customer sheet with --sheet; otherwise name the columns with --mapping`,
      );
  }
  if (r.hiddenSheets?.length)
    lines.push(
      zh
        ? `未读取的隐藏工作表：${r.hiddenSheets.join('、')}（通常是下拉选项；若其中有客户，用 --sheet 单独导入）/ hidden sheets not read`
        : `hidden sheets not read: ${r.hiddenSheets.join(', ')} (usually dropdown lists; if one holds customers, import it with --sheet)`,
    );
  if (c.companiesCreated)
    lines.push(
      zh
        ? `按联系人创建的企业 ${c.companiesCreated}`
        : `companies created for their contacts: ${c.companiesCreated}`,
    );
  const reasons = Object.entries(c.byReason).sort((a, b) => b[1] - a[1]);
  if (reasons.length) {
    lines.push(zh ? '拒绝原因 / reasons:' : 'Reasons:');
    const width = Math.max(20, ...reasons.map(([code]) => code.length));
    for (const [code, n] of reasons)
      lines.push(`  ${code.padEnd(width)} ${String(n).padStart(6)}  ${reasonMessage(code)[lang]}`);
  }
  if (r.timings)
    lines.push(
      zh
        ? `用时 / time: 读写 ${r.timings.rowsSeconds} s，建立索引 ${r.timings.indexSeconds} s`
        : `time: rows ${r.timings.rowsSeconds} s, indexes ${r.timings.indexSeconds} s`,
    );
  const flags = Object.entries(c.byFlag ?? {}).sort((a, b) => b[1] - a[1]);
  if (flags.length) {
    lines.push(zh ? '标记 / flags:' : 'Flags:');
    const width = Math.max(24, ...flags.map(([flag]) => flag.length));
    for (const [flag, n] of flags)
      lines.push(`  ${flag.padEnd(width)} ${String(n).padStart(6)}  ${flagMessage(flag)[lang]}`);
  }
  if (r.quarantine && Object.keys(r.quarantine).length)
    lines.push(
      `${zh ? '隔离区 / quarantine' : 'Quarantine'}: ${Object.entries(r.quarantine)
        .map(([k, n]) => `${k} ${n}`)
        .join('  ')}`,
    );
  lines.push(zh ? '列 / columns:' : 'Columns:');
  for (const col of r.columns) {
    const target = col.field ?? (zh ? '（未导入）' : '(not imported)');
    const detected = col.detected
      ? `  ${zh ? '检测' : 'detected'} ${col.detected.kind} ${col.detected.grade}`
      : '';
    const examples = col.examples.length ? `  ${zh ? '例' : 'e.g.'} ${col.examples.join(', ')}` : '';
    lines.push(
      `  ${col.column.padEnd(3)} ${oneLine(col.header)} -> ${target}  ${zh ? '填充' : 'fill'} ${pct(col.fillRate)}  ${zh ? '有效' : 'valid'} ${pct(col.validRate)}${detected}${examples}`,
    );
    if (col.field === null && col.proposal) {
      const p = col.proposal;
      lines.push(
        p.builtinField
          ? `      ${zh ? '建议映射到内置字段' : 'looks like built-in field'} ${p.builtinField}（--mapping '{"${col.column}":"${p.builtinField}"}'）`
          : `      ${zh ? '建议自定义字段' : 'proposed custom field'} ${p.customKey ?? ''} (${p.grade}${p.like ? `${zh ? '，按' : ', checked as'} ${p.like}${zh ? ' 校验' : ''}` : ''})${zh ? '，用 --create-fields 创建' : ', create with --create-fields'}`,
      );
    }
  }
  if (r.rejectsFile) lines.push(`${zh ? '错误文件 / rejects file' : 'Rejects file'}: ${r.rejectsFile}`);
  return lines.join('\n');
}

export function batchLine(b: BatchSummary): string {
  const c = b.counts;
  return `${b.id}  ${b.status.padEnd(11)} ${b.createdAt.slice(0, 19)}  ${b.fileName}  read ${c.read} imported ${c.imported} merged ${c.merged} rejected ${c.rejected}`;
}

export function quarantineText(items: readonly QuarantineItem[], lang: Lang): string {
  if (items.length === 0)
    return lang === 'zh' ? '（隔离区为空）/ quarantine is empty' : 'The quarantine is empty';
  return items
    .map((q) =>
      [
        `#${q.seq} ${q.sheet}:${q.row} ${q.status}${q.customerId ? ` -> ${q.customerId}` : ''}  ${describeReasons(q.reasons, lang)}`,
        ...q.cells
          .filter((c) => c.value !== '')
          .map((c) => `    ${c.column} ${oneLine(c.header)}: ${c.value}`),
      ].join('\n'),
    )
    .join('\n');
}

/** Where a sheet's header stood, when not alone on its first row. */
function headerLine(sheet: string, row: number, span: SheetSummary['headerRows'], zh: boolean): string {
  const above = row - 1;
  if (span === 2) {
    const rows = `${row}–${row + 1}`;
    const dropped = zh
      ? `；其上 ${above} 行为标题或说明，未导入`
      : `; the ${above} row(s) above it (titles, notes) were not imported`;
    return zh
      ? `${sheet}：两行表头在第 ${rows} 行，按列合并${above > 0 ? dropped : ''} / two-row header on rows ${rows}`
      : `${sheet}: two-row header on rows ${rows}, combined column by column${above > 0 ? dropped : ''}`;
  }
  return zh
    ? `${sheet}：表头在第 ${row} 行，其上 ${above} 行为标题或说明，未导入 / header on row ${row}`
    : `${sheet}: header on row ${row}; the ${above} row(s) above it (titles, notes) were not imported`;
}

/** A header as one line of the report: a header cell may hold line breaks (手机\n号码). */
function oneLine(header: string): string {
  return header.replace(/\s*[\r\n]+\s*/g, ' ');
}
