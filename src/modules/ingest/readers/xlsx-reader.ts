import { AppError } from '../../../kernel/errors/app-error.js';
import { openBytes } from './file-access.js';
import { RowShaper } from './row-shaper.js';
import { findSheetIndex, sheetParams } from './sheet-choice.js';
import type { OpenTableOptions, ReadMeter, TableRow, TableSource } from './types.js';
import {
  type PartLocation,
  readWorkbookManifest,
  type SheetInfo,
  type WorkbookManifest,
} from './workbook-manifest.js';
import { headerWidener, MergeFiller, readMerges, type SheetMerges } from './xlsx-merges.js';
import { inflatedText } from './xlsx-parts.js';
import { readSharedStrings, type SharedStringTable } from './xlsx-shared-strings.js';
import {
  MissingSharedStringError,
  readCellFormats,
  sheetRows,
  UncalculatedFormulaError,
} from './xlsx-sheet-parser.js';
import { ZipFormatError } from './zip-directory.js';

/**
 * Opens a workbook for streaming. The sheet list comes from the ZIP directory up front (which also
 * rejects damaged files before any row is read); rows then stream from each worksheet part as it
 * inflates (xlsx-sheet-parser.ts), holding one row in memory at a time plus the workbook's shared-string
 * table (bounded: see xlsx-shared-strings.ts).
 * Before a full read, each sheet's XML is scanned once for its merges (xlsx-merges.ts), so the rows
 * under a merged cell get its value, and a header cell merged across columns names each of them.
 */
export async function openXlsx(
  path: string,
  fileName: string,
  size: number,
  sheet: string | undefined,
  isHeader?: OpenTableOptions['isHeader'],
): Promise<TableSource> {
  const manifest = await readManifest(path, fileName, size);
  const wanted = chooseSheets(manifest, sheet, fileName);
  // Progress counts the worksheets' XML as it is inflated (shared strings are read up front).
  const meter: ReadMeter = {
    done: 0,
    total: wanted.reduce((n, s) => n + (s.part?.entry.uncompressedSize ?? 0), 0),
  };
  const hiddenSheets = manifest.sheets.filter((s) => !wanted.includes(s) && s.hidden).map((s) => s.name);
  return {
    format: 'xlsx',
    sheets: wanted.map((s) => s.name),
    ...(hiddenSheets.length ? { hiddenSheets } : {}),
    rows: (options) => readRows(path, fileName, manifest, wanted, meter, isHeader, !options?.sampling),
    meter,
  };
}

async function readManifest(path: string, fileName: string, size: number): Promise<WorkbookManifest> {
  const handle = await openBytes(path);
  try {
    return await readWorkbookManifest(handle, size);
  } catch (err) {
    throw asCorrupt(err, fileName);
  } finally {
    await handle.close();
  }
}

/**
 * The named sheet (exact name first, then ignoring case, width and surrounding spaces), or else every
 * visible sheet: hidden ones hold template helpers such as the 省市区 lists behind dropdowns.
 */
function chooseSheets(manifest: WorkbookManifest, name: string | undefined, fileName: string): SheetInfo[] {
  let chosen: SheetInfo[];
  if (name !== undefined) {
    const index = findSheetIndex(
      manifest.sheets.map((s) => s.name),
      name,
      fileName,
    );
    chosen = [manifest.sheets[index] as SheetInfo];
  } else {
    const visible = manifest.sheets.filter((s) => !s.hidden);
    chosen = visible.length > 0 ? visible : manifest.sheets;
  }
  if (chosen.length === 0) throw new AppError('IMPORT_EMPTY_FILE', { file: fileName });
  const missing = chosen.find((s) => s.part === null);
  if (missing) {
    throw new AppError(
      'IMPORT_FILE_CORRUPT',
      { file: fileName, format: 'xlsx', ...sheetParams(missing.name) },
      {
        sheet: missing.name,
        reason: `the workbook lists sheet "${missing.name}" but the file lacks its part`,
      },
    );
  }
  return chosen;
}

async function* readRows(
  path: string,
  fileName: string,
  manifest: WorkbookManifest,
  sheets: SheetInfo[],
  meter: ReadMeter,
  isHeader: OpenTableOptions['isHeader'],
  fillMerges: boolean,
): AsyncGenerator<TableRow> {
  const merges: SheetMerges[] = [];
  let sharedStrings: SharedStringTable | undefined;
  let sawHeader = false;
  try {
    // About 1 s per 100 MB of sheet XML, so a sample does without.
    if (fillMerges) {
      for (const s of sheets) merges.push(await ofSheet(s, () => readMerges(path, s.part as PartLocation)));
    }
    const formats = await readCellFormats(path, manifest.styles);
    sharedStrings = await readSharedStrings(path, manifest.sharedStrings);
    meter.done = 0;
    for (const [i, sheet] of sheets.entries()) {
      const sheetMerges = merges[i];
      const filler = new MergeFiller(sheetMerges?.vertical ?? []);
      // Header cells merged across columns name each of them (the header row only).
      const across = sheetMerges?.acrossNearTop ?? [];
      const shaper = new RowShaper(sheet.name, isHeader, across.length ? headerWidener(across) : undefined);
      const xml = inflatedText(path, sheet.part as PartLocation, meter);
      try {
        for await (const row of sheetRows(xml, sharedStrings, formats, manifest.date1904)) {
          yield* shaper.accept(row.rowNumber, filler.fill(row.rowNumber, row.cells));
        }
      } catch (err) {
        throw inSheet(err, sheet);
      }
      yield* shaper.finish();
      sawHeader ||= shaper.sawHeader;
    }
  } catch (err) {
    throw asCorrupt(err, fileName);
  } finally {
    sharedStrings?.close();
  }
  if (!sawHeader) {
    // One sheet read (--sheet, or the only one): name it, as it may not be the one the user expected.
    const only = sheets.length === 1 ? sheets[0]?.name : undefined;
    throw new AppError('IMPORT_EMPTY_FILE', { file: fileName, ...sheetParams(only) });
  }
}

/** A damaged part of a worksheet, with the sheet's name so the error can say which one to repair. */
class SheetDamage {
  constructor(
    readonly sheet: string,
    readonly cause: unknown,
  ) {}
}

async function ofSheet<T>(sheet: SheetInfo, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw inSheet(err, sheet);
  }
}

function inSheet(err: unknown, sheet: SheetInfo): unknown {
  if (err instanceof AppError || (err instanceof Error && 'syscall' in err)) return err;
  if (err instanceof MissingSharedStringError || err instanceof UncalculatedFormulaError) {
    err.sheet = sheet.name;
    return err;
  }
  return new SheetDamage(sheet.name, err);
}

/** Parser and unzip failures mean a damaged file; domain and system errors (disk full) pass through. */
function asCorrupt(err: unknown, fileName: string): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof Error && 'syscall' in err) return err;
  if (err instanceof UncalculatedFormulaError)
    return new AppError(
      'IMPORT_FORMULA_NOT_CALCULATED',
      { file: fileName, sheet: err.sheet ?? '', cell: `${err.column}${err.rowNumber}` },
      { sheet: err.sheet, row: err.rowNumber, column: err.column },
    );
  if (err instanceof MissingSharedStringError)
    return new AppError(
      'IMPORT_FILE_CORRUPT',
      { file: fileName, format: 'xlsx', ...sheetParams(err.sheet) },
      { sheet: err.sheet, row: err.rowNumber, column: err.column, reason: err.message },
    );
  const sheet = err instanceof SheetDamage ? err.sheet : undefined;
  const cause = err instanceof SheetDamage ? err.cause : err;
  const reason = cause instanceof ZipFormatError ? cause.message : 'unreadable workbook content';
  const part = cause instanceof ZipFormatError ? cause.part : undefined;
  return new AppError(
    'IMPORT_FILE_CORRUPT',
    { file: fileName, format: 'xlsx', ...sheetParams(sheet) },
    { ...(sheet !== undefined ? { sheet } : {}), ...(part !== undefined ? { part } : {}), reason },
  );
}
