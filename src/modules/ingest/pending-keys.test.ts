import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import { PendingKeys } from './pending-keys.js';

describe('pending keys of a running import', () => {
  it('finds every registered customer by each of its lookup keys, across table growth', () => {
    const table = new PendingKeys();
    const entries: Array<{ field: string; hash: Buffer; id: string }> = [];
    for (let i = 0; i < 50_000; i++) {
      const id = uuidv7();
      for (const field of ['idNumber', 'mobile']) {
        const hash = randomBytes(16);
        table.add(field, hash, id);
        entries.push({ field, hash, id });
      }
    }
    expect(table.size).toBe(100_000);
    for (const e of entries) expect(table.candidates([{ field: e.field, hash: e.hash }])).toContain(e.id);
  });

  it('keeps fields apart, ignores fields nobody looks up, and answers nothing for unknown keys', () => {
    const table = new PendingKeys();
    const hash = randomBytes(16);
    const id = uuidv7();
    table.add('uscc', hash, id);
    table.add('name', randomBytes(16), id);
    table.add('email', randomBytes(16), id);
    expect(table.size).toBe(1);
    expect(table.candidates([{ field: 'uscc', hash }])).toEqual([id]);
    expect(table.candidates([{ field: 'companyName', hash }])).toEqual([]);
    let stray = 0;
    for (let i = 0; i < 1000; i++)
      stray += table.candidates([{ field: 'uscc', hash: randomBytes(16) }]).length;
    expect(stray).toBe(0);
  });

  it('lists a key shared by several customers once per customer', () => {
    const table = new PendingKeys();
    const hash = randomBytes(16);
    const a = uuidv7();
    const b = uuidv7();
    table.add('mobile', hash, a);
    table.add('mobile', hash, b);
    table.add('mobile', hash, b);
    expect(table.candidates([{ field: 'mobile', hash }]).sort()).toEqual([a, b].sort());
  });
});
