/** Delimiters as people name them; no imports, so the console can show them too. */

const DELIMITER_NAMES: Record<string, { zh: string; en: string }> = {
  ',': { zh: '逗号', en: 'comma' },
  '\t': { zh: '制表符', en: 'tab' },
  ';': { zh: '分号', en: 'semicolon' },
  '|': { zh: '竖线', en: 'pipe' },
};

/** The CLI's help for --delimiter (import and detect). */
export const DELIMITER_HELP =
  '文本文件的分隔符：一个字符，或 tab、comma、semicolon、pipe（默认自动识别）/ field delimiter of a text file: one character, or tab, comma, semicolon, pipe (sniffed by default)';

/** A delimiter as a reader of a report names it ("tab", not an invisible character). */
export function describeDelimiter(delimiter: string, zh: boolean): string {
  const named = DELIMITER_NAMES[delimiter];
  return named ? (zh ? named.zh : named.en) : `"${delimiter}"`;
}
