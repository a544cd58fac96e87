import type { Command } from 'commander';
import { type CliIo, globalsOf, printError, printResult } from '../../kernel/cli/cli-runtime.js';
import { DELIMITER_HELP, describeDelimiter } from '../ingest/readers/delimiter-names.js';
import { type DetectResult, detectFile, detectText, isFilePath } from './detect.js';

function resultText(r: DetectResult, zh: boolean): string {
  if (r.mode === 'text') {
    if (r.findings.length === 0) return zh ? '未发现个人信息 / nothing found' : 'Nothing found';
    return r.findings
      .map(
        (f) =>
          `${String(f.start).padStart(6)}-${String(f.end).padEnd(6)} ${f.kind.padEnd(16)} ${f.masked}  ${f.category}${f.sensitive ? (zh ? ' 敏感' : ' sensitive') : ''} (${f.confidence})${f.minorUnder14 ? (zh ? '  未满14周岁' : '  under 14') : ''}`,
      )
      .join('\n');
  }
  const lines = [
    `${r.file}  ${r.format}${r.encoding ? ` ${r.encoding}` : ''}${r.delimiter ? `  ${zh ? '分隔符' : 'delimiter'} ${describeDelimiter(r.delimiter, zh)}` : ''}  ${zh ? '抽样行数' : 'rows sampled'} ${r.sampledRows}`,
  ];
  for (const c of r.columns) {
    const d = c.detected;
    lines.push(
      `  ${c.sheet}!${c.column.padEnd(3)} ${c.header} -> ${c.mappedField ?? (c.suggestedField ? `- (${zh ? '像' : 'looks like'} ${c.suggestedField})` : '-')}  ${
        d
          ? `${d.kind} ${d.grade}${d.sensitive ? (zh ? ' 敏感' : ' sensitive') : ''} (${d.matched}/${d.sampled})${d.minorsUnder14 ? (zh ? ` 未满14周岁 ${d.minorsUnder14}` : ` under-14 ${d.minorsUnder14}`) : ''}`
          : zh
            ? '未识别'
            : 'not recognised'
      }${c.examples.length ? `  ${zh ? '例' : 'e.g.'} ${c.examples.join(', ')}` : ''}`,
    );
  }
  return lines.join('\n');
}

/** `custodian detect FILE|TEXT`: needs no data directory, stores nothing, prints masked values only. */
export function registerDetectCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('detect <input>')
    .description(
      '识别文件各列或一段文字中的个人信息（只输出脱敏结果）/ find personal data in a file or text, masked',
    )
    .option('--sheet <name>', 'worksheet (xlsx, Excel 2003 XML) or table (HTML)')
    .option('--encoding <enc>', 'text encoding of a CSV')
    .option('--delimiter <char>', DELIMITER_HELP)
    .action(async (input: string, o, cmd: Command) => {
      const g = globalsOf(cmd);
      try {
        const result = isFilePath(input)
          ? await detectFile(input, {
              ...(o.sheet ? { sheet: o.sheet } : {}),
              ...(o.encoding ? { encoding: o.encoding } : {}),
              ...(o.delimiter ? { delimiter: o.delimiter } : {}),
            })
          : detectText(input);
        printResult(io, g, result, (r: DetectResult) => resultText(r, g.lang === 'zh'));
      } catch (err) {
        setExitCode(printError(io, g, err));
      }
    });
}
