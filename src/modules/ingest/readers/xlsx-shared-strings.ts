import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeXstring } from './cell-text.js';
import { decodeEntities } from './markup-tokenizer.js';
import type { PartLocation } from './workbook-manifest.js';
import { elementPattern, inflatedText, PREFIX, streamedElements } from './xlsx-parts.js';

/** Strings a page holds: the unit that is serialised, sealed to the scratch file and cached. */
const PAGE_STRINGS = 64;
/**
 * Serialised pages kept in memory; later pages go to the scratch file. 8 MiB, not more: an import of a
 * million-row workbook into a store of a million peaked at 395 MB with 16 (the target is 400).
 */
export const RESIDENT_BYTES = 8 * 1024 * 1024;
/**
 * Spilled pages kept opened (about 1 MB). A row's cells mostly refer to strings added near it, and its
 * repeated words to the resident pages. The rest (a contact's company, a duplicate's texts) refer to
 * strings anywhere before it, so a miss opens a small page: 64 strings rather than 1,024 made reading a
 * 1M-row workbook 40 → 30 s, and its import's reading thread collected far less garbage.
 */
const CACHED_PAGES = 512;
const TAG_BYTES = 16;

interface Spill {
  fd: number;
  /** Set where the file could not be unlinked while open (not POSIX): removed at close. */
  path: string | null;
  key: Buffer;
  at: number;
  offsets: number[];
  lengths: number[];
  /** Each spilled page's GCM tag, 16 bytes a page, in one buffer rather than one object a page. */
  tags: Buffer;
  readBuffer: Buffer;
}

/**
 * A workbook's shared-string table, held in bounded memory. Excel stores every distinct text of a
 * workbook once, in `xl/sharedStrings.xml`, and cells refer to it by index, so the table grows with the
 * file: a million-row customer list holds millions of names, mobiles and addresses. The first
 * RESIDENT_BYTES of it (where a sheet's repeated words such as 个人 or 企业 land, since Excel numbers
 * strings in order of first use) stay in memory as UTF-8; the rest is sealed page by page with
 * AES-256-GCM under a key that exists only in this object and written to a scratch file that is unlinked
 * as soon as it is opened. No plaintext reaches the disk, and nothing readable is left after a crash.
 */
export class SharedStringTable {
  private readonly resident: Buffer[] = [];
  private residentSize = 0;
  private spill: Spill | null = null;
  private pending: string[] = [];
  private readonly cache = new Map<number, Buffer>();
  private lastPage = -1;
  private lastBytes: Buffer = Buffer.alloc(0);
  private total = 0;

  constructor(
    private readonly residentLimit = RESIDENT_BYTES,
    private readonly scratchRoot = tmpdir(),
  ) {}

  get count(): number {
    return this.total;
  }

  /** Bytes of serialised pages held in memory (at most the resident limit). */
  get residentBytes(): number {
    return this.residentSize;
  }

  /** The scratch file's descriptor while pages are spilled (tests read it back to check it is sealed). */
  get scratchDescriptor(): number | null {
    return this.spill?.fd ?? null;
  }

  add(text: string): void {
    this.pending.push(text);
    this.total++;
    if (this.pending.length === PAGE_STRINGS) this.flushPage();
  }

  /** Seals the last, partial page; call once every string is added. */
  finish(): void {
    if (this.pending.length > 0) this.flushPage();
  }

  /** The string at `index`, or undefined outside the table (a dangling index in a damaged file). */
  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.total) return undefined;
    const page = Math.floor(index / PAGE_STRINGS);
    return stringAt(page === this.lastPage ? this.lastBytes : this.load(page), index % PAGE_STRINGS);
  }

  close(): void {
    const spill = this.spill;
    this.spill = null;
    // The pages in memory hold personal data in clear: zeroed rather than left to the collector.
    for (const page of [...this.resident, ...this.cache.values()]) page.fill(0);
    this.cache.clear();
    this.lastPage = -1;
    this.lastBytes = Buffer.alloc(0);
    this.resident.length = 0;
    this.total = 0;
    if (!spill) return;
    spill.key.fill(0);
    closeSync(spill.fd);
    if (spill.path) rmSync(join(spill.path, '..'), { recursive: true, force: true });
  }

  private flushPage(): void {
    const page = serialise(this.pending);
    this.pending = [];
    if (!this.spill && this.residentSize + page.length <= this.residentLimit) {
      this.resident.push(page);
      this.residentSize += page.length;
      return;
    }
    const spill = this.spill ?? this.openSpill();
    const pageNo = this.resident.length + spill.offsets.length;
    const cipher = createCipheriv('aes-256-gcm', spill.key, nonce(pageNo));
    const sealed = Buffer.concat([cipher.update(page), cipher.final()]);
    page.fill(0);
    writeSync(spill.fd, sealed, 0, sealed.length, spill.at);
    spill.offsets.push(spill.at);
    spill.lengths.push(sealed.length);
    const tagAt = TAG_BYTES * spill.offsets.length - TAG_BYTES;
    if (spill.tags.length < tagAt + TAG_BYTES) {
      const grown = Buffer.alloc(Math.max(1024 * TAG_BYTES, 2 * spill.tags.length));
      spill.tags.copy(grown);
      spill.tags = grown;
    }
    cipher.getAuthTag().copy(spill.tags, tagAt);
    spill.at += sealed.length;
  }

  private openSpill(): Spill {
    const dir = mkdtempSync(join(this.scratchRoot, 'custodian-sst-'));
    const file = join(dir, 'pages');
    const fd = openSync(file, 'wx+', 0o600);
    let path: string | null = file;
    try {
      unlinkSync(file);
      rmSync(dir, { recursive: true, force: true });
      path = null;
    } catch {
      // Not removable while open on this platform: removed at close instead.
    }
    this.spill = {
      fd,
      path,
      key: randomBytes(32),
      at: 0,
      offsets: [],
      lengths: [],
      tags: Buffer.alloc(0),
      readBuffer: Buffer.alloc(0),
    };
    return this.spill;
  }

  private load(page: number): Buffer {
    let bytes = this.resident[page] ?? this.cache.get(page);
    if (!bytes) {
      bytes = this.unseal(page);
      if (this.cache.size >= CACHED_PAGES) this.cache.delete(this.cache.keys().next().value as number);
      this.cache.set(page, bytes);
    }
    this.lastPage = page;
    this.lastBytes = bytes;
    return bytes;
  }

  private unseal(page: number): Buffer {
    const spill = this.spill;
    const i = page - this.resident.length;
    if (!spill || i >= spill.offsets.length) throw new Error('shared-string page out of range');
    const length = spill.lengths[i] as number;
    // One read buffer for every page: it only ever holds ciphertext. A buffer per read made each miss
    // three allocations outside V8's heap, and their pressure forced a full collection every few
    // hundred misses (30 s of a 1M-row workbook's 150 s on the reading thread).
    if (spill.readBuffer.length < length)
      spill.readBuffer = Buffer.allocUnsafe(Math.max(length, 2 * spill.readBuffer.length));
    const sealed = spill.readBuffer.subarray(0, length);
    readSync(spill.fd, sealed, 0, length, spill.offsets[i] as number);
    const decipher = createDecipheriv('aes-256-gcm', spill.key, nonce(page));
    decipher.setAuthTag(spill.tags.subarray(TAG_BYTES * i, TAG_BYTES * i + TAG_BYTES));
    const bytes = decipher.update(sealed);
    // final() checks the tag; GCM has no bytes left to give there, so no copy is made to join them.
    const tail = decipher.final();
    return tail.length === 0 ? bytes : Buffer.concat([bytes, tail]);
  }
}

/** A page's nonce: its number, unique under the table's one-off key. */
function nonce(page: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(page, 8);
  return iv;
}

/**
 * Page layout: the string count n, then n end offsets (where each string's UTF-8 bytes end), then the
 * strings' bytes. A string is read straight from its page, without decoding the others.
 */
function serialise(strings: readonly string[]): Buffer {
  const head = 4 + 4 * strings.length;
  let size = head;
  for (const s of strings) size += Buffer.byteLength(s, 'utf8');
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32LE(strings.length, 0);
  let at = head;
  strings.forEach((s, i) => {
    at += out.write(s, at, 'utf8');
    out.writeUInt32LE(at, 4 + 4 * i);
  });
  return out;
}

function stringAt(page: Buffer, k: number): string | undefined {
  const n = page.readUInt32LE(0);
  if (k >= n) return undefined;
  const start = k === 0 ? 4 + 4 * n : page.readUInt32LE(4 * k);
  return page.toString('utf8', start, page.readUInt32LE(4 + 4 * k));
}

/** Far above one item's markup (Excel allows 32,767 characters of text, plus runs' formatting). */
const MAX_ITEM_CHARS = 4 * 1024 * 1024;
const SHARED_ITEM = elementPattern('si');
const TEXT_RUN = new RegExp(`<${PREFIX}t(?:\\s[^>]*?)?(?:\\/>|>([\\s\\S]*?)</${PREFIX}t\\s*>)`, 'g');
const PHONETIC = new RegExp(`<${PREFIX}rPh\\b[\\s\\S]*?</${PREFIX}rPh\\s*>`, 'g');

/**
 * The text of one `<si>` item as Excel shows it: its runs' `<t>` joined, without the phonetic guides
 * (`<rPh>`) that only annotate it, line ends normalised as XML reads them, references decoded, then
 * Excel's `_xHHHH_` escapes (which stand for characters, such as a CR, that XML would not keep).
 */
export function sharedItemText(inner: string): string {
  const visible = inner.includes('rPh') ? inner.replace(PHONETIC, '') : inner;
  let text = '';
  TEXT_RUN.lastIndex = 0;
  for (let m = TEXT_RUN.exec(visible); m !== null; m = TEXT_RUN.exec(visible)) text += m[1] ?? '';
  return decodeXstring(decodeEntities(text.replace(/\r\n?/g, '\n')));
}

/**
 * Reads `xl/sharedStrings.xml` as it inflates into a bounded table. Only one `<si>` item at a time is
 * held as text; an item is at most 32,767 characters in Excel.
 */
export async function readSharedStrings(
  path: string,
  part: PartLocation | null,
  options: { residentLimit?: number; scratchRoot?: string } = {},
): Promise<SharedStringTable> {
  const table = new SharedStringTable(options.residentLimit, options.scratchRoot);
  if (!part) return table;
  try {
    const items = streamedElements(
      inflatedText(path, part),
      SHARED_ITEM,
      MAX_ITEM_CHARS,
      'xl/sharedStrings.xml',
      'sst',
    );
    for await (const item of items) table.add(item.inner === null ? '' : sharedItemText(item.inner));
    table.finish();
    return table;
  } catch (err) {
    table.close();
    throw err;
  }
}
