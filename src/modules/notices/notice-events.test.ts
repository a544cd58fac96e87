import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTICE_EVENT_SCHEMAS, NOTICE_EVENTS } from './notice-events.js';

describe('notice audit events', () => {
  it('every event the notices and portal modules append is declared with a category and its details', () => {
    const used = new Set<string>();
    for (const dir of [import.meta.dirname, join(import.meta.dirname, '..', 'portal')]) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
        const src = readFileSync(join(dir, file), 'utf8');
        for (const m of src.matchAll(/action: NOTICE_EVENTS\.(\w+)/g)) used.add(m[1] as string);
        expect(src, file).not.toMatch(/action: '/);
      }
    }
    expect(used.size).toBeGreaterThan(5);
    for (const k of used) expect(Object.keys(NOTICE_EVENTS), k).toContain(k);
    for (const [name, s] of Object.entries(NOTICE_EVENT_SCHEMAS)) {
      expect(s.category, name).toBeTruthy();
      expect(s.details.length, name).toBeGreaterThan(0);
    }
  });
});
