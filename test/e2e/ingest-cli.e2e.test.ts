import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { SyntheticSummary } from '../../src/modules/synthetic/index.js';
import { countsOfSidecar } from '../support/sidecar.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'custodian');
const root = mkdtempSync(join(tmpdir(), 'custodian-ingest-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function initData(name: string): Record<string, string> {
  const D = join(root, name);
  expect(cli(['init', '--data', D, '--json']).code).toBe(0);
  const env = { CUSTODIAN_DATA: D };
  expect(
    cli(
      ['purpose', 'add', '--key', 'sales', '--name', '销售服务', '--basis', 'consent', '--retention', '3y'],
      env,
    ).code,
  ).toBe(0);
  return env;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('import through the compiled CLI', () => {
  it('survives kill -9 mid-import: the re-run resumes after the last chunk, with no duplicates', async () => {
    const env = initData('crash');
    const file = join(root, 'crash.csv');
    const gen = cli([
      'generate',
      '--count',
      '30000',
      '--seed',
      'crash',
      '--dirty-rate',
      '0.05',
      '--out',
      file,
      '--json',
    ]);
    expect(gen.code).toBe(0);
    const sidecar = JSON.parse(gen.stdout) as SyntheticSummary & { sidecar: string };
    expect(sidecar.sidecar).toBe(`${file}.truth.json`);
    const expected = (JSON.parse(readFileSync(sidecar.sidecar, 'utf8')) as SyntheticSummary).expected;

    const child = spawn(process.execPath, [BIN, 'import', file, '--purpose', 'sales', '--json'], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal ? -9 : _code)),
    );
    const dbFile = join(env.CUSTODIAN_DATA as string, 'custodian.db');
    let rowsDone = 0;
    for (let i = 0; i < 1200 && rowsDone === 0; i++) {
      await sleep(25);
      if (!existsSync(dbFile)) continue;
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        const row = db.prepare('select rows_done from import_batches limit 1').get() as
          | { rows_done: number }
          | undefined;
        rowsDone = row?.rows_done ?? 0;
      } catch {
        // the table appears with the first migration run
      } finally {
        db.close();
      }
    }
    expect(rowsDone).toBeGreaterThan(0);
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);

    const lookupIndexes = (d: Database.Database) =>
      (
        d.prepare("select count(*) as n from sqlite_master where name = 'customer_public_lookup'").get() as {
          n: number;
        }
      ).n;
    const db = new Database(dbFile, { readonly: true });
    const interrupted = db.prepare('select status, rows_done from import_batches').get() as {
      status: string;
      rows_done: number;
    };
    // A large file into an empty store sets the public-value index aside until the batch completes.
    expect(lookupIndexes(db)).toBe(0);
    db.close();
    expect(interrupted.status).toBe('running');
    expect(interrupted.rows_done).toBeLessThan(sidecar.dataRows);

    // Run again with another policy, the batch would go on with its own: refused, naming what differs.
    const other = cli(
      ['import', file, '--purpose', 'sales', '--on-duplicate', 'skip', '--lenient', '--json'],
      env,
    );
    expect(other.code).toBe(5);
    const refusal = JSON.parse(other.stdout) as { error: { code: string; messageEn: string } };
    expect(refusal.error.code).toBe('IMPORT_RESUME_OPTIONS');
    expect(refusal.error.messageEn).toContain('--lenient, --on-duplicate');

    const resumed = cli(['import', file, '--purpose', 'sales', '--json'], env);
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.stdout) as {
      resumed: boolean;
      status: string;
      counts: Record<string, unknown>;
    };
    expect(report).toMatchObject({ resumed: true, status: 'completed' });
    expect(report.counts).toMatchObject(countsOfSidecar(expected));
    // The scripted contract: the report's top-level totals equal the sidecar's keys one for one.
    const truth = JSON.parse(readFileSync(sidecar.sidecar, 'utf8')) as Record<string, unknown>;
    const keys = ['rowsRead', 'imported', 'merged', 'rejected', 'blank', 'flagged', 'reasons'];
    const pick = (o: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, o[k]]));
    expect(pick(report as unknown as Record<string, unknown>)).toEqual(pick(truth));
    expect(truth.rowsRead).toBe(expected.read);

    const check = new Database(dbFile, { readonly: true });
    const count = check.prepare("select count(*) as n from customers where status = 'active'").get() as {
      n: number;
    };
    expect(count.n).toBe(expected.imported);
    const dupes = check
      .prepare(
        `select b.field, count(*) as n from blind_index b join customers c on c.id = b.customer_id
         where (b.field = 'idNumber') or (b.field = 'mobile') or (b.field = 'uscc' and c.kind = 'company')
         group by b.field, b.hash having count(*) > 1`,
      )
      .all();
    expect(dupes).toEqual([]);
    const quarantined = check.prepare('select count(*) as n from import_quarantine').get() as { n: number };
    expect(quarantined.n).toBe(expected.rejected);
    expect(lookupIndexes(check)).toBe(1);
    const byRegion = check
      .prepare(
        "explain query plan select customer_id from customer_public where org_id = ? and field = 'region' and value = ?",
      )
      .all('org', '"x"') as Array<{ detail: string }>;
    expect(byRegion.map((r) => r.detail).join()).toContain('customer_public_lookup');
    check.close();
  }, 180_000);

  it('detect prints masked findings only, for text and for a file', () => {
    const text = '客户张三，手机13912345678，身份证11010519491231002X，邮箱zhangsan@example.cn';
    for (const args of [
      ['detect', text],
      ['detect', text, '--json'],
    ]) {
      const r = cli(args, { CUSTODIAN_DATA: join(root, 'none') });
      expect(r.code).toBe(0);
      for (const raw of ['13912345678', '11010519491231002X', 'zhangsan@example.cn']) {
        expect(r.stdout).not.toContain(raw);
        expect(r.stderr).not.toContain(raw);
      }
      expect(r.stdout).toContain('139****5678');
    }
    const file = join(root, 'detect.csv');
    expect(cli(['generate', '--count', '300', '--seed', 'd', '--out', file]).code).toBe(0);
    const r = cli(['detect', file, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      columns: Array<{ header: string; detected: { kind: string } | null; examples: string[] }>;
    };
    expect(out.columns.find((c) => c.header === '身份证号')?.detected?.kind).toBe('id-number');
    const csv = readFileSync(file, 'utf8');
    const firstId = /\d{17}[\dX]/.exec(csv)?.[0] as string;
    expect(r.stdout).not.toContain(firstId);
  });

  it('rejects file warning, quarantine and rollback from the command line', () => {
    const env = initData('small');
    const file = join(root, 'small.csv');
    expect(
      cli(['generate', '--count', '200', '--seed', 'small', '--dirty-rate', '0.3', '--out', file]).code,
    ).toBe(0);
    const rejects = join(root, 'rejects.csv');
    // Refused before any row is read: a folder that does not exist, and the file being imported itself.
    const before = readFileSync(file);
    const missing = cli(
      ['import', file, '--purpose', 'sales', '--rejects', join(root, 'no', 'r.csv'), '--json'],
      env,
    );
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'OUTPUT_NOT_WRITABLE' } });
    const itself = cli(['import', file, '--purpose', 'sales', '--rejects', file, '--json'], env);
    expect(itself.code).toBe(2);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(JSON.parse(cli(['import', 'list', '--json'], env).stdout)).toEqual([]);
    const exportMissing = cli(['export', '--out', join(root, 'no', 'x.xlsx'), '--json'], env);
    expect(JSON.parse(exportMissing.stdout)).toMatchObject({ error: { code: 'OUTPUT_NOT_WRITABLE' } });
    const generateMissing = cli(['generate', '--count', '5', '--out', join(root, 'no', 'g.csv'), '--json']);
    expect(generateMissing.code).toBe(3);
    // A file name that names no file is not scanned as text ("nothing found" would mislead).
    expect(cli(['detect', join(root, 'no-such-list.csv'), '--json']).code).toBe(4);
    const run = cli(['import', file, '--purpose', 'sales', '--rejects', rejects, '--json'], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('含有个人信息');
    const report = JSON.parse(run.stdout) as { batchId: string; counts: { rejected: number } };
    expect(readFileSync(rejects, 'utf8')).toContain('错误原因');
    const q = cli(['import', 'quarantine', report.batchId, '--json'], env);
    expect((JSON.parse(q.stdout) as { items: unknown[] }).items.length).toBe(
      Math.min(report.counts.rejected, 50),
    );
    const rb = cli(['import', 'rollback', report.batchId, '--json'], env);
    expect(rb.code).toBe(0);
    expect(JSON.parse(rb.stdout)).toMatchObject({ status: 'rolled_back' });
    const list = cli(['customer', 'list', '--json'], env);
    expect((JSON.parse(list.stdout) as { items: unknown[] }).items).toEqual([]);
  });

  it('says where a damaged file is damaged, in text as in --json, and leaves the store as it was', () => {
    const env = initData('stray-quote');
    const file = join(root, 'stray-quote.csv');
    writeFileSync(file, '姓名,手机\n张三,13812345678\n李四,"13912345678\n王五,13712345678\n');
    const text = cli(['import', file, '--purpose', 'sales'], env);
    expect(text.code).toBe(3);
    expect(text.stderr).toContain('[IMPORT_FILE_CORRUPT]');
    expect(text.stderr).toMatch(/details: row: 3; column: B; reason: a quote/);
    expect(text.stderr).not.toMatch(/1391|李四/);
    const json = cli(['import', file, '--purpose', 'sales', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { code: 'IMPORT_FILE_CORRUPT', details: { row: 3, column: 'B' } },
    });
    const list = cli(['customer', 'list', '--json'], env);
    expect((JSON.parse(list.stdout) as { items: unknown[] }).items).toEqual([]);
  });
  it('reads a tab-separated list saved as .csv, names the delimiter, and takes --delimiter', () => {
    const env = initData('delimiter');
    const file = join(root, 'unicode-text.csv');
    // Excel's "Unicode text" renamed .csv: tabs, and a comma inside the address.
    writeFileSync(
      file,
      '姓名\t手机\t地址\n张三\t13812345678\t浙江省杭州市滨江区江南大道100号, 3楼\n李四\t13912345678\t北京市朝阳区建国路88号\n',
    );
    const dry = cli(['import', file, '--purpose', 'sales', '--dry-run', '--json'], env);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ file: { delimiter: '\t' }, imported: 2, rejected: 0 });
    expect(cli(['import', file, '--purpose', 'sales', '--dry-run'], env).stdout).toContain('分隔符 制表符');
    // Told to split on commas, the rows identify no one; the masked examples show none of them.
    const told = cli(
      ['import', file, '--purpose', 'sales', '--dry-run', '--delimiter', 'comma', '--json'],
      env,
    );
    expect(JSON.parse(told.stdout)).toMatchObject({ file: { delimiter: ',' }, imported: 0 });
    const detect = cli(['detect', file, '--delimiter', ',', '--json']);
    expect(JSON.parse(detect.stdout)).toMatchObject({ delimiter: ',' });
    for (const raw of ['13812345678', '13912345678', '张三', '李四'])
      expect(detect.stdout).not.toContain(raw);
    const bad = cli(['import', file, '--purpose', 'sales', '--delimiter', '""', '--json'], env);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'USAGE' } });
    const run = cli(['import', file, '--purpose', 'sales', '--json'], env);
    expect(JSON.parse(run.stdout)).toMatchObject({ imported: 2, file: { delimiter: '\t' } });
  });

  it('says in the text report where a grouped header stood, and reads codes typed to stay text', () => {
    const env = initData('grouped-header');
    const file = join(root, 'grouped.csv');
    // As Excel saves a grouped header: 序号 and 姓名 merged down keep their text in the upper row; the
    // mobile typed with an apostrophe so Excel would keep it as text.
    writeFileSync(file, "客户名单\n序号,姓名,联系方式,\n,,手机,邮箱\n1,张三,'13812345678,a@b.cn\n");
    const text = cli(['import', file, '--purpose', 'sales', '--dry-run'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('grouped：两行表头在第 2–3 行，按列合并；其上 1 行为标题或说明，未导入');
    expect(text.stdout).toMatch(/读取 1 {2}新增 1 /);
    const en = cli(['import', file, '--purpose', 'sales', '--dry-run', '--lang', 'en'], env);
    expect(en.stdout).toContain('grouped: two-row header on rows 2–3, combined column by column');
  });

  it('suggests a mapping in the dry run and takes it inline with --mapping', () => {
    const env = initData('inline-mapping');
    const file = join(root, 'fair.csv');
    writeFileSync(file, '到访人,号码\n欧阳一,13912340101\n');
    const dry = cli(['import', file, '--purpose', 'sales', '--dry-run'], env);
    expect(dry.stdout).toContain(`--mapping '{"B":"mobile"}'`);
    // Unmapped, no column identifies a customer: the report says so for the sheet, and what to do.
    expect(dry.stdout).toContain('fair：没有能识别客户的列');
    expect(dry.stdout).toMatch(/新增 0 /);
    const run = cli(
      ['import', file, '--purpose', 'sales', '--mapping', '{"A":"name","B":"mobile"}', '--json'],
      env,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ imported: 1, rejected: 0 });
    const bad = cli(['import', file, '--purpose', 'sales', '--mapping', '{"B":', '--json'], env);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'IMPORT_MAPPING_INVALID' } });
  });
});
