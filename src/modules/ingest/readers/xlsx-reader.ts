import type { EventEmitter } from 'node:events';
import ExcelJS from 'exceljs';
import { AppError } from '../../../kernel/errors/app-error.js';
import { cellText } from './cell-text.js';
import { openBytes } from './file-access.js';
import { RowShaper } from './row-shaper.js';
import type { OpenTableOptions, ReadMeter, TableRow, TableSource } from './types.js';
import {
  type PartLocation,
  readWorkbookManifest,
  type SheetInfo,
  type WorkbookManifest,
} from './workbook-manifest.js';
import { headerWidener, MergeFiller, readMerges, type SheetMerges } from './xlsx-merges.js';
import { type RepackPart, repackForExceljs } from './xlsx-repack.js';
import { readSharedStrings } from './xlsx-shared-strings.js';
import { moveNumberFormats, numberFormatOf } from './xlsx-styles.js';
import { ZipFormatError } from './zip-directory.js';

/**
 * Opens a workbook for streaming. The sheet list comes from the ZIP directory up front (which also
 * rejects damaged files before any row is read); rows then stream through exceljs's WorkbookReader fed
 * by repackForExceljs, holding one row in memory at a time plus the workbook's shared-string table
 * (bounded: see xlsx-shared-strings.ts).
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
    const exact = manifest.sheets.filter((s) => s.name === name);
    const loose = manifest.sheets.filter((s) => looseName(s.name) === looseName(name));
    const match = exact[0] ?? (loose.length === 1 ? loose[0] : undefined);
    if (!match) throw new AppError('IMPORT_SHEET_NOT_FOUND', { file: fileName, sheet: name });
    chosen = [match];
  } else {
    const visible = manifest.sheets.filter((s) => !s.hidden);
    chosen = visible.length > 0 ? visible : manifest.sheets;
  }
  if (chosen.length === 0) throw new AppError('IMPORT_EMPTY_FILE', { file: fileName });
  if (chosen.some((s) => s.part === null)) {
    throw new AppError(
      'IMPORT_FILE_CORRUPT',
      { file: fileName, format: 'xlsx' },
      { reason: 'missing worksheet' },
    );
  }
  return chosen;
}

/** Stand-ins that keep exceljs from spooling sheets to disk: it waits for both before parsing sheets. */
const EMPTY_RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships/>';
const EMPTY_SHARED_STRINGS = '<?xml version="1.0" encoding="UTF-8"?><sst/>';

async function* readRows(
  path: string,
  fileName: string,
  manifest: WorkbookManifest,
  sheets: SheetInfo[],
  meter: ReadMeter,
  isHeader: OpenTableOptions['isHeader'],
  fillMerges: boolean,
): AsyncGenerator<TableRow> {
  // Sheets are renumbered sheet1..sheetN in the order wanted; exceljs announces each by that number.
  const parts: RepackPart[] = [
    { name: 'xl/_rels/workbook.xml.rels', source: EMPTY_RELS },
    { name: 'xl/workbook.xml', source: manifest.workbook },
    // exceljs would hold the shared strings as one JS array (600 MB for a 126k-row workbook); it gets
    // an empty table and looks strings up in the bounded one read here.
    { name: 'xl/sharedStrings.xml', source: EMPTY_SHARED_STRINGS },
    ...(manifest.styles ? [{ name: 'xl/styles.xml', source: manifest.styles }] : []),
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, source: s.part as PartLocation })),
  ];
  const merges: SheetMerges[] = [];
  // About 1 s per 100 MB of sheet XML, so a sample does without.
  if (fillMerges) for (const s of sheets) merges.push(await readMerges(path, s.part as PartLocation));
  const sharedStrings = await readSharedStrings(path, manifest.sharedStrings).catch((err: unknown) => {
    throw asCorrupt(err, fileName);
  });
  const lookup = sharedStrings.asLookup();
  meter.done = 0;
  const input = repackForExceljs(path, parts, meter);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'emit',
  });
  let current: SheetInfo | undefined;
  let filler = new MergeFiller([]);
  let sheetMerges: SheetMerges | undefined;
  (reader as unknown as EventEmitter).on('entry', (entry: { type?: string; id?: unknown }) => {
    if (entry.type !== 'worksheet') return;
    // Read by exceljs when the sheet's rows start streaming, after this event.
    (reader as unknown as { sharedStrings: unknown }).sharedStrings = lookup;
    current = sheets[Number(entry.id) - 1];
    sheetMerges = merges[Number(entry.id) - 1];
    filler = new MergeFiller(sheetMerges?.vertical ?? []);
  });
  let sawHeader = false;
  try {
    for await (const worksheet of reader) {
      if (!current) continue;
      moveNumberFormats(reader);
      // Header cells merged across columns name each of them (the header row only).
      const across = sheetMerges?.acrossNearTop ?? [];
      const shaper = new RowShaper(current.name, isHeader, across.length ? headerWidener(across) : undefined);
      for await (const row of worksheet) {
        const rowNumber = Number.isInteger(row.number) && row.number > 0 ? row.number : shaper.nextRowNumber;
        yield* shaper.accept(rowNumber, filler.fill(rowNumber, rowCells(row, manifest.date1904)));
      }
      yield* shaper.finish();
      sawHeader ||= shaper.sawHeader;
    }
  } catch (err) {
    throw asCorrupt(err, fileName);
  } finally {
    input.destroy();
    sharedStrings.close();
  }
  if (!sawHeader) throw new AppError('IMPORT_EMPTY_FILE', { file: fileName });
}

function rowCells(row: ExcelJS.Row, date1904: boolean): string[] {
  const cells: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, column) => {
    while (cells.length < column - 1) cells.push('');
    cells[column - 1] = cellText(cell.value, numberFormatOf(cell), date1904);
  });
  return cells;
}

/** Parser and unzip failures mean a damaged file; domain and system errors (disk full) pass through. */
function asCorrupt(err: unknown, fileName: string): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof Error && 'syscall' in err) return err;
  const reason = err instanceof ZipFormatError ? err.message : 'unreadable workbook content';
  return new AppError('IMPORT_FILE_CORRUPT', { file: fileName, format: 'xlsx' }, { reason });
}

function looseName(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}
