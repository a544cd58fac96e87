import { columnLetter, columnNumber } from '../ingest-types.js';
import { cellText, decodeXstring, numericCellText } from './cell-text.js';
import { attribute, decodeEntities } from './markup-tokenizer.js';
import type { PartLocation } from './workbook-manifest.js';
import { elementPattern, inflatedText, PREFIX, streamedElements } from './xlsx-parts.js';
import { type SharedStringTable, sharedItemText } from './xlsx-shared-strings.js';
import { ZipFormatError } from './zip-directory.js';

const ROW = elementPattern('row');
const CELL = new RegExp(`<${PREFIX}c\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${PREFIX}c\\s*>)`, 'g');
const VALUE = new RegExp(`<${PREFIX}v(?:\\s[^>]*)?>([\\s\\S]*?)</${PREFIX}v\\s*>`);
const INLINE = new RegExp(`<${PREFIX}is(?:\\s[^>]*)?>([\\s\\S]*?)</${PREFIX}is\\s*>`);
const CELL_REF = /\sr\s*=\s*"([A-Za-z]{1,3})\d*"/;
const ROW_REF = /\sr\s*=\s*"(\d+)"/;
const CELL_TYPE = /\st\s*=\s*"([^"]*)"/;
const CELL_STYLE = /\ss\s*=\s*"(\d+)"/;
/** Far above one row's markup (16,384 cells of 32,767 characters): beyond it the part is damaged. */
const MAX_ROW_CHARS = 64 * 1024 * 1024;

/**
 * A cell that names a shared string the workbook does not have. Read as blank, its value would be lost
 * without a word; Excel itself calls such a file damaged.
 */
export class MissingSharedStringError extends Error {
  /** Set by the workbook reader, which knows which sheet it was reading. */
  sheet: string | undefined;

  constructor(
    readonly rowNumber: number,
    readonly column: string,
  ) {
    super('a cell refers to a shared string the workbook does not have');
  }
}

/** The number format code of a cell style (cellXfs index), for cellText to tell dates from numbers. */
export type CellFormats = (style: number) => string | undefined;

/**
 * Built-in number formats that show dates and times (ECMA-376 §18.8.30). Chinese Excel writes its own
 * date formats (年月日) as ids 27–36 and 50–58 without spelling them out; they are dates too.
 */
const BUILTIN_DATE_FORMATS: ReadonlyMap<number, string> = new Map([
  [14, 'mm-dd-yy'],
  [15, 'd-mmm-yy'],
  [16, 'd-mmm'],
  [17, 'mmm-yy'],
  [18, 'h:mm AM/PM'],
  [19, 'h:mm:ss AM/PM'],
  [20, 'h:mm'],
  [21, 'h:mm:ss'],
  [22, 'm/d/yy h:mm'],
  [45, 'mm:ss'],
  [46, '[h]:mm:ss'],
  [47, 'mmss.0'],
  ...[27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58].map(
    (id): [number, string] => [id, 'yyyy-mm-dd'],
  ),
]);

const NUM_FMT = new RegExp(`<${PREFIX}numFmt\\b([^>]*)>`, 'g');
const CELL_XFS = new RegExp(`<${PREFIX}cellXfs\\b[^>]*>([\\s\\S]*?)</${PREFIX}cellXfs\\s*>`);
const XF = new RegExp(`<${PREFIX}xf\\b([^>]*)>`, 'g');
/** A styles part is tens of kilobytes; more than this is not a style sheet. */
const MAX_STYLES_CHARS = 32 * 1024 * 1024;

/** Each cell style's number format code, from `xl/styles.xml` (none: every cell is a plain number). */
export async function readCellFormats(path: string, part: PartLocation | null): Promise<CellFormats> {
  if (!part) return () => undefined;
  let xml = '';
  for await (const chunk of inflatedText(path, part)) {
    xml += chunk;
    if (xml.length > MAX_STYLES_CHARS) throw new ZipFormatError('xl/styles.xml is too large');
  }
  const custom = new Map<number, string>();
  for (const m of xml.matchAll(NUM_FMT)) {
    const id = Number(attribute(m[1] ?? '', 'numFmtId'));
    const code = attribute(m[1] ?? '', 'formatCode');
    if (Number.isInteger(id) && code !== undefined) custom.set(id, code);
  }
  const styles: Array<string | undefined> = [];
  const xfs = CELL_XFS.exec(xml)?.[1] ?? '';
  for (const m of xfs.matchAll(XF)) {
    const id = Number(attribute(m[1] ?? '', 'numFmtId') ?? 0);
    styles.push(custom.get(id) ?? BUILTIN_DATE_FORMATS.get(id));
  }
  return (style) => styles[style];
}

export interface SheetRow {
  rowNumber: number;
  cells: string[];
}

/**
 * The rows of one worksheet part as it inflates: each `<row>` with its cells' text as Excel shows the
 * value (cellText), shared strings looked up in the bounded table. Only one row's markup is held at a
 * time. Rows and cells without a reference follow the previous one, as the format allows.
 */
export async function* sheetRows(
  chunks: AsyncIterable<string>,
  sharedStrings: SharedStringTable,
  formats: CellFormats,
  date1904: boolean,
): AsyncGenerator<SheetRow> {
  let rowNumber = 0;
  for await (const row of streamedElements(chunks, ROW, MAX_ROW_CHARS, 'a worksheet row', 'worksheet')) {
    const declared = Number(ROW_REF.exec(row.attrs)?.[1] ?? 0);
    rowNumber = declared > 0 ? declared : rowNumber + 1;
    let cells: string[] = [];
    try {
      if (row.inner !== null) cells = rowCells(row.inner, sharedStrings, formats, date1904);
    } catch (err) {
      if (err instanceof MissingStringAt)
        throw new MissingSharedStringError(rowNumber, columnLetter(err.column));
      if (err instanceof UncalculatedAt)
        throw new UncalculatedFormulaError(rowNumber, columnLetter(err.column));
      throw err;
    }
    yield { rowNumber, cells };
  }
}

function rowCells(
  markup: string,
  sharedStrings: SharedStringTable,
  formats: CellFormats,
  date1904: boolean,
): string[] {
  const cells: string[] = [];
  let column = 0;
  CELL.lastIndex = 0;
  for (let m = CELL.exec(markup); m !== null; m = CELL.exec(markup)) {
    const attrs = m[1] ?? '';
    const ref = CELL_REF.exec(attrs);
    column = (ref ? columnNumber((ref[1] as string).toUpperCase()) : null) ?? column + 1;
    const inner = m[2];
    if (inner === undefined) continue;
    const text = cellValueText(attrs, inner, sharedStrings, formats, date1904);
    if (text === null) throw new MissingStringAt(column);
    if (text === UNCALCULATED) throw new UncalculatedAt(column);
    if (text === undefined) continue;
    while (cells.length < column - 1) cells.push('');
    cells[column - 1] = text;
  }
  return cells;
}

class MissingStringAt {
  constructor(readonly column: number) {}
}

class UncalculatedAt {
  constructor(readonly column: number) {}
}

/**
 * A formula cell without its result: the workbook was written by a program (openpyxl, a report tool)
 * and never opened and saved in Excel, which is what calculates and stores the values. Its value cannot
 * be known here, and reading it as empty would drop a mobile or a name without a word.
 */
export class UncalculatedFormulaError extends Error {
  /** Set by the workbook reader, which knows which sheet it was reading. */
  sheet: string | undefined;

  constructor(
    readonly rowNumber: number,
    readonly column: string,
  ) {
    super('a formula cell has no calculated value');
  }
}

/** What cellValueText answers for a formula whose result the file does not hold. */
const UNCALCULATED = Symbol('uncalculated formula');

/**
 * A cell's text by its type (ECMA-376 §18.18.11); undefined for a cell with no value (formatted only),
 * null for a shared-string index the table lacks, UNCALCULATED for a formula without its result.
 */
function cellValueText(
  attrs: string,
  inner: string,
  sharedStrings: SharedStringTable,
  formats: CellFormats,
  date1904: boolean,
): string | undefined | null | typeof UNCALCULATED {
  const type = CELL_TYPE.exec(attrs)?.[1] ?? 'n';
  if (type === 'inlineStr') {
    const inline = INLINE.exec(inner);
    return inline ? sharedItemText(inline[1] ?? '') : undefined;
  }
  const value = VALUE.exec(inner)?.[1];
  if (value === undefined) return inner.includes('<f') || inner.includes(':f') ? UNCALCULATED : undefined;
  switch (type) {
    case 's':
      return sharedStrings.get(Number(value)) ?? null;
    case 'str':
    case 'e':
      return xmlText(value);
    case 'b':
      return cellText(value.trim() === '1', undefined, date1904);
    case 'd':
      return cellText(new Date(value.trim()), undefined, date1904);
    default: {
      if (value.trim() === '') return '';
      const style = Number(CELL_STYLE.exec(attrs)?.[1] ?? 0);
      return numericCellText(value, formats(style), date1904);
    }
  }
}

/** A `<v>` is an ST_Xstring too: a formula's text result keeps the CR Excel escaped in it. */
function xmlText(raw: string): string {
  return decodeXstring(decodeEntities(raw.replace(/\r\n?/g, '\n')));
}
