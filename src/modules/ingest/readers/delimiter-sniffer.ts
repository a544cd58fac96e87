import { DelimitedParser, RecordTooLongError, UnclosedQuoteError } from './delimited-parser.js';

/** Candidates in order of preference when two explain the sample equally well. */
const CANDIDATES = ['\t', ',', ';', '|'] as const;
const SNIFF_RECORDS = 20;

/**
 * Picks the delimiter of a .txt export from its first records: the candidate that splits the most of
 * them into the same number (at least two) of fields, parsed quote-aware so delimiters inside quoted
 * values do not count. A file with no candidate is one column, for which any delimiter will do.
 * `complete` says whether `sample` is the whole file (its last line then counts even without a break).
 *
 * With `preferred` (a .csv's comma), that delimiter is kept unless it explains fewer records than
 * another does: a file named .csv is usually a comma list, but Excel's "Unicode text" and many
 * systems' "CSV" exports are tab-separated under that name, and European Excel writes semicolons.
 * Read with the comma, such a file is one column, and every row would be rejected as unidentifiable.
 * A comma list whose cells hold `;`-separated values still reads as commas: the semicolons vary from
 * row to row, the commas do not.
 */
export function sniffDelimiter(sample: string, complete: boolean, preferred?: string): string {
  let best: { delimiter: string; agreeing: number; width: number } | null = null;
  let kept: { agreeing: number } | null = null;
  for (const delimiter of CANDIDATES) {
    const widths = fieldCounts(sample, delimiter, complete);
    const width = mode(widths);
    if (width < 2) continue;
    const agreeing = widths.filter((w) => w === width).length;
    if (delimiter === preferred) kept = { agreeing };
    if (!best || agreeing > best.agreeing || (agreeing === best.agreeing && width > best.width)) {
      best = { delimiter, agreeing, width };
    }
  }
  if (preferred !== undefined && (!best || (kept && kept.agreeing >= best.agreeing))) return preferred;
  return best?.delimiter ?? '\t';
}

function fieldCounts(sample: string, delimiter: string, complete: boolean): number[] {
  const parser = new DelimitedParser(delimiter, sample.length + 1);
  let records: string[][];
  try {
    records = parser.push(sample);
  } catch (err) {
    if (err instanceof RecordTooLongError) return [];
    throw err;
  }
  try {
    if (complete) records.push(...parser.end());
  } catch (err) {
    // A stray quote: the records before it still count here; reading the file reports where it is.
    if (!(err instanceof UnclosedQuoteError)) throw err;
  }
  return records
    .filter((fields) => fields.some((f) => f.trim() !== ''))
    .slice(0, SNIFF_RECORDS)
    .map((fields) => fields.length);
}

function mode(values: number[]): number {
  const counts = new Map<number, number>();
  let best = 0;
  let bestCount = 0;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > bestCount || (c === bestCount && v > best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}
