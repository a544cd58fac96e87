import { crc32, createInflateRaw } from 'node:zlib';
import { readBytes } from './file-access.js';
import type { ReadMeter } from './types.js';
import type { PartLocation } from './workbook-manifest.js';
import { verifyEntry, ZipFormatError } from './zip-directory.js';

/**
 * A part's XML, inflated and decoded as it streams. Its CRC-32 is checked once the last byte is read:
 * a reader that consumes the whole part fails there if any of it was damaged.
 */
export async function* inflatedText(
  path: string,
  part: PartLocation,
  meter?: ReadMeter,
): AsyncGenerator<string> {
  const { entry, dataOffset } = part;
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipFormatError(`${entry.name} uses compression method ${entry.method}`, entry.name);
  }
  if (entry.compressedSize === 0) {
    verifyEntry(entry, 0, 0);
    return;
  }
  const raw = readBytes(path, { start: dataOffset, end: dataOffset + entry.compressedSize - 1 });
  const bytes = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  raw.on('error', (err) => bytes.destroy(err));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of bytes as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      if (meter) meter.done += chunk.length;
      yield decoder.decode(chunk, { stream: true });
    }
    verifyEntry(entry, crc, size);
    yield decoder.decode();
  } catch (err) {
    if (err instanceof ZipFormatError) throw err;
    if (err instanceof Error && 'syscall' in err) throw err;
    throw new ZipFormatError(`${entry.name} is damaged`, entry.name);
  } finally {
    raw.destroy();
    bytes.destroy();
  }
}

/** One element of a streamed part: its attribute text, and its content (null when self-closing). */
export interface PartElement {
  attrs: string;
  inner: string | null;
}

/** The namespace prefix some producers give every element (`<x:row>`, the OpenXML SDK), as a pattern. */
export const PREFIX = '(?:[A-Za-z_][\\w.-]*:)?';

/** An element name as opening and closing patterns; the opening one captures attributes and a closing `/`. */
export function elementPattern(name: string): { open: RegExp; close: RegExp } {
  return {
    open: new RegExp(`<${PREFIX}${name}(?=[\\s/>])([^>]*?)(/?)>`, 'g'),
    close: new RegExp(`</${PREFIX}${name}\\s*>`, 'g'),
  };
}

/**
 * The elements of one name (not nested in each other: `<si>`, `<row>`) in a part's XML as it streams, each
 * once complete. Only the element being read is held, plus the chunk it started in; markup longer than
 * `maxChars` is a damaged part (`what` names it). A part whose `root` element is never closed was cut
 * short, by its producer or on its way: its CRC-32 may be right, yet the elements after the cut are
 * missing, so that too is a damaged part.
 */
export async function* streamedElements(
  chunks: AsyncIterable<string>,
  element: { open: RegExp; close: RegExp },
  maxChars: number,
  what: string,
  root: string,
): AsyncGenerator<PartElement> {
  const { open, close } = element;
  const rootEnd = new RegExp(`</${PREFIX}${root}\\s*>|<${PREFIX}${root}(?=[\\s/>])[^>]*/>`);
  let ended = false;
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + chunk;
    let pos = 0;
    for (;;) {
      open.lastIndex = pos;
      const start = open.exec(text);
      if (!start) {
        // Markup after the last element is looked at once before it is dropped: the root's end is there.
        ended ||= rootEnd.test(text.slice(pos));
        // Keep what may be the start of a tag cut by the chunk's end.
        const lastTag = text.lastIndexOf('<');
        pos = Math.max(pos, lastTag < 0 ? text.length : lastTag);
        break;
      }
      const attrs = start[1] ?? '';
      // Positions are taken before yielding: the patterns are shared, and another reader may run meanwhile.
      if (start[2] === '/') {
        pos = open.lastIndex;
        yield { attrs, inner: null };
        continue;
      }
      close.lastIndex = open.lastIndex;
      const end = close.exec(text);
      if (!end) {
        pos = start.index;
        break;
      }
      const inner = text.slice(open.lastIndex, end.index);
      pos = close.lastIndex;
      yield { attrs, inner };
    }
    carry = text.slice(pos);
    if (carry.length > maxChars) throw new ZipFormatError(`${what} is damaged`);
  }
  if (!ended) throw new ZipFormatError(`a ${root} part cut short: it ends before its </${root}>`);
}
