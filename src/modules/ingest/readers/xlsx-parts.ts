import { createInflateRaw } from 'node:zlib';
import { readBytes } from './file-access.js';
import type { ReadMeter } from './types.js';
import type { PartLocation } from './workbook-manifest.js';
import { ZipFormatError } from './zip-directory.js';

/** A part's XML, inflated and decoded as it streams. */
export async function* inflatedText(
  path: string,
  part: PartLocation,
  meter?: ReadMeter,
): AsyncGenerator<string> {
  const { entry, dataOffset } = part;
  if (entry.compressedSize === 0) return;
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipFormatError(`${entry.name} uses compression method ${entry.method}`);
  }
  const raw = readBytes(path, { start: dataOffset, end: dataOffset + entry.compressedSize - 1 });
  const bytes = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  raw.on('error', (err) => bytes.destroy(err));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of bytes as AsyncIterable<Buffer>) {
      if (meter) meter.done += chunk.length;
      yield decoder.decode(chunk, { stream: true });
    }
    yield decoder.decode();
  } catch (err) {
    if (err instanceof Error && 'syscall' in err) throw err;
    throw new ZipFormatError(`${entry.name} is damaged`);
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
 * `maxChars` is a damaged part (`what` names it).
 */
export async function* streamedElements(
  chunks: AsyncIterable<string>,
  element: { open: RegExp; close: RegExp },
  maxChars: number,
  what: string,
): AsyncGenerator<PartElement> {
  const { open, close } = element;
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + chunk;
    let pos = 0;
    for (;;) {
      open.lastIndex = pos;
      const start = open.exec(text);
      if (!start) {
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
}
