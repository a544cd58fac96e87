import { codeText, normaliseText } from './normalise.js';
import { invalid } from './reasons.js';
import type { ValidationWithInfo } from './types.js';

export interface LandlineInfo {
  /** With the leading 0, e.g. `0571`. */
  areaCode: string;
  number: string;
  extension?: string;
}

/** 0 + 2 digits (10 Beijing, 2x the largest cities) or 0 + 3 digits (first digit 3–9). */
const AREA_CODE = /^0(?:10|2\d|[3-9]\d{2})$/;
/** Local numbers have 7–8 digits and never start with 0 or 1 (those are trunk and service prefixes). */
const LOCAL_NUMBER = /^[2-9]\d{6,7}$/;
const EXTENSION_SUFFIX = /\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$/i;
const INTERNATIONAL_PREFIX = /^(?:\+|00)86[\s\-()]*/;

/** Area codes 010 and 02x are 3 characters long; every other one is 4, so an unseparated run can be split. */
function areaCodeLength(digits: string): number {
  return /^0(?:10|2)/.test(digits) ? 3 : 4;
}

function parse(s: string): LandlineInfo | null {
  let rest = s;
  let extension: string | undefined;
  const ext = EXTENSION_SUFFIX.exec(rest);
  if (ext !== null) {
    extension = ext[1];
    rest = rest.slice(0, ext.index);
  }
  // +86 571 8888 8888 drops the trunk 0 of the area code; put it back.
  if (INTERNATIONAL_PREFIX.test(rest)) rest = `0${rest.replace(INTERNATIONAL_PREFIX, '').replace(/^0/, '')}`;

  const groups = rest.split(/[\s\-()‐‑–—]+/).filter((g) => g !== '');
  if (groups.some((g) => !/^\d+$/.test(g))) return null;

  let areaCode: string;
  let tail: string[];
  if (groups.length === 1) {
    const digits = groups[0] as string;
    areaCode = digits.slice(0, areaCodeLength(digits));
    tail = [digits.slice(areaCode.length)];
  } else {
    areaCode = groups[0] as string;
    tail = groups.slice(1);
  }
  if (!AREA_CODE.test(areaCode)) return null;

  let number = tail.join('');
  // "0571-88888888-123": a last group after a complete local number is an extension.
  if (!LOCAL_NUMBER.test(number) && extension === undefined && tail.length >= 2) {
    const last = tail[tail.length - 1] as string;
    const head = tail.slice(0, -1).join('');
    if (LOCAL_NUMBER.test(head) && last.length <= 6) {
      number = head;
      extension = last;
    }
  }
  if (!LOCAL_NUMBER.test(number)) return null;
  return extension === undefined ? { areaCode, number } : { areaCode, number, extension };
}

/**
 * Validates a mainland landline: area code, 7–8 digit local number, optional extension (`-123`, `转123`).
 * The canonical value is `0571-88888888` or `0571-88888888-123`.
 */
export function validateLandline(raw: string): ValidationWithInfo<LandlineInfo> {
  const s = codeText(normaliseText(raw));
  if (s === '') return invalid('EMPTY');
  const info = parse(s);
  if (info === null) return invalid('LANDLINE_FORMAT');
  const value = `${info.areaCode}-${info.number}${info.extension === undefined ? '' : `-${info.extension}`}`;
  return { ok: true, value, info };
}
