import { AppError } from '../../../kernel/errors/app-error.js';

/**
 * The index of the sheet --sheet names among `names`: the exact name, else the one name equal to it
 * ignoring case, width and surrounding spaces. Unmatched, the error lists the sheets there are, so the
 * user can pick one without opening the file.
 */
export function findSheetIndex(names: readonly string[], wanted: string, fileName: string): number {
  const exact = names.indexOf(wanted);
  if (exact !== -1) return exact;
  const loose = names.flatMap((n, i) => (looseSheetName(n) === looseSheetName(wanted) ? [i] : []));
  if (loose.length === 1) return loose[0] as number;
  throw new AppError('IMPORT_SHEET_NOT_FOUND', {
    file: fileName,
    sheet: wanted,
    sheets: listSheets(names),
  });
}

function looseSheetName(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

const LISTED_SHEETS = 10;

function listSheets(names: readonly string[]): string {
  const shown = names.slice(0, LISTED_SHEETS).map((n) => `“${n}”`);
  if (names.length > LISTED_SHEETS) shown.push(`… (+${names.length - LISTED_SHEETS})`);
  return shown.join(', ') || '—';
}

/**
 * The params that put a sheet's name into IMPORT_EMPTY_FILE and IMPORT_FILE_CORRUPT ({where}), so the
 * user knows which sheet to look at; none when the error is about the whole file.
 */
export function sheetParams(sheet: string | undefined): Record<string, string> {
  if (sheet === undefined) return {};
  return { sheet, where: `, sheet "${sheet}",`, whereZh: ` 的工作表“${sheet}”` };
}
