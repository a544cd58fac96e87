import { describe, expect, it } from 'vitest';
import { type CliIo, printError, progressBar, progressStats } from './cli-runtime.js';

describe('progress bar', () => {
  it('computes rate and time left from progress so far', () => {
    expect(progressStats(500, 2000, 1000)).toEqual({ rate: 500, etaSeconds: 3 });
    expect(progressStats(0, 2000, 1000)).toEqual({ rate: 0, etaSeconds: null });
  });

  it('draws on a terminal with rate and ETA, and stays silent off a terminal or when asked', () => {
    const lines: string[] = [];
    const tty: CliIo = { stdout: () => {}, stderr: (s) => lines.push(s), stderrIsTty: true };
    const bar = progressBar(tty, 'import');
    bar.update(2000, 2000);
    bar.stop();
    expect(lines[0]).toMatch(/^\rimport \[█+\] 100% 2000\/2000 [\d,]+\/s ETA (\d+s|--)/);
    const quiet: string[] = [];
    progressBar({ ...tty, stderr: (s) => quiet.push(s) }, 'x', { quiet: true }).update(1, 2);
    progressBar({ ...tty, stderr: (s) => quiet.push(s), stderrIsTty: false }, 'x').update(1, 2);
    expect(quiet).toEqual([]);
  });

  it('ends its line once, and only after drawing, so an error after it starts on a line of its own', () => {
    const lines: string[] = [];
    const bar = progressBar({ stdout: () => {}, stderr: (s) => lines.push(s), stderrIsTty: true }, 'x');
    bar.stop();
    expect(lines).toEqual([]);
    bar.update(1, 2);
    bar.stop();
    bar.stop();
    expect(lines.filter((l) => l === '\n')).toHaveLength(1);
  });

  it('shows rows and rows per second while the bar and ETA follow the bytes read', () => {
    const lines: string[] = [];
    const bar = progressBar({ stdout: () => {}, stderr: (s) => lines.push(s), stderrIsTty: true }, '导入');
    bar.update(250, 1000, { count: 1200, unit: 'rows' });
    expect(lines[0]).toMatch(/^\r导入 \[█{8}░{22}\] 25% 1,200 rows [\d,]+ rows\/s ETA (\d+s|--)/);
  });
});

describe('printError', () => {
  it('names the path and the problem of a file-system error, instead of an internal error', () => {
    const out: string[] = [];
    const io: CliIo = { stdout: (s) => out.push(s), stderr: () => {}, stderrIsTty: false };
    const missing = Object.assign(new Error('ENOENT: no such file or directory'), {
      code: 'ENOENT',
      syscall: 'open',
      path: '/no/such/dir/x.json',
    });
    expect(printError(io, { json: true, lang: 'zh' }, missing)).toBe(3);
    expect(JSON.parse(out[0] as string)).toMatchObject({
      error: { code: 'FILE_ACCESS_FAILED', messageEn: expect.stringContaining('/no/such/dir/x.json') },
    });
    // Anything else stays INTERNAL, its message unsaid.
    expect(printError(io, { json: true, lang: 'zh' }, new Error('secret 13812345678'))).toBe(1);
    expect(out[1]).not.toContain('1381234');
  });
});
