/** Audit events of customer exports (ids, field keys, counts and the file hash; never values). */
export const EXPORT_EVENTS = {
  /** One per page, written before the page is decrypted; subjects are the page's customers. */
  'customer.export': {
    category: 'disclosure',
    details: ['exportId', 'revealed', 'revealedFor', 'maskedNoBasis'],
  },
  /** One per file: its SHA-256 (computed while writing), rows and format; outcome `failed` if aborted. */
  'export.file': {
    category: 'disclosure',
    details: [
      'exportId',
      'sha256',
      'bytes',
      'rows',
      'format',
      'encoding',
      'revealed',
      'maskedNoBasis',
      'label',
    ],
  },
} as const;

export type ExportEvent = keyof typeof EXPORT_EVENTS;
