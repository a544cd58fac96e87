import { normaliseText } from './normalise.js';
import { invalid } from './reasons.js';
import type { ValidationWithInfo } from './types.js';

/**
 * Passports and the permits for travel between the mainland, Hong Kong, Macau and Taiwan. None has a
 * public check character, so these are format checks only; all are sensitive PI (特定身份).
 */

function compact(raw: string): string {
  return normaliseText(raw).replace(/[\s-]/g, '').toUpperCase();
}

export interface PassportInfo {
  issuer: 'mainland' | 'hong-kong' | 'macau';
}

/**
 * PRC passports: E + 8 digits or E + letter + 7 digits (ordinary e-passport), G + 8 digits (older
 * ordinary), D/S/P + 8 digits, DE/SE/PE + 7 digits (diplomatic, service, public affairs), 14/15 + 7
 * digits (pre-e-passport); HKSAR K + 8 digits or KJ + 7 digits; MSAR MA + 7 digits. Foreign passports
 * have no common format and are not recognised.
 */
const PASSPORT_PATTERN = /^(?:E[0-9A-HJ-NP-Z]\d{7}|[EGDSPK]\d{8}|(?:DE|SE|PE|KJ|MA)\d{7}|1[45]\d{7})$/;

export function validatePassport(raw: string): ValidationWithInfo<PassportInfo> {
  const s = compact(raw);
  if (s === '') return invalid('EMPTY');
  if (!PASSPORT_PATTERN.test(s)) return invalid('PASSPORT_FORMAT');
  const issuer = s.startsWith('K') ? 'hong-kong' : s.startsWith('MA') ? 'macau' : 'mainland';
  return { ok: true, value: s, info: { issuer } };
}

export interface HkMacauPermitInfo {
  /** 往来港澳通行证 (mainland residents) or 港澳居民来往内地通行证 / 回乡证 (HK and Macau residents). */
  type: 'mainland-exit-permit' | 'home-return-permit';
}

/**
 * 往来港澳通行证: card version C + 8 digits, C + letter + 7 or 8 digits once the C series runs out, and
 * the old booklet W + 8 digits. 回乡证: H (Hong Kong) or M (Macau) + 8 digits, older cards + 10 digits.
 */
const EXIT_PERMIT = /^(?:C[0-9A-HJ-NP-Z]\d{7}|C[A-HJ-NP-Z]\d{8}|W\d{8})$/;
const HOME_RETURN_PERMIT = /^[HM](?:\d{8}|\d{10})$/;

export function validateHkMacauPermit(raw: string): ValidationWithInfo<HkMacauPermitInfo> {
  const s = compact(raw);
  if (s === '') return invalid('EMPTY');
  if (EXIT_PERMIT.test(s)) return { ok: true, value: s, info: { type: 'mainland-exit-permit' } };
  if (HOME_RETURN_PERMIT.test(s)) return { ok: true, value: s, info: { type: 'home-return-permit' } };
  return invalid('HK_MACAU_PERMIT_FORMAT');
}

export interface TaiwanPermitInfo {
  /** 往来台湾通行证 (mainland residents) or 台湾居民来往大陆通行证 / 台胞证 (Taiwan residents). */
  type: 'mainland-exit-permit' | 'taiwan-compatriot-permit';
}

export interface TaiwanPermitOptions {
  /**
   * Accept the all-digit 台胞证 forms (8 digits, legacy 10 digits). True by default for a field known
   * to hold a permit; the detectors turn it off because bare digit runs are mostly something else.
   */
  allowBareDigits?: boolean;
}

const TAIWAN_EXIT_PERMIT = /^L\d{8}$/;
const TAIWAN_COMPATRIOT_PERMIT = /^(?:\d{8}|\d{10}(?:\([A-Z]\))?)$/;

export function validateTaiwanPermit(
  raw: string,
  opts: TaiwanPermitOptions = {},
): ValidationWithInfo<TaiwanPermitInfo> {
  const s = compact(raw);
  if (s === '') return invalid('EMPTY');
  if (TAIWAN_EXIT_PERMIT.test(s)) return { ok: true, value: s, info: { type: 'mainland-exit-permit' } };
  if ((opts.allowBareDigits ?? true) && TAIWAN_COMPATRIOT_PERMIT.test(s)) {
    return { ok: true, value: s, info: { type: 'taiwan-compatriot-permit' } };
  }
  return invalid('TAIWAN_PERMIT_FORMAT');
}
