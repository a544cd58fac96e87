/**
 * Audit events the ingest module writes (details hold ids, counts, codes and hashes, never values).
 * `customer.create` / `customer.update` are the customer module's own actions, written by the import
 * for the customers it creates or merges into, with `details.via = 'import'`.
 */
export const INGEST_EVENTS = {
  'import.start': {
    category: 'processing',
    details: ['batchId', 'sha256', 'bytes', 'purposes', 'onDuplicate', 'lenient'],
  },
  'import.resume': { category: 'processing', details: ['batchId', 'rowsDone'] },
  'import.chunk': {
    category: 'processing',
    details: ['batchId', 'rowsDone', 'imported', 'merged', 'rejected', 'blank'],
  },
  'import.complete': {
    category: 'processing',
    details: ['batchId', 'read', 'imported', 'merged', 'rejected'],
  },
  'import.rollback.start': { category: 'processing', details: ['batchId', 'reason', 'errorCode'] },
  'import.rollback.index': { category: 'deletion', details: ['batchId', 'entries'] },
  'import.rollback.delete': { category: 'deletion', details: ['batchId', 'count'] },
  'import.rollback': {
    category: 'deletion',
    details: ['batchId', 'status', 'deleted', 'restored', 'keptChanged', 'keptErased'],
  },
  'import.quarantine.read': { category: 'access', details: ['batchId', 'rows'] },
  'import.quarantine.reveal': { category: 'access', details: ['batchId', 'rows', 'grade'] },
  'import.quarantine.retry': { category: 'processing', details: ['batchId', 'seq', 'outcome'] },
  'import.quarantine.discard': { category: 'deletion', details: ['batchId', 'seq', 'row'] },
  'import.rejects.export': { category: 'disclosure', details: ['batchId', 'rows', 'sha256'] },
} as const;

export type IngestEvent = keyof typeof INGEST_EVENTS;
