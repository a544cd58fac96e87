import { AppError } from '../../../kernel/errors/app-error.js';
import type { ByteHandle } from './file-access.js';

const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

export type ContainerKind = 'zip' | 'ole2' | 'other';

/** What the first bytes say, whatever the extension claims. */
export function containerKind(head: Buffer): ContainerKind {
  if (head.subarray(0, 8).equals(OLE2_MAGIC)) return 'ole2';
  const four = head.subarray(0, 4);
  if (four.equals(ZIP_MAGIC) || four.equals(EMPTY_ZIP_MAGIC)) return 'zip';
  return 'other';
}

/**
 * The error for an OLE2 compound file. Legacy .xls is one, but so is a password-protected .xlsx, for
 * which "save as .xlsx" would be bad advice: its first directory sector names an EncryptedPackage stream.
 */
export async function ole2Error(handle: ByteHandle, head: Buffer, fileName: string): Promise<AppError> {
  if (head.length >= 0x34) {
    const sectorSize = 2 ** head.readUInt16LE(0x1e);
    const firstDirectorySector = head.readInt32LE(0x30);
    if (sectorSize >= 512 && sectorSize <= 4096 && firstDirectorySector >= 0) {
      const directory = Buffer.alloc(sectorSize);
      const { bytesRead } = await handle.read(
        directory,
        0,
        sectorSize,
        (firstDirectorySector + 1) * sectorSize,
      );
      if (directory.subarray(0, bytesRead).includes(ENCRYPTED_PACKAGE)) {
        return new AppError(
          'IMPORT_FILE_CORRUPT',
          { file: fileName, format: 'xlsx' },
          { reason: 'password-protected workbook; remove the password and save again' },
        );
      }
    }
  }
  return new AppError('IMPORT_XLS_UNSUPPORTED', { file: fileName });
}
