import iconv from 'iconv-lite';
import { AppError } from '../../../kernel/errors/app-error.js';
import { isUtf8Name } from './encoding.js';

/**
 * Decodes a byte stream chunk by chunk, refusing bytes that are invalid in the chosen encoding: silently
 * replacing them with U+FFFD would corrupt names and numbers. UTF-8 goes through the platform's strict
 * decoder; legacy encodings through iconv-lite, whose replacement characters are taken as errors.
 * Any BOM is stripped. NUL characters that last to the end of the file are padding and dropped; a NUL
 * with text after it is binary content inside the file and refused, never stored in a cell.
 */
export async function* decodeText(
  chunks: AsyncIterable<Buffer>,
  encoding: string,
  file: { fileName: string; format: string },
  asciiSample: boolean,
): AsyncGenerator<string> {
  const { fileName } = file;
  const decoder = createDecoder(encoding);
  let offset = 0;
  const fail = (): never => {
    const hint = asciiSample
      ? 'the first 64 KiB were plain ASCII, so the encoding could not be detected'
      : `bytes are not valid ${encoding}`;
    throw new AppError('IMPORT_BAD_ENCODING', {
      file: fileName,
      detail: `invalid text near byte ${offset}: ${hint}`,
    });
  };
  const padding = new NulPadding(fileName);
  for await (const chunk of chunks) {
    const text = padding.take(decoder.write(chunk) ?? fail(), offset);
    offset += chunk.length;
    if (text) yield text;
  }
  // Every byte decoded but the last character is incomplete: the file was cut short, and no other
  // encoding would help.
  const cutShort = (): never => {
    throw new AppError(
      'IMPORT_FILE_CORRUPT',
      { file: fileName, format: file.format },
      {
        reason: `the file ends inside a character (byte ${offset}): it was cut short, as by an interrupted download or copy; get the whole file again`,
      },
    );
  };
  const rest = padding.take(decoder.end() ?? cutShort(), offset);
  if (rest) yield rest;
}

/** Holds back a run of NUL characters until the file's end shows it was padding. */
class NulPadding {
  private held = false;
  constructor(private readonly fileName: string) {}

  /** The text to pass on; `offset` is the byte where the chunk began, for the error. */
  take(text: string, offset: number): string {
    const first = text.indexOf('\0');
    if (first < 0) {
      if (this.held && text.length > 0) this.refuse(offset);
      return text;
    }
    if (this.held && first > 0) this.refuse(offset);
    for (let i = first + 1; i < text.length; i++) if (text.charCodeAt(i) !== 0) this.refuse(offset);
    this.held = true;
    return text.slice(0, first);
  }

  private refuse(offset: number): never {
    throw new AppError('IMPORT_BAD_ENCODING', {
      file: this.fileName,
      detail: `binary content (NUL bytes) near byte ${offset}: only NUL padding at the end of a file is skipped`,
    });
  }
}

interface ChunkDecoder {
  /** Decoded text, or null when the bytes are invalid. */
  write(chunk: Buffer): string | null;
  end(): string | null;
}

function createDecoder(encoding: string): ChunkDecoder {
  if (isUtf8Name(encoding)) {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    return {
      write: (chunk) => attempt(() => utf8.decode(chunk, { stream: true })),
      end: () => attempt(() => utf8.decode()),
    };
  }
  const legacy = iconv.getDecoder(encoding);
  // UTF-16 can legitimately hold U+FFFD and has no invalid byte pairs worth policing.
  const policed = !/^utf-?(16|32)/.test(encoding) && !/^ucs-?2/.test(encoding);
  const check = (text: string): string | null => (policed && text.includes('\uFFFD') ? null : text);
  return {
    write: (chunk) => check(legacy.write(chunk)),
    end: () => check(legacy.end() ?? ''),
  };
}

function attempt(decode: () => string): string | null {
  try {
    return decode();
  } catch {
    return null;
  }
}
