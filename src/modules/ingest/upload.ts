import { mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import { AppError } from '../../kernel/errors/app-error.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import { createScratchWriter, forgetScratch } from './readers/file-access.js';

/** What openTable reads; a .xls, .htm, .html or .xml is read by its content (readers/index.ts). */
const ALLOWED = new Set(['.xlsx', '.xls', '.csv', '.tsv', '.txt', '.htm', '.html', '.xml']);

/** The data directory's scratch folder (0700): uploads and downloads pass through it, 0600 each. */
export function scratchDir(dataDir: string): string {
  const dir = join(dataDir, 'tmp');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A file name fit for a report: no path, no control characters, at most 120 characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (clean || 'upload').slice(-120);
}

/** The form field the file travels in (README, OpenAPI): a file under any other name is refused. */
export const UPLOAD_FILE_FIELD = 'file';

/** The multipart parser's limits, said as what to change in the request. */
const MULTIPART_LIMITS: Record<string, string> = {
  FST_FILES_LIMIT: 'send one file',
  FST_PARTS_LIMIT: 'too many parts: send one file and the import options',
  FST_FIELDS_LIMIT: 'too many fields: send one file and the import options',
  FST_REQ_FILE_TOO_LARGE: 'the file is larger than allowed',
};

export interface Upload {
  path: string;
  fileName: string;
  fields: Record<string, string[]>;
  remove(): Promise<void>;
}

/**
 * Streams a multipart upload's one file to a 0600 temporary file under the data directory and
 * collects its text fields. The caller removes the file when done (also on error).
 */
export async function receiveUpload(
  parts: AsyncIterableIterator<MultipartFile | MultipartValue>,
  dataDir: string,
): Promise<Upload> {
  const fields: Record<string, string[]> = {};
  let path: string | null = null;
  let fileName = '';
  const remove = async () => {
    if (!path) return;
    await unlink(path).catch(() => undefined);
    forgetScratch(path);
  };
  try {
    for await (const part of parts) {
      if (part.type !== 'file') {
        fields[part.fieldname] = [...(fields[part.fieldname] ?? []), String(part.value)];
        continue;
      }
      if (part.fieldname !== UPLOAD_FILE_FIELD) {
        part.file.resume();
        throw new AppError('IMPORT_UPLOAD_INVALID', {
          detail: `unknown file field "${part.fieldname.slice(0, 40)}"; send the file as "${UPLOAD_FILE_FIELD}"`,
        });
      }
      if (path) {
        part.file.resume();
        throw new AppError('IMPORT_UPLOAD_INVALID', { detail: 'send one file' });
      }
      fileName = safeFileName(part.filename);
      const ext = extname(fileName).toLowerCase();
      if (!ALLOWED.has(ext)) {
        part.file.resume();
        throw new AppError('IMPORT_FILE_UNSUPPORTED', { ext: ext || fileName });
      }
      path = join(scratchDir(dataDir), `upload-${uuidv7()}${ext}`);
      // Encrypted with a key held in memory only: the customer list never sits on disk in clear.
      const writer = createScratchWriter(path);
      await pipeline(part.file, writer.cipher);
      await writer.done;
      if (part.file.truncated)
        throw new AppError('IMPORT_UPLOAD_INVALID', { detail: 'the file is larger than allowed' });
    }
  } catch (err) {
    await remove();
    const limit = MULTIPART_LIMITS[(err as { code?: string }).code ?? ''];
    throw limit ? new AppError('IMPORT_UPLOAD_INVALID', { detail: limit }) : err;
  }
  if (!path)
    throw new AppError('IMPORT_UPLOAD_INVALID', { detail: `no file part named "${UPLOAD_FILE_FIELD}"` });
  return { path, fileName, fields, remove };
}
