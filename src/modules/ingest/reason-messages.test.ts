import { describe, expect, it } from 'vitest';
import { flagMessage, reportMessages } from './reason-messages.js';

describe('reason and flag messages', () => {
  it('gives every counted reason and flag its meaning, lenient flags naming their field', () => {
    const messages = reportMessages({
      byReason: { ID_CHECKSUM: 2, EXCEL_ERROR_VALUE: 1, SOMETHING_NEW: 1 },
      byFlag: { 'minor:under-14': 1, 'lenient:mobile': 3 },
    });
    expect(Object.keys(messages.reasons)).toEqual(['ID_CHECKSUM', 'EXCEL_ERROR_VALUE', 'SOMETHING_NEW']);
    expect(messages.reasons.ID_CHECKSUM?.zh).toContain('校验');
    expect(messages.reasons.EXCEL_ERROR_VALUE?.en).toContain('#N/A');
    // An unknown code still reads as something, with the code in it.
    expect(messages.reasons.SOMETHING_NEW).toEqual({
      zh: '无效（SOMETHING_NEW）',
      en: 'invalid (SOMETHING_NEW)',
    });
    expect(messages.flags['minor:under-14']?.zh).toContain('监护人同意');
    expect(messages.flags['lenient:mobile']).toEqual({
      zh: '宽松模式：无效的 mobile 未导入',
      en: 'lenient: the invalid mobile was left out',
    });
    expect(flagMessage('something:else')).toEqual({ zh: 'something:else', en: 'something:else' });
  });
});
