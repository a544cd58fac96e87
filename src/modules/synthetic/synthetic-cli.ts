import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type CliIo, globalsOf, printError, printResult, progressBar } from '../../kernel/cli/cli-runtime.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { checkOutputPath, formatOf } from '../export/table-writer.js';
import { generateSyntheticFile } from './generate-file.js';
import type { SyntheticEncoding, SyntheticFormat } from './types.js';

/** `custodian generate`: a synthetic customer list and its `.truth.json` sidecar; no data directory needed. */
export function registerGenerateCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('generate')
    .description('生成测试用的合成客户名单 / write a synthetic customer list for tests and demos')
    .requiredOption('--count <n>', '客户数 / number of customers')
    .option('--seed <seed>', '随机种子（相同种子生成相同文件）/ seed', '1')
    .option('--dirty-rate <r>', '含一处错误的记录比例 0..1 / share of records with one defect', '0')
    .option('--format <f>', 'csv | xlsx（默认按 --out 的扩展名，否则 csv）/ default: from --out, else csv')
    .option('--encoding <e>', 'utf8 | gbk (csv)', 'utf8')
    .option(
      '--shared-strings',
      'xlsx：文本存入共享字符串表，与 Excel 保存的一样 / xlsx: texts in a shared-string table, as Excel saves them',
    )
    .option('--out <file>', '输出文件 / output file')
    .action(async (o, cmd: Command) => {
      const g = globalsOf(cmd);
      const bar = progressBar(io, '生成 / generating');
      try {
        const count = Number(o.count);
        if (!Number.isInteger(count)) throw new AppError('USAGE', { detail: '--count must be an integer' });
        const format: SyntheticFormat = formatOf(
          o.out ?? '',
          o.format ?? (/\.xlsx$/i.test(o.out ?? '') ? 'xlsx' : 'csv'),
        );
        const outPath = resolve(o.out ?? `synthetic-${o.seed}-${count}.${format}`);
        checkOutputPath(outPath);
        checkOutputPath(`${outPath}.truth.json`);
        const summary = await generateSyntheticFile({
          count,
          seed: o.seed,
          dirtyRate: Number(o.dirtyRate),
          format,
          encoding: o.encoding as SyntheticEncoding,
          sharedStrings: o.sharedStrings === true,
          outPath,
          onProgress: (done, total) => bar.update(done, total),
        });
        bar.stop();
        const sidecar = `${outPath}.truth.json`;
        printResult(io, g, { file: outPath, sidecar, ...summary }, () =>
          [
            `${outPath}  (${summary.dataRows} rows, ${summary.encoding})`,
            `${g.lang === 'zh' ? '预期导入结果 / expected counts' : 'expected counts'}: ${sidecar}`,
          ].join('\n'),
        );
      } catch (err) {
        bar.stop();
        setExitCode(printError(io, g, err));
      }
    });
}
