import { invalid } from './reasons.js';
import type { Validation } from './types.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** Dotted quad without leading zeros: `010` is octal to some parsers and decimal to others. */
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** Validates a dotted-quad IPv4 address. */
export function validateIpv4(raw: string): Validation {
  const s = raw.normalize('NFKC').trim();
  if (s === '') return invalid('EMPTY');
  return IPV4.test(s) ? { ok: true, value: s } : invalid('IPV4_FORMAT');
}

/** Parses the 8 hextets of an IPv6 address, or null. Zone indices (`%eth0`) are rejected. */
function parseIpv6(s: string): number[] | null {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parseSide = (side: string): number[] | null => {
    if (side === '') return [];
    const out: number[] = [];
    const parts = side.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      // An embedded IPv4 address may only stand last (::ffff:192.0.2.1).
      if (i === parts.length - 1 && part.includes('.')) {
        if (!IPV4.test(part)) return null;
        const [a, b, c, d] = part.split('.').map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        out.push(Number.parseInt(part, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = parseSide(halves[0] as string);
  const tail = halves.length === 2 ? parseSide(halves[1] as string) : [];
  if (head === null || tail === null) return null;
  // The embedded IPv4 form is only legal at the very end.
  if (halves.length === 2 && (halves[0] as string).includes('.')) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/**
 * RFC 5952 text form: lower case, no leading zeros, the longest run (≥ 2) of zero hextets as `::`,
 * and IPv4-mapped addresses with their dotted tail (`::ffff:192.0.2.1`).
 */
function formatIpv6(hextets: number[]): string {
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    const [, , , , , , hi = 0, lo = 0] = hextets;
    return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (hextets[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && hextets[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = hextets.map((h) => h.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Validates an IPv6 address. The canonical value is the RFC 5952 form, so equal addresses compare equal. */
export function validateIpv6(raw: string): Validation {
  const s = raw.normalize('NFKC').trim();
  if (s === '') return invalid('EMPTY');
  const hextets = parseIpv6(s);
  return hextets === null ? invalid('IPV6_FORMAT') : { ok: true, value: formatIpv6(hextets) };
}
