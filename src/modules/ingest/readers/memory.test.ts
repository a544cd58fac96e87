import { execFileSync } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTable } from './index.js';
import { SPREADSHEET_NS, scratchDir, writeOneSheetWorkbook } from './test-support.js';

const TARGET_BYTES = 60 * 1024 * 1024;
const MAX_GROWTH_BYTES = 150 * 1024 * 1024;

let dir: Awaited<ReturnType<typeof scratchDir>>;
let path: string;
let records = 0;

function cells(i: number): string[] {
  // Every 50th record has a multi-line note, so the parser's quoted state is exercised too.
  const note = i % 50 === 0 ? `第一行备注\n第二行, 含逗号 "${i}"` : `普通备注${i}`;
  return [`客户${i}`, String(13800000000 + i), `浙江省杭州市滨江区网商路${i}号`, note];
}

function record(i: number): string {
  const [name, mobile, address, note] = cells(i);
  return `${name},${mobile},${address},"${(note ?? '').replaceAll('"', '""')}"\n`;
}

beforeAll(async () => {
  dir = await scratchDir();
  path = dir.path('large.csv');
  const handle = await open(path, 'w');
  try {
    let written = 0;
    await handle.write('姓名,手机,地址,备注\n');
    while (written < TARGET_BYTES) {
      let chunk = '';
      for (let i = 0; i < 5000; i++) chunk += record(++records);
      const bytes = Buffer.from(chunk, 'utf8');
      await handle.write(bytes);
      written += bytes.length;
    }
  } finally {
    await handle.close();
  }
});

afterAll(async () => {
  await rm(path, { force: true });
  await dir.remove();
});

describe('streaming a large CSV', () => {
  it('keeps memory bounded while reading every row', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    let rows = 0;
    let last: string[] = [];
    for await (const row of (await openTable(path)).rows()) {
      if (row.isHeader) continue;
      rows++;
      last = row.cells;
      if (rows % 20_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(rows).toBe(records);
    expect(last).toEqual(cells(records));
    expect(peak - before).toBeLessThan(MAX_GROWTH_BYTES);
  });
});

describe('streaming a workbook with a large shared-string table', () => {
  // Excel stores each distinct text once, in xl/sharedStrings.xml: in a customer list that is nearly
  // every name, mobile and address, so the table grows with the file. Read through exceljs, it was held
  // as one array (with its parser's strings, 438 MB more for 500,000 items); it must not be held whole.
  const ROWS = 250_000;
  const text = (i: number): string =>
    i % 2 === 0 ? `客户${i}·浙江省杭州市滨江区网商路${i}号` : String(13800000000 + i);
  let workbook: string;

  beforeAll(async () => {
    workbook = dir.path('large-sst.xlsx');
    const items: string[] = [];
    const rows: string[] = [];
    for (let i = 0; i < 2 * ROWS; i++) items.push(`<si><t>${text(i)}</t></si>`);
    for (let r = 0; r < ROWS; r++)
      rows.push(
        `<row r="${r + 1}"><c r="A${r + 1}" t="s"><v>${2 * r}</v></c><c r="B${r + 1}" t="s"><v>${2 * r + 1}</v></c></row>`,
      );
    await writeOneSheetWorkbook(workbook, {
      sharedStrings: `<sst ${SPREADSHEET_NS}>${items.join('')}</sst>`,
      sheetData: rows.join(''),
    });
  });

  // Measured in a process of its own: this one still holds the garbage of writing the workbook.
  it('keeps memory bounded while reading every row', () => {
    const reader = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'index.ts')).href;
    const script = `
      import { openTable } from ${JSON.stringify(reader)};
      const before = process.memoryUsage().rss;
      let peak = before, read = 0, last = [];
      for await (const row of (await openTable(process.env.WORKBOOK)).rows()) {
        read++;
        last = row.cells;
        if (read % 20000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      }
      peak = Math.max(peak, process.memoryUsage().rss);
      process.stdout.write(JSON.stringify({ read, last, growth: peak - before }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, WORKBOOK: workbook },
      encoding: 'utf8',
    });
    const { read, last, growth } = JSON.parse(out) as { read: number; last: string[]; growth: number };
    expect(read).toBe(ROWS);
    expect(last).toEqual([text(2 * ROWS - 2), text(2 * ROWS - 1)]);
    expect(growth).toBeLessThan(MAX_GROWTH_BYTES);
  });
});
