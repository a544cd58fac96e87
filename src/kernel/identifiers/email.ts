import { holdsSeveral, normaliseText } from './normalise.js';
import { invalid } from './reasons.js';
import type { Validation } from './types.js';

/** RFC 5322 dot-atom local part, ASCII only: internationalised local parts are rare and unsupported by most gateways. */
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const ASCII_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** IDN labels (例子.中国, 公司.cn) are allowed in Unicode form. */
const UNICODE_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?$/u;

function validDomain(domain: string): boolean {
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((label) => ASCII_LABEL.test(label) || UNICODE_LABEL.test(label))) return false;
  const tld = labels[labels.length - 1] as string;
  // A top-level domain is never numeric; this also rejects user@192.168.1.1.
  return tld.length >= 2 && /\p{L}/u.test(tld);
}

/**
 * Pragmatic email check: dot-atom local part, at least two domain labels, IDN domains allowed.
 * The canonical value is trimmed and lower-cased (mailbox providers in China treat local parts
 * case-insensitively, and de-duplication needs one form).
 */
export function validateEmail(raw: string): Validation {
  const single = validateOneEmail(raw);
  if (single.ok || single.reason !== 'EMAIL_FORMAT') return single;
  return holdsSeveral(raw, (p) => validateOneEmail(p).ok) ? invalid('EMAIL_MULTIPLE') : single;
}

function validateOneEmail(raw: string): Validation {
  const s = normaliseText(raw).toLowerCase();
  if (s === '') return invalid('EMPTY');
  const at = s.indexOf('@');
  if (at <= 0 || at !== s.lastIndexOf('@') || s.length > 254) return invalid('EMAIL_FORMAT');
  const local = s.slice(0, at);
  // NFKC leaves the ideographic full stop alone; Chinese keyboards type it for the domain's dots.
  const domain = s.slice(at + 1).replace(/。/g, '.');
  if (local.length > 64 || !LOCAL_PART.test(local) || !validDomain(domain)) return invalid('EMAIL_FORMAT');
  return { ok: true, value: `${local}@${domain}` };
}
