import { describe, expect, it } from 'vitest';
import type { FieldDef } from './customer-types.js';
import { normaliseFieldValue } from './field-values.js';

const def = (type: string): FieldDef => ({ key: type, type }) as unknown as FieldDef;

describe('normaliseFieldValue', () => {
  it('reads dates and amounts typed with a leading apostrophe to keep them as text', () => {
    expect(normaliseFieldValue(def('date'), "'1990-03-07")).toBe('1990-03-07');
    expect(normaliseFieldValue(def('money'), "'1,200元")).toBe(1200);
  });

  it('keeps the apostrophe of free text', () => {
    expect(normaliseFieldValue(def('text'), "'s-Hertogenbosch")).toBe("'s-Hertogenbosch");
  });

  it('rejects an amount with no digits instead of reading it as zero', () => {
    expect(() => normaliseFieldValue(def('money'), '元')).toThrow();
    expect(() => normaliseFieldValue(def('number'), "'")).toThrow();
  });
});
