import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { neutraliseFormula, openTableWriter } from './table-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('table writer', () => {
  it('neutralises cells that a spreadsheet would run as formulas', () => {
    for (const s of ['=1+1', '+86', '-2', '@SUM(A1)', '\tx', '\rx'])
      expect(neutraliseFormula(s)).toBe(`'${s}`);
    for (const s of ['张三', '1+1', "'=x", '']) expect(neutraliseFormula(s)).toBe(s);
  });

  it('writes CSV with a BOM (or GBK without), hashes exactly the bytes written, mode 0600', async () => {
    const path = join(dir, 'a.csv');
    writeFileSync(path, 'old content', { mode: 0o644 });
    const w = openTableWriter(path, { format: 'csv' });
    await w.startSheet('s', ['姓名', '备注']);
    await w.row(['王五', '=cmd|"/c calc"!A0']);
    await w.row(['赵, 六', null]);
    const done = await w.close();
    const bytes = readFileSync(path);
    expect(bytes.toString('utf8')).toBe('\ufeff姓名,备注\r\n王五,"\'=cmd|""/c calc""!A0"\r\n"赵, 六",\r\n');
    expect(done.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(done.bytes).toBe(bytes.length);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const gbk = join(dir, 'g.csv');
    const g = openTableWriter(gbk, { format: 'csv', encoding: 'gbk' });
    await g.startSheet('s', ['姓名']);
    await g.row(['王五𠀀']);
    const gd = await g.close();
    expect(iconv.decode(readFileSync(gbk), 'gbk')).toBe('姓名\r\n王五?\r\n');
    expect(gd.unencodable).toBe(1);
    expect(gd.substituted).toBe(0);
  });

  it('GBK: counts each ¥ written as ￥ (a changed character the user is told of), apart from "?"', async () => {
    const gbk = join(dir, 'yen.csv');
    const g = openTableWriter(gbk, { format: 'csv', encoding: 'gbk' });
    await g.startSheet('s', ['备注']);
    await g.row(['¥100 或 ¥200']);
    await g.row(['￥300 𠀀']);
    const done = await g.close();
    expect(iconv.decode(readFileSync(gbk), 'gbk')).toBe('备注\r\n￥100 或 ￥200\r\n￥300 ?\r\n');
    expect(done).toMatchObject({ substituted: 2, unencodable: 1 });

    const utf8 = join(dir, 'yen-utf8.csv');
    const u = openTableWriter(utf8, { format: 'csv' });
    await u.startSheet('s', ['备注']);
    await u.row(['¥100']);
    expect(await u.close()).toMatchObject({ substituted: 0, unencodable: 0 });
    expect(readFileSync(utf8, 'utf8')).toContain('¥100');
  });
});
