import {
  MOBILE_SEGMENTS,
  MOBILE_STRICT_PATTERN,
  type MobileCarrier,
  type MobileSegmentTable,
} from './mobile-segments.js';
import { codeText, holdsSeveral, normaliseMobile } from './normalise.js';
import { invalid } from './reasons.js';
import type { ValidationWithInfo } from './types.js';

export interface MobileInfo {
  carrier: MobileCarrier | 'unknown';
}

export interface MobileOptions {
  /** Segment table to use instead of `MOBILE_SEGMENTS`. */
  segments?: MobileSegmentTable;
}

function carrierOf(national: string, segments: MobileSegmentTable): MobileCarrier | undefined {
  const prefix = national.slice(0, 3);
  for (const [carrier, prefixes] of Object.entries(segments) as [MobileCarrier, readonly string[]][]) {
    if (prefixes.includes(prefix)) return carrier;
  }
  return undefined;
}

/** Validates a mainland mobile number. The canonical value is the 11-digit national number. */
export function validateMobile(raw: string, opts: MobileOptions = {}): ValidationWithInfo<MobileInfo> {
  if (raw.trim() === '') return invalid('EMPTY');
  const national = normaliseMobile(codeText(raw));
  if (national === null)
    return invalid(
      holdsSeveral(raw, (p) => normaliseMobile(p) !== null) ? 'MOBILE_MULTIPLE' : 'MOBILE_FORMAT',
    );
  const carrier = carrierOf(national, opts.segments ?? MOBILE_SEGMENTS);
  if (carrier === undefined && !MOBILE_STRICT_PATTERN.test(national)) return invalid('MOBILE_SEGMENT');
  return { ok: true, value: national, info: { carrier: carrier ?? 'unknown' } };
}
