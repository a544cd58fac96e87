import { AppError } from '../../kernel/errors/app-error.js';
import { CUSTOMER_KINDS, type CustomerKind } from '../customers/customer-types.js';
import { parseMapping } from './header-mapping.js';
import { type ImportOptions, ON_DUPLICATE, type OnDuplicate } from './ingest-types.js';

/** The form fields an upload may carry beside its file; any other is refused, as a JSON body's would be. */
export const UPLOAD_FIELDS = [
  'purpose',
  'purposes',
  'dryRun',
  'onDuplicate',
  'lenient',
  'kind',
  'sheet',
  'encoding',
  'delimiter',
  'mapping',
  'createFields',
  'chunkSize',
] as const;

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off', '']);

/**
 * The import options of an upload's form fields. A misspelt field (`onDuplicat`) or a flag that is
 * neither true nor false (`dryRun=maybe`) is an error naming it: read as absent, it would import
 * for real what the caller meant to preview.
 */
export function uploadOptions(
  fields: Record<string, string[]>,
): Omit<ImportOptions, 'fileName' | 'onProgress' | 'rejectsFile' | 'resume'> {
  const unknown = Object.keys(fields).filter((k) => !(UPLOAD_FIELDS as readonly string[]).includes(k));
  if (unknown.length)
    throw new AppError('IMPORT_UPLOAD_INVALID', {
      detail: `unknown field ${unknown.map((k) => `"${k.slice(0, 40)}"`).join(', ')}; known: ${UPLOAD_FIELDS.join(', ')}`,
    });
  const purposes = [...(fields.purpose ?? []), ...(fields.purposes ?? []).flatMap((p) => p.split(','))]
    .map((p) => p.trim())
    .filter(Boolean);
  const onDuplicate = one(fields.onDuplicate) ?? 'merge';
  if (!(ON_DUPLICATE as readonly string[]).includes(onDuplicate))
    throw new AppError('VALIDATION_FAILED', { detail: 'onDuplicate must be skip, merge or overwrite' });
  const kind = one(fields.kind);
  if (kind !== undefined && !(CUSTOMER_KINDS as readonly string[]).includes(kind))
    throw new AppError('VALIDATION_FAILED', { detail: 'kind must be individual, company or contact' });
  const mapping = one(fields.mapping);
  const chunkSize = one(fields.chunkSize);
  return {
    purposes,
    dryRun: flag(fields, 'dryRun'),
    lenient: flag(fields, 'lenient'),
    createFields: flag(fields, 'createFields'),
    onDuplicate: onDuplicate as OnDuplicate,
    kind: kind as CustomerKind | undefined,
    sheet: one(fields.sheet),
    encoding: one(fields.encoding),
    delimiter: one(fields.delimiter),
    mapping: mapping === undefined ? undefined : parseMapping(mapping, 'mapping'),
    // The import checks the range; a text that is no plain number reaches it as NaN and is refused there.
    ...(chunkSize === undefined
      ? {}
      : { chunkSize: /^\s*\d+\s*$/.test(chunkSize) ? Number(chunkSize) : Number.NaN }),
  };
}

function one(values: string[] | undefined): string | undefined {
  return values?.[values.length - 1];
}

function flag(fields: Record<string, string[]>, name: string): boolean {
  const v = one(fields[name])?.trim().toLowerCase();
  if (v === undefined) return false;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new AppError('VALIDATION_FAILED', { detail: `${name} must be true or false` });
}
