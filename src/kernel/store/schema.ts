/**
 * Row types of the store, shared by both engines. Times are ISO-8601 UTC strings, booleans 0/1,
 * structured values JSON text: one representation that SQLite and PostgreSQL hold alike.
 */
export interface OrgsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface OrgKeysTable {
  org_id: string;
  purpose: 'dek-wrap' | 'blind-index' | 'audit-signing';
  version: number;
  wrapped: Buffer;
  status: 'active' | 'retiring' | 'retired';
  created_at: string;
  retired_at: string | null;
}

export interface FieldCatalogTable {
  org_id: string;
  key: string;
  label_zh: string;
  label_en: string;
  category: string;
  grade: 'L1' | 'L2' | 'L3' | 'L4';
  sensitive: number;
  searchable: number;
  mask_rule: string;
  value_type: string;
  kinds: string;
  builtin: number;
  created_at: string;
}

export interface CustomersTable {
  id: string;
  org_id: string;
  kind: 'individual' | 'company' | 'contact';
  status: 'active' | 'erased' | 'restricted';
  parent_id: string | null;
  wrapped_dek: Buffer | null;
  key_version: number;
  blob_l2: Buffer | null;
  blob_l3: Buffer | null;
  blob_l4: Buffer | null;
  owner_id: string | null;
  source: string | null;
  batch_id: string | null;
  flags: string;
  created_at: string;
  updated_at: string;
  erased_at: string | null;
}

export interface CustomerPublicTable {
  org_id: string;
  customer_id: string;
  field: string;
  value: string;
}

export interface BlindIndexTable {
  org_id: string;
  field: string;
  hash: Buffer;
  customer_id: string;
}

export interface PurposesTable {
  org_id: string;
  key: string;
  name: string;
  basis: string;
  retention: string;
  retention_days: number;
  notice_version: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface CustomerPurposesTable {
  org_id: string;
  customer_id: string;
  purpose_key: string;
  added_at: string;
}

export interface ConsentsTable {
  id: string;
  org_id: string;
  customer_id: string;
  purpose_key: string;
  action: 'grant' | 'withdraw';
  at: string;
  channel: string;
  notice_version: string;
  evidence_hash: string | null;
  separate: number;
  actor: string;
}

export interface ErasuresTable {
  id: string;
  org_id: string;
  customer_id: string;
  at: string;
  reason: string;
  actor: string;
  request_id: string | null;
}

export interface AuditEventsTable {
  org_id: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  purpose: string | null;
  subjects: string;
  fields: string;
  outcome: string;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  org_id: string;
  seq: number;
  hash: string;
  checkpoint_seq: number;
}

export interface AuditSubjectsTable {
  org_id: string;
  customer_id: string;
  seq: number;
}

export interface AuditCheckpointsTable {
  org_id: string;
  seq: number;
  from_seq: number;
  at: string;
  head_hash: string;
  merkle_root: string;
  signature: string;
  key_fingerprint: string;
}

export interface ApiTokensTable {
  id: string;
  org_id: string;
  name: string;
  token_hash: string;
  roles: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  meta: MetaTable;
  orgs: OrgsTable;
  org_keys: OrgKeysTable;
  field_catalog: FieldCatalogTable;
  customers: CustomersTable;
  customer_public: CustomerPublicTable;
  blind_index: BlindIndexTable;
  purposes: PurposesTable;
  customer_purposes: CustomerPurposesTable;
  consents: ConsentsTable;
  erasures: ErasuresTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  audit_subjects: AuditSubjectsTable;
  audit_checkpoints: AuditCheckpointsTable;
  api_tokens: ApiTokensTable;
}
