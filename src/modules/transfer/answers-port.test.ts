import { describe, expect, it } from 'vitest';
import { mergeTransferAnswers, type TransferAnswer, type TransferAnswers } from './answers-port.js';

function port(answers: TransferAnswer[], evidence: Record<string, unknown>, batch: boolean): TransferAnswers {
  const p: TransferAnswers = {
    answersFor: async () => answers,
    noticeEvidence: async (_t, id) => evidence[id] ?? null,
  };
  if (batch) {
    p.noticeEvidenceMany = async (_t, ids) =>
      new Map(ids.filter((id) => id in evidence).map((id) => [id, evidence[id]]));
  }
  return p;
}

describe('mergeTransferAnswers', () => {
  it('reads answers from both sources in time order and prefers the notices module’s evidence', async () => {
    const portal = port(
      [
        {
          customerId: 'a',
          answer: 'object',
          at: '2026-11-02T00:00:00Z',
          channel: 'portal',
          evidenceHash: null,
        },
      ],
      { a: { from: 'notices' } },
      true,
    );
    const local = port(
      [
        {
          customerId: 'b',
          answer: 'consent',
          at: '2026-11-01T00:00:00Z',
          channel: 'paper',
          evidenceHash: 'h',
        },
        {
          customerId: 'a',
          answer: 'withdraw',
          at: '2026-11-03T00:00:00Z',
          channel: 'phone',
          evidenceHash: null,
        },
      ],
      { a: { from: 'local' }, b: { from: 'local' } },
      false,
    );
    const merged = mergeTransferAnswers(portal, local);
    expect((await merged.answersFor('t')).map((a) => `${a.customerId}:${a.answer}`)).toEqual([
      'b:consent',
      'a:object',
      'a:withdraw',
    ]);
    expect(await merged.noticeEvidence('t', 'a')).toEqual({ from: 'notices' });
    expect(await merged.noticeEvidence('t', 'b')).toEqual({ from: 'local' });
    const many = await merged.noticeEvidenceMany?.('t', ['a', 'b', 'c']);
    expect(Object.fromEntries(many ?? [])).toEqual({ a: { from: 'notices' }, b: { from: 'local' } });
  });
});
