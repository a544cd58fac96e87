import { describe, expect, it } from 'vitest';
import { usccCheckChar } from './checksums.js';
import { validateUscc } from './uscc.js';

function withCheck(first17: string): string {
  return first17 + usccCheckChar(first17);
}

describe('validateUscc', () => {
  it('accepts the reference vectors and decodes their parts', () => {
    const a = validateUscc('91350100M000100Y43');
    expect(a.ok && a.info).toEqual({
      registrationAuthority: '9',
      entityType: '1',
      regionCode: '350100',
      orgCode: 'M000100Y4',
      orgCodeValid: true,
      soleProprietor: false,
    });
    const b = validateUscc('91110000802100433B');
    expect(b.ok && b.value).toBe('91110000802100433B');
    expect(b.ok && b.info.regionCode).toBe('110000');
  });

  it('canonicalises lower case, spaces and full-width input', () => {
    const expected = '91350100M000100Y43';
    for (const raw of [
      '91350100m000100y43',
      ' 9135 0100 M000 100Y 43 ',
      '９１３５０１００Ｍ０００１００Ｙ４３',
    ]) {
      const v = validateUscc(raw);
      expect(v.ok && v.value).toBe(expected);
    }
  });

  it('USCC_FORMAT for letters outside the charset, wrong length or letters in the region part', () => {
    const reasonOf = (raw: string) => {
      const v = validateUscc(raw);
      return v.ok ? 'ok' : v.reason;
    };
    expect(reasonOf('91350100M000100S43')).toBe('USCC_FORMAT');
    expect(reasonOf('91350100M000100V43')).toBe('USCC_FORMAT');
    expect(reasonOf('91350100M000100Y4')).toBe('USCC_FORMAT');
    expect(reasonOf('913501A0M000100Y43')).toBe('USCC_FORMAT');
    expect(reasonOf('')).toBe('EMPTY');
  });

  it('reads O and I, outside the alphabet, as the 0 and 1 they were typed for; the check still decides', () => {
    expect(validateUscc('9135O1OOMOOO1OOY43')).toMatchObject({ ok: true, value: '91350100M000100Y43' });
    expect(validateUscc('913501OOM000I00Y43')).toMatchObject({ ok: true, value: '91350100M000100Y43' });
    // Read as 1, the I makes another code, whose check character is not 3.
    expect(validateUscc('91350100M000100I43')).toMatchObject({ ok: false, reason: 'USCC_CHECKSUM' });
  });

  it('USCC_CHECKSUM when the last character is wrong', () => {
    const v = validateUscc('91350100M000100Y44');
    expect(v.ok ? 'ok' : v.reason).toBe('USCC_CHECKSUM');
  });

  it('marks individual businesses (92…) as sole proprietors', () => {
    const v = validateUscc(withCheck('92330106MA2H1234X'));
    expect(v.ok && v.info.soleProprietor).toBe(true);
  });

  it('reports, without failing, an embedded organisation code with a wrong check character', () => {
    const v = validateUscc(withCheck('91350100M000100Y5'));
    expect(v.ok).toBe(true);
    expect(v.ok && v.info.orgCodeValid).toBe(false);
  });
});
