import {
  idNumberCheckChar,
  luhnCheckDigit,
  orgCodeCheckChar,
  USCC_CHARSET,
  usccCheckChar,
} from '../../kernel/identifiers/checksums.js';
import { type CalendarDate, compactDate, pad } from './format.js';
import type { Rng } from './rng.js';
import { BANK_CARD_BINS } from './tables/identifier-prefixes.js';

/** Resident ID number (GB 11643): region, birth date, 3-digit sequence (odd for men), check character. */
export function buildIdNumber(regionCode: string, birth: CalendarDate, sequence: number): string {
  const first17 = `${regionCode}${compactDate(birth)}${pad(sequence, 3)}`;
  return first17 + idNumberCheckChar(first17);
}

/** A GB 11714 organisation code: 8 body characters and their check character. */
export function buildOrgCode(body: string): string {
  return body + orgCodeCheckChar(body);
}

/** USCC of an enterprise: registered by 市场监管 (9), as a company (1), in `divisionCode`. */
export function buildEnterpriseUscc(divisionCode: string, orgCode: string): string {
  const first17 = `91${divisionCode}${orgCode}`;
  return first17 + usccCheckChar(first17);
}

/** `value` in base 31 over the USCC alphabet, `width` characters, for post-2015 (MA…) org codes. */
export function toUsccDigits(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = (USCC_CHARSET[rest % 31] as string) + out;
    rest = Math.floor(rest / 31);
  }
  return out;
}

/** A UnionPay debit card number with a valid Luhn digit. */
export function buildBankCard(rng: Rng): string {
  const [bin, length] = rng.pick(BANK_CARD_BINS);
  let payload = bin;
  while (payload.length < length - 1) payload += String(rng.int(0, 9));
  return payload + luhnCheckDigit(payload);
}
