/**
 * A streaming tokenizer for the markup old systems export as ".xls": HTML tables and Excel 2003 XML
 * (SpreadsheetML). It is not an HTML parser: it splits text into tags and text runs, skips comments
 * (Excel's `<!--[if gte mso 9]><xml>…` blocks among them), declarations and the bodies of `<script>` and
 * `<style>`, and leaves the structure to its caller. Text is yielded raw (entities undecoded): a run cut
 * by a chunk boundary arrives in two pieces, which the caller joins before decoding.
 */
export type MarkupToken =
  | { type: 'open'; name: string; attrs: string; selfClosing: boolean }
  | { type: 'close'; name: string }
  | { type: 'text'; text: string };

/** A tag, comment or raw body longer than this is damage, not markup: the caller reports it. */
export class MarkupTooLongError extends Error {
  constructor() {
    super('markup construct too long');
  }
}

/** Sticky: matched at the character after "<" without slicing the text. */
const TAG_NAME = /\/?([A-Za-z][\w:.-]*)/y;
const RAW_TEXT_TAGS = new Set(['script', 'style']);

export class MarkupTokenizer {
  private buffer = '';
  /** Inside `<script>` or `<style>`: the closing tag that ends the skipped body. */
  private rawEnd: string | null = null;

  constructor(private readonly maxPending = 1024 * 1024) {}

  /** The tokens a chunk completes, appended to `out` (a batch per chunk: no per-token iteration cost). */
  push(chunk: string, out: MarkupToken[] = []): MarkupToken[] {
    this.buffer += chunk;
    this.drain(false, out);
    return out;
  }

  end(out: MarkupToken[] = []): MarkupToken[] {
    this.drain(true, out);
    return out;
  }

  private drain(final: boolean, out: MarkupToken[]): void {
    const s = this.buffer;
    let i = 0;
    while (i < s.length) {
      if (this.rawEnd !== null) {
        const end = indexOfIgnoreCase(s, this.rawEnd, i);
        if (end === -1) {
          // Keep only what could be the start of the closing tag.
          i = Math.max(i, s.length - this.rawEnd.length);
          break;
        }
        this.rawEnd = null;
        i = end;
        continue;
      }
      const lt = s.indexOf('<', i);
      if (lt === -1) {
        out.push({ type: 'text', text: s.slice(i) });
        i = s.length;
        break;
      }
      if (lt > i) out.push({ type: 'text', text: s.slice(i, lt) });
      i = lt;
      const skipTo = skippedConstructEnd(s, lt);
      if (skipTo === -1) break;
      if (skipTo !== null) {
        const cdata = s.startsWith('<![CDATA[', lt);
        if (cdata) out.push({ type: 'text', text: s.slice(lt + 9, skipTo - 3) });
        i = skipTo;
        continue;
      }
      TAG_NAME.lastIndex = lt + 1;
      const name = TAG_NAME.exec(s);
      if (!name) {
        // "</" at the end of what is read so far: the tag's name is still to come.
        if (!final && s.length - lt <= 2) break;
        // A lone "<" in text (a < b): text, not a tag.
        out.push({ type: 'text', text: '<' });
        i = lt + 1;
        continue;
      }
      const end = tagEnd(s, lt + 1);
      if (end === -1) break;
      const body = s.slice(lt + 1, end);
      const tagName = (name[1] as string).toLowerCase();
      i = end + 1;
      if (body.startsWith('/')) {
        out.push({ type: 'close', name: tagName });
        continue;
      }
      const selfClosing = body.endsWith('/');
      out.push({
        type: 'open',
        name: tagName,
        attrs: body.slice((name[1] as string).length, selfClosing ? -1 : undefined),
        selfClosing,
      });
      if (!selfClosing && RAW_TEXT_TAGS.has(tagName)) this.rawEnd = `</${tagName}`;
    }
    this.buffer = s.slice(i);
    if (this.buffer.length > this.maxPending) throw new MarkupTooLongError();
    if (final && this.buffer !== '' && this.rawEnd === null) {
      // An unfinished tag at the very end: its text is kept rather than dropped.
      out.push({ type: 'text', text: this.buffer });
      this.buffer = '';
    }
  }
}

/**
 * For a comment, CDATA section, declaration or processing instruction at `lt`: the index after it,
 * or -1 when it is not complete yet. Null when `lt` opens an ordinary tag.
 */
function skippedConstructEnd(s: string, lt: number): number | null {
  const next = s[lt + 1];
  if (next === undefined) return -1;
  if (next !== '!' && next !== '?') return null;
  // Too short yet to tell a comment or CDATA section from a declaration.
  if (next === '!' && s.length < lt + 9) return -1;
  if (s.startsWith('<!--', lt)) {
    const end = s.indexOf('-->', lt + 4);
    return end === -1 ? -1 : end + 3;
  }
  if (s.startsWith('<![CDATA[', lt)) {
    const end = s.indexOf(']]>', lt + 9);
    return end === -1 ? -1 : end + 3;
  }
  const end = s.indexOf('>', lt + 2);
  return end === -1 ? -1 : end + 1;
}

/** The index of the ">" closing the tag whose name starts at `from`, quotes respected; -1 if not yet read. */
function tagEnd(s: string, from: number): number {
  const gt = s.indexOf('>', from);
  if (gt === -1) return -1;
  // Most tags hold no quote before their ">": then that ">" ends them.
  let quoted = false;
  for (let j = from; j < gt && !quoted; j++) {
    const c = s.charCodeAt(j);
    quoted = c === 0x22 || c === 0x27;
  }
  if (!quoted) return gt;
  let quote = 0;
  for (let j = from; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return j;
  }
  return -1;
}

function indexOfIgnoreCase(s: string, needle: string, from: number): number {
  const lower = needle.toLowerCase();
  for (let j = s.indexOf('<', from); j !== -1; j = s.indexOf('<', j + 1)) {
    if (s.slice(j, j + lower.length).toLowerCase() === lower) return j;
  }
  return -1;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  middot: '·',
  bull: '•',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  times: '×',
  divide: '÷',
  yen: '¥',
  rmb: '¥',
  copy: '©',
  reg: '®',
  deg: '°',
};

/** Text with its character references decoded; an unknown named reference stays as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    /&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[A-Za-z][A-Za-z0-9]{1,10});?/g,
    (whole, ref: string) => {
      if (ref.startsWith('#')) {
        const code =
          ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
        return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
          ? String.fromCodePoint(code)
          : whole;
      }
      return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
    },
  );
}

const ATTRIBUTE_PATTERNS = new Map<string, RegExp>();

/** One attribute's value from a tag's attribute text (`colspan="2"`, `ss:Index=3`), entities decoded. */
export function attribute(attrs: string, name: string): string | undefined {
  if (attrs.length === 0) return undefined;
  let re = ATTRIBUTE_PATTERNS.get(name);
  if (!re) {
    re = new RegExp(
      `(?:^|\\s)${name.replace(/[.:]/g, '\\$&')}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`,
      'i',
    );
    ATTRIBUTE_PATTERNS.set(name, re);
  }
  const m = re.exec(attrs);
  if (!m) return undefined;
  return decodeEntities(m[1] ?? m[2] ?? m[3] ?? '');
}
