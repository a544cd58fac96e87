import { classifyKind } from './classification.js';
import { maskValue } from './mask.js';
import { foldToHalfWidth } from './normalise.js';
import { type RuleHit, TEXT_RULES } from './text-rules.js';
import type { Detection, IdentifierKind } from './types.js';

export interface DetectOptions {
  /** The instant "now" for birth-date checks of ID numbers; injected for deterministic scans. */
  today?: Date;
  /** Detections below this confidence are dropped. Default 0.5. */
  minConfidence?: number;
}

interface Candidate extends RuleHit {
  kind: IdentifierKind;
  start: number;
  end: number;
  priority: number;
}

/** How many characters before a match are searched for keywords such as 卡号 or 护照. */
const CONTEXT_WINDOW = 12;

/**
 * Inserts `c` into `accepted` (kept sorted by start; its intervals never overlap, so ends are sorted
 * too) unless it overlaps one already there. Binary search keeps a long note's scan near-linear.
 */
function acceptIfFree(accepted: Candidate[], c: Candidate): void {
  let lo = 0;
  let hi = accepted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((accepted[mid] as Candidate).start < c.start) lo = mid + 1;
    else hi = mid;
  }
  const previous = accepted[lo - 1];
  const next = accepted[lo];
  if (previous !== undefined && previous.end > c.start) return;
  if (next !== undefined && next.start < c.end) return;
  accepted.splice(lo, 0, c);
}

/**
 * Finds identifiers in free text (notes, follow-up records, chat exports): candidates by pattern, each
 * confirmed by its validator. The result never carries the matched text, only offsets and the masked
 * form, so it can be logged and stored. Person names and addresses are not looked for: without a
 * column's context the heuristics would flag ordinary words.
 */
export function detectInText(text: string, opts: DetectOptions = {}): Detection[] {
  // Full-width digits (１３８…) fold one unit for one, so offsets stay valid for the original text.
  const folded = foldToHalfWidth(text);
  const minConfidence = opts.minConfidence ?? 0.5;
  const candidates: Candidate[] = [];

  TEXT_RULES.forEach((rule, priority) => {
    for (const m of folded.matchAll(rule.pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      const before = folded.slice(Math.max(0, start - CONTEXT_WINDOW), start);
      const hit = rule.check(m[0], before, opts.today);
      if (hit !== null && hit.confidence >= minConfidence) {
        candidates.push({ ...hit, kind: rule.kind, start, end, priority });
      }
    }
  });

  // Higher-priority rules first, longer matches first within a rule; a candidate overlapping an
  // accepted one is dropped.
  candidates.sort(
    (a, b) => a.priority - b.priority || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const accepted: Candidate[] = [];
  for (const c of candidates) acceptIfFree(accepted, c);

  return accepted.map((c) => {
    const classification = classifyKind(c.kind, c.hints);
    return {
      kind: c.kind,
      start: c.start,
      end: c.end,
      confidence: c.confidence,
      category: classification.category,
      sensitive: classification.sensitive,
      masked: maskValue(c.kind, c.display),
      ...(c.minorUnder14 ? { minorUnder14: true as const } : {}),
    };
  });
}
