import { open, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTable } from './index.js';
import { scratchDir } from './test-support.js';

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
