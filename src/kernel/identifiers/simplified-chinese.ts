import { TRADITIONAL_SIMPLIFIED_PAIRS } from './simplified-chinese-table.js';

const TO_SIMPLIFIED: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  const chars = [...TRADITIONAL_SIMPLIFIED_PAIRS];
  for (let i = 0; i + 1 < chars.length; i += 2) map.set(chars[i] as string, chars[i + 1] as string);
  return map;
})();

/**
 * `text` with each traditional character in its simplified form (陳敏鳳 → 陈敏凤, 臺灣積體電路 → 台湾积体电路),
 * by OpenCC's one-to-one character table. A canonical form for matching, applied to both sides of every
 * comparison; never how a value is stored or shown.
 */
export function foldToSimplified(text: string): string {
  let out = '';
  let changed = false;
  for (const ch of text) {
    const simplified = TO_SIMPLIFIED.get(ch);
    if (simplified === undefined) out += ch;
    else {
      out += simplified;
      changed = true;
    }
  }
  return changed ? out : text;
}
