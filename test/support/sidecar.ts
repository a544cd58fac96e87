import type { SyntheticSummary } from '../../src/modules/synthetic/index.js';

/** The import report's `counts` a generated file's sidecar promises (what `toMatchObject` compares). */
export function countsOfSidecar(expected: SyntheticSummary['expected']) {
  return {
    read: expected.read,
    blank: expected.blank,
    imported: expected.imported,
    merged: expected.merged,
    rejected: expected.rejected,
    byReason: expected.byReason,
  };
}
