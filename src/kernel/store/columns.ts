/** Column lists of tables written in bulk with insertRows (all columns, schema order). */

export const CONSENT_COLUMNS = [
  'id',
  'org_id',
  'customer_id',
  'purpose_key',
  'action',
  'at',
  'channel',
  'notice_version',
  'evidence_hash',
  'separate',
  'actor',
] as const;

export const CUSTOMER_COLUMNS = [
  'id',
  'org_id',
  'kind',
  'status',
  'parent_id',
  'wrapped_dek',
  'key_version',
  'blob_l2',
  'blob_l3',
  'blob_l4',
  'owner_id',
  'source',
  'batch_id',
  'flags',
  'created_at',
  'updated_at',
  'erased_at',
  'index_keys',
] as const;
