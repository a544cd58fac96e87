import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCESS_EVENTS } from './access-events.js';

describe('access audit events', () => {
  it('declares every event the module appends, each with a category', () => {
    const dir = import.meta.dirname;
    const used = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const src = readFileSync(join(dir, file), 'utf8');
      for (const m of src.matchAll(/action: '([a-z][a-z.-]+)'/g))
        if ((m[1] as string).includes('.')) used.add(m[1] as string);
      if (src.includes('action: `export.approval.$' + '{input.decision}`')) {
        used.add('export.approval.approve');
        used.add('export.approval.reject');
      }
    }
    used.delete('customer.reveal'); // the customers module's event, queried by the access review
    expect([...used].filter((a) => !(a in ACCESS_EVENTS))).toEqual([]);
    for (const [name, e] of Object.entries(ACCESS_EVENTS)) expect(e.category, name).toBeTruthy();
  });
});
