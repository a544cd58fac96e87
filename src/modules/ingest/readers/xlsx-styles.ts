/**
 * Takes number formats away from exceljs's streaming reader so that it leaves date cells as serial
 * numbers: its own conversion loses the number when a non-date (an 11-digit mobile) sits in a
 * date-formatted cell, and it does not know the East Asian built-in date formats (ids 27-36 and 50-58)
 * that Chinese Excel writes without spelling them out. The format code moves to FORMAT_KEY on the
 * cell's style, where cellText reads it. This reaches into exceljs internals; if they change the patch
 * does nothing and exceljs's own date conversion applies.
 */

export const FORMAT_KEY = 'custodianNumFmt';

type StyleModel = Record<string, unknown>;

interface StyleManagerLike {
  getStyleModel(id: number): StyleModel | null | undefined;
  model?: { styles?: Array<{ numFmtId?: number } | undefined> };
}

const EAST_ASIAN_DATE_IDS = new Set([
  27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);
const patched = new WeakSet<object>();

/** Patches the style manager the reader currently holds (it replaces it once styles.xml is parsed). */
export function moveNumberFormats(workbookReader: unknown): void {
  const styles = (workbookReader as { styles?: StyleManagerLike }).styles;
  if (!styles || typeof styles.getStyleModel !== 'function' || patched.has(styles)) return;
  const original = styles.getStyleModel.bind(styles);
  const cache = new Map<number, StyleModel | null | undefined>();
  styles.getStyleModel = (id: number): StyleModel | null | undefined => {
    if (cache.has(id)) return cache.get(id);
    const model = original(id);
    let moved = model;
    if (model) {
      const { numFmt, ...rest } = model;
      const numFmtId = styles.model?.styles?.[id]?.numFmtId;
      const code =
        typeof numFmt === 'string'
          ? numFmt
          : numFmtId !== undefined && EAST_ASIAN_DATE_IDS.has(numFmtId)
            ? 'yyyy-mm-dd'
            : undefined;
      moved = { ...rest, [FORMAT_KEY]: code };
    }
    cache.set(id, moved);
    return moved;
  };
  patched.add(styles);
}

/** The number format of a cell, wherever it ended up. */
export function numberFormatOf(cell: { style?: unknown; numFmt?: string }): string | undefined {
  const style = cell.style as StyleModel | undefined;
  const moved = style?.[FORMAT_KEY];
  if (typeof moved === 'string') return moved;
  return typeof cell.numFmt === 'string' ? cell.numFmt : undefined;
}
