/**
 * A streaming parser for delimited text (RFC 4180 plus what Excel tolerates): quoted fields may hold
 * delimiters, line breaks and doubled quotes; CRLF, LF and lone CR end records; text after a closing
 * quote is kept rather than rejected. Text arrives in arbitrary chunks, so every state survives a chunk
 * boundary (a quote or CR may be the last character of one chunk and its partner the first of the next).
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const State = {
  FieldStart: 0,
  Unquoted: 1,
  Quoted: 2,
  /** A quote inside a quoted field: either the closing quote or the first half of a doubled one. */
  QuoteInQuoted: 3,
  /** A CR ended the record; a directly following LF belongs to it. */
  AfterCr: 4,
} as const;
type State = (typeof State)[keyof typeof State];

export class RecordTooLongError extends Error {
  constructor(
    readonly recordNumber: number,
    /** 0-based field of the record that was growing. */
    readonly fieldIndex: number,
  ) {
    super(`record ${recordNumber} exceeds the size limit`);
  }
}

/** The text ended inside a quoted field: a stray quote took everything after it as one field. */
export class UnclosedQuoteError extends Error {
  constructor(
    readonly recordNumber: number,
    /** 0-based field the quote opened. */
    readonly fieldIndex: number,
  ) {
    super(`record ${recordNumber}: quoted field ${fieldIndex + 1} is never closed`);
  }
}

export class DelimitedParser {
  private state: State = State.FieldStart;
  private field = '';
  private record: string[] = [];
  private recordOpen = false;
  private recordChars = 0;
  private recordsDone = 0;

  /** `maxRecordChars` bounds memory when a stray quote would otherwise swallow the rest of the file. */
  constructor(
    private readonly delimiter: string,
    private readonly maxRecordChars = 4 * 1024 * 1024,
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new RangeError('the delimiter must be one character other than a quote or line break');
    }
  }

  /** Parses the next chunk and returns the records it completed. */
  push(chunk: string): string[][] {
    const out: string[][] = [];
    const delimiter = this.delimiter.charCodeAt(0);
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.AfterCr:
          this.state = State.FieldStart;
          if (chunk.charCodeAt(i) === LF) i++;
          break;
        case State.FieldStart:
          this.recordOpen = true;
          if (chunk.charCodeAt(i) === QUOTE) {
            this.state = State.Quoted;
            i++;
          } else {
            this.state = State.Unquoted;
          }
          break;
        case State.Unquoted: {
          // A plain scan, not a regular expression: a match object per field was a tenth of an
          // import's garbage.
          let end = i;
          let code = -1;
          while (end < n) {
            code = chunk.charCodeAt(end);
            if (code === delimiter || code === LF || code === CR) break;
            end++;
          }
          this.append(chunk, i, end);
          i = end;
          if (end < n) i = this.endField(code, delimiter, i, out);
          break;
        }
        case State.Quoted: {
          const close = chunk.indexOf('"', i);
          const end = close < 0 ? n : close;
          this.append(chunk, i, end);
          i = end;
          if (close >= 0) {
            this.state = State.QuoteInQuoted;
            i++;
          }
          break;
        }
        case State.QuoteInQuoted: {
          const code = chunk.charCodeAt(i);
          if (code === QUOTE) {
            this.append('"', 0, 1);
            this.state = State.Quoted;
            i++;
          } else if (code === delimiter || code === LF || code === CR) {
            i = this.endField(code, delimiter, i, out);
          } else {
            // Excel keeps text after a closing quote ("a"b -> ab) instead of failing the file.
            this.state = State.Unquoted;
          }
          break;
        }
      }
    }
    return out;
  }

  /**
   * Flushes the last record when the text does not end with a line break. Text that ends inside a
   * quoted field is refused (UnclosedQuoteError) rather than read as one long field: what the stray
   * quote swallowed would otherwise land in a customer's field, and the rows it spanned would vanish.
   */
  end(): string[][] {
    if (!this.recordOpen) return [];
    if (this.state === State.Quoted) throw new UnclosedQuoteError(this.recordsDone + 1, this.record.length);
    this.record.push(this.field);
    return [this.finishRecord()];
  }

  private append(text: string, from: number, to: number): void {
    if (to <= from) return;
    this.recordChars += to - from;
    if (this.recordChars > this.maxRecordChars)
      throw new RecordTooLongError(this.recordsDone + 1, this.record.length);
    this.field += text.slice(from, to);
  }

  /** Handles the delimiter or line break at `i`; returns the index after it. */
  private endField(code: number, delimiter: number, i: number, out: string[][]): number {
    this.record.push(this.field);
    this.field = '';
    if (code === delimiter) {
      this.state = State.FieldStart;
      return i + 1;
    }
    out.push(this.finishRecord());
    this.state = code === CR ? State.AfterCr : State.FieldStart;
    return i + 1;
  }

  private finishRecord(): string[] {
    const done = this.record;
    this.record = [];
    this.field = '';
    this.recordOpen = false;
    this.recordChars = 0;
    this.recordsDone++;
    return done;
  }
}
