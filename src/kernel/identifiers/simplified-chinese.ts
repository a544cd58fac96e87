import { TRADITIONAL_SIMPLIFIED_PAIRS } from './simplified-chinese-table.js';

/** The first code point the table holds (CJK Extension A); everything below it folds to itself. */
const FIRST_FOLDED = 0x3400;

/**
 * The table as code points: a flat array for the Basic Multilingual Plane, where nearly every pair
 * lives, and a map for the few beyond it. Every name and company name of an import is folded twice
 * (its blind index and its duplicate key), so a lookup per character must cost next to nothing.
 */
const { BMP_FOLD, ASTRAL_FOLD } = (() => {
  const bmp = new Int32Array(0x10000 - FIRST_FOLDED);
  const astral = new Map<number, number>();
  const chars = [...TRADITIONAL_SIMPLIFIED_PAIRS];
  for (let i = 0; i + 1 < chars.length; i += 2) {
    const from = (chars[i] as string).codePointAt(0) as number;
    const to = (chars[i + 1] as string).codePointAt(0) as number;
    if (from > 0xffff) astral.set(from, to);
    else bmp[from - FIRST_FOLDED] = to;
  }
  return { BMP_FOLD: bmp, ASTRAL_FOLD: astral };
})();

function simplifiedOf(codePoint: number): number {
  if (codePoint < FIRST_FOLDED) return 0;
  return codePoint > 0xffff
    ? (ASTRAL_FOLD.get(codePoint) ?? 0)
    : (BMP_FOLD[codePoint - FIRST_FOLDED] as number);
}

/**
 * `text` with each traditional character in its simplified form (陳敏鳳 → 陈敏凤, 臺灣積體電路 → 台湾积体电路),
 * by OpenCC's one-to-one character table. A canonical form for matching, applied to both sides of every
 * comparison; never how a value is stored or shown.
 */
export function foldToSimplified(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i) as number;
    if (simplifiedOf(cp) !== 0) return foldFrom(text, i);
    if (cp > 0xffff) i++;
  }
  return text;
}

/** Folds `text` from `start`, the first character that changes; what comes before it is kept as is. */
function foldFrom(text: string, start: number): string {
  let out = text.slice(0, start);
  for (let i = start; i < text.length; i++) {
    const cp = text.codePointAt(i) as number;
    const simplified = simplifiedOf(cp);
    out += String.fromCodePoint(simplified === 0 ? cp : simplified);
    if (cp > 0xffff) i++;
  }
  return out;
}
