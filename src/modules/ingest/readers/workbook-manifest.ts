import { posix } from 'node:path';
import type { ByteHandle } from './file-access.js';
import {
  entryDataOffset,
  readZipDirectory,
  readZipEntry,
  type ZipEntry,
  ZipFormatError,
} from './zip-directory.js';

/** A workbook part located in the archive, ready to be streamed. */
export interface PartLocation {
  entry: ZipEntry;
  dataOffset: number;
}

/** A worksheet as listed by xl/workbook.xml. */
export interface SheetInfo {
  name: string;
  hidden: boolean;
  /** Null when the workbook lists the sheet but the archive lacks its part. */
  part: PartLocation | null;
}

export interface WorkbookManifest {
  /** Worksheets in workbook order; chart and dialog sheets are left out as they hold no rows. */
  sheets: SheetInfo[];
  /** Serial dates count from 1904 (old Mac workbooks). */
  date1904: boolean;
  workbook: PartLocation;
  sharedStrings: PartLocation | null;
  styles: PartLocation | null;
}

const MAX_PART_BYTES = 32 * 1024 * 1024;
const RELATIONSHIP_TYPE = /\/(worksheet|sharedStrings|styles)$/;

/**
 * Reads the sheet list and locates the parts rows depend on, by random access to the ZIP directory.
 * Part names come from the workbook's relationships rather than being assumed, since producers differ.
 * Throws ZipFormatError when the file is not a workbook.
 */
export async function readWorkbookManifest(handle: ByteHandle, size: number): Promise<WorkbookManifest> {
  const entries = await readZipDirectory(handle, size);
  const workbookEntry = entries.get('xl/workbook.xml');
  const relsEntry = entries.get('xl/_rels/workbook.xml.rels');
  if (!workbookEntry || !relsEntry) throw new ZipFormatError('no xl/workbook.xml');
  const workbookXml = (await readZipEntry(handle, workbookEntry, MAX_PART_BYTES)).toString('utf8');
  const relsXml = (await readZipEntry(handle, relsEntry, MAX_PART_BYTES)).toString('utf8');
  const locate = async (entry: ZipEntry | undefined): Promise<PartLocation | null> =>
    entry ? { entry, dataOffset: await entryDataOffset(handle, entry) } : null;

  const relations = new Map<string, { kind: string; entry: ZipEntry | undefined }>();
  for (const attrs of elements(relsXml, 'Relationship')) {
    const kind = RELATIONSHIP_TYPE.exec(attrs.get('Type') ?? '')?.[1];
    const target = attrs.get('Target') ?? '';
    if (!kind) continue;
    const part = posix.normalize(target.startsWith('/') ? target.slice(1) : `xl/${target}`);
    relations.set(attrs.get('Id') ?? '', { kind, entry: entries.get(part) });
  }
  const firstOf = (kind: string): ZipEntry | undefined =>
    [...relations.values()].find((r) => r.kind === kind)?.entry;

  const sheets: SheetInfo[] = [];
  for (const attrs of elements(workbookXml, 'sheet')) {
    const relation = relations.get(attrs.get('id') ?? '');
    if (relation?.kind !== 'worksheet') continue;
    sheets.push({
      name: attrs.get('name') ?? '',
      hidden: (attrs.get('state') ?? 'visible') !== 'visible',
      part: await locate(relation.entry),
    });
  }
  const workbookPr = elements(workbookXml, 'workbookPr')[0];
  return {
    sheets,
    date1904: ['1', 'true'].includes(workbookPr?.get('date1904') ?? ''),
    workbook: (await locate(workbookEntry)) as PartLocation,
    sharedStrings: await locate(firstOf('sharedStrings')),
    styles: await locate(firstOf('styles')),
  };
}

/**
 * Attributes of every `<name ...>` element, by local name (namespace prefixes vary between producers).
 * A regular expression suffices: these two parts are small, machine-written and flat.
 */
function elements(xml: string, name: string): Map<string, string>[] {
  const found: Map<string, string>[] = [];
  const tag = new RegExp(`<(?:[\\w.-]+:)?${name}(\\s[^>]*)?/?>`, 'g');
  for (const match of xml.matchAll(tag)) {
    const attrs = new Map<string, string>();
    for (const attr of (match[1] ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const local = (attr[1] ?? '').replace(/^[\w.-]+:/, '');
      attrs.set(local, decodeXmlEntities(attr[2] ?? attr[3] ?? ''));
    }
    found.push(attrs);
  }
  return found;
}

function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity] ?? '';
  });
}
