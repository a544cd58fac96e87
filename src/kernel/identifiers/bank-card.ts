import { luhnValid } from './checksums.js';
import { codeText, normaliseText } from './normalise.js';
import { invalid } from './reasons.js';
import type { ValidationWithInfo } from './types.js';

export interface BankCardInfo {
  luhn: boolean;
  /** UnionPay BIN (starts with 62). */
  unionPay: boolean;
  /** 0..1: how likely the digits are a real card number. */
  score: number;
}

/**
 * Scores a 16–19 digit run. Luhn counts most, but some older domestic debit cards reportedly fail it
 * (PIPL-REQUIREMENTS Q11), so a failure only lowers the score. A UnionPay BIN adds more than a
 * Visa/Mastercard co-brand BIN (4/5) because it is what Chinese banks issue by default.
 */
function score(digits: string, luhn: boolean): number {
  let s = 0.4;
  if (luhn) s += 0.4;
  if (digits.startsWith('62')) s += 0.2;
  else if (/^[45]/.test(digits)) s += 0.1;
  return Math.round(s * 100) / 100;
}

/** Validates a bank card number: 16–19 digits after removing spaces and dashes. Never fails on Luhn alone. */
export function validateBankCard(raw: string): ValidationWithInfo<BankCardInfo> {
  const s = codeText(normaliseText(raw)).replace(/[\s-]/g, '');
  if (s === '') return invalid('EMPTY');
  if (!/^\d{16,19}$/.test(s))
    return invalid(/^\d(\.\d+)?E\+?1[5-8]$/i.test(s) ? 'BANKCARD_PRECISION_LOST' : 'BANKCARD_FORMAT');
  const luhn = luhnValid(s);
  return { ok: true, value: s, info: { luhn, unionPay: s.startsWith('62'), score: score(s, luhn) } };
}
