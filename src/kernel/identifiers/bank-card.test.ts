import { describe, expect, it } from 'vitest';
import { validateBankCard } from './bank-card.js';
import { luhnCheckDigit } from './checksums.js';

const unionPay = (() => {
  const payload = '622202000012345678';
  return payload + luhnCheckDigit(payload);
})();
/** The same card with a wrong check digit. */
const unionPayBadLuhn = unionPay.slice(0, -1) + String((Number(unionPay.slice(-1)) + 1) % 10);

describe('validateBankCard', () => {
  it('scores a Luhn-valid UnionPay card highest', () => {
    const v = validateBankCard(unionPay);
    expect(v.ok && v.info).toEqual({ luhn: true, unionPay: true, score: 1 });
  });

  it('does not fail on Luhn alone but lowers the score', () => {
    const v = validateBankCard(unionPayBadLuhn);
    expect(v.ok).toBe(true);
    expect(v.ok && v.info.luhn).toBe(false);
    expect(v.ok && v.info.score).toBeLessThan(1);
    expect(v.ok && v.info.score).toBeGreaterThanOrEqual(0.5);
  });

  it('ranks a co-branded 4/5 BIN between UnionPay and an unknown BIN', () => {
    const visa = validateBankCard('4111111111111111');
    const unknownBin = validateBankCard('1234567812345670');
    expect(visa.ok && visa.info).toEqual({ luhn: true, unionPay: false, score: 0.9 });
    expect(unknownBin.ok && unknownBin.info.luhn).toBe(true);
    expect(unknownBin.ok && unknownBin.info.score).toBe(0.8);
    const noLuhnNoBin = validateBankCard('1234567812345678');
    expect(noLuhnNoBin.ok && noLuhnNoBin.info.score).toBe(0.4);
  });

  it('accepts spaces and dashes between groups and returns the bare digits', () => {
    const grouped = unionPay.replace(/(\d{4})(?=\d)/g, '$1 ');
    const v = validateBankCard(grouped);
    expect(v.ok && v.value).toBe(unionPay);
    const dashed = validateBankCard('4111-1111-1111-1111');
    expect(dashed.ok && dashed.value).toBe('4111111111111111');
  });

  it('BANKCARD_PRECISION_LOST for a number Excel kept only 15 digits of (scientific notation in a CSV)', () => {
    for (const raw of ['6.22202E+18', '6.22848E+15', '6.2284800001234E+18']) {
      const v = validateBankCard(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('BANKCARD_PRECISION_LOST');
    }
  });

  it('BANKCARD_FORMAT outside 16–19 digits or with letters', () => {
    for (const raw of ['411111111111111', '41111111111111111111', '4111 1111 1111 111a']) {
      const v = validateBankCard(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('BANKCARD_FORMAT');
    }
  });
});
