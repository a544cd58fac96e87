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
  /** The customer's blind-index keys, packed (modules/customers/index-keys.ts); null once erased. */
  index_keys: Buffer | null;
}

export interface CustomerPublicTable {
  org_id: string;
  customer_id: string;
  field: string;
  value: string;
}

/** Search entries; `org_no` is the org's number (org-index-number.ts, migration 010). */
export interface BlindIndexTable {
  org_no: number;
  field: string;
  hash: Buffer;
  customer_id: string;
}

/** Index rows of a bulk load, searchable once it completes (migration 006; by customer since 008). */
export interface BlindIndexPendingTable {
  batch_id: string;
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

export interface ImportBatchesTable {
  id: string;
  org_id: string;
  status: 'running' | 'completed' | 'failed' | 'rolling_back' | 'rolled_back';
  file_name: string;
  file_sha256: string;
  file_size: number;
  options: string;
  counts: string;
  report: string;
  rows_done: number;
  wrapped_key: Buffer | null;
  lease_owner: string | null;
  lease_until: string | null;
  actor: string;
  error_code: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface ImportQuarantineTable {
  org_id: string;
  batch_id: string;
  seq: number;
  sheet: string;
  row_number: number;
  sealed: Buffer;
  reasons: string;
  status: 'open' | 'fixed' | 'discarded';
  customer_id: string | null;
  created_at: string;
  resolved_at: string | null;
}

export interface ImportConflictsTable {
  org_id: string;
  batch_id: string;
  customer_id: string;
  field: string;
  sheet: string;
  row_number: number;
  sealed: Buffer;
  created_at: string;
}

export interface ImportMergesTable {
  org_id: string;
  batch_id: string;
  customer_id: string;
  before_sealed: Buffer;
  added_purposes: string;
  after_updated_at: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  org_id: string;
  username: string;
  display_name: string;
  /** `scrypt$N$r$p$salt$hash` (base64url): parameters travel with the hash so they can be raised. */
  password_hash: string;
  roles: string;
  team: string | null;
  status: 'active' | 'disabled';
  must_change_password: number;
  totp_wrapped_key: Buffer | null;
  totp_sealed: Buffer | null;
  totp_enabled: number;
  totp_last_step: number | null;
  failed_attempts: number;
  lockouts: number;
  locked_until: string | null;
  last_login_at: string | null;
  password_changed_at: string;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id_hash: string;
  org_id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  ip_hash: string | null;
}

export interface RolesTable {
  org_id: string;
  key: string;
  name: string;
  grants: string;
  scope: 'own' | 'team' | 'all';
  created_by: string;
  created_at: string;
}

export interface CustomerSharesTable {
  org_id: string;
  customer_id: string;
  user_id: string;
  created_by: string;
  created_at: string;
}

export interface ExportApprovalsTable {
  id: string;
  org_id: string;
  requester: string;
  query_summary: string;
  row_count: number;
  revealed_fields: string;
  purpose: string | null;
  reason: string | null;
  status: 'pending' | 'approved' | 'rejected' | 'used' | 'expired';
  approver: string | null;
  decision_note: string | null;
  created_at: string;
  decided_at: string | null;
  expires_at: string;
  used_at: string | null;
}

export interface OrgIdentityTable {
  org_id: string;
  wrapped_key: Buffer;
  sealed_identity: Buffer;
  age_recipient: string;
  created_at: string;
}

export interface CounterpartiesTable {
  id: string;
  org_id: string;
  name: string;
  contact: string | null;
  uscc: string | null;
  remote_org_id: string;
  age_recipient: string;
  public_key: string;
  fingerprint: string;
  imported_at: string;
}

export interface TransfersTable {
  id: string;
  org_id: string;
  name: string;
  path: 'A' | 'B' | 'C' | 'D';
  status: string;
  counterparty_id: string | null;
  scope: string;
  fields: string;
  l4_reason: string | null;
  notice_days: number;
  planned_date: string | null;
  notice_started_at: string | null;
  readiness: string | null;
  accepted: string;
  manifest: string | null;
  receipt: string | null;
  certificate: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface TransferMembersTable {
  transfer_id: string;
  customer_id: string;
  org_id: string;
  seq: number;
  disposition: 'transfer' | 'delete' | 'retain';
  done_at: string | null;
}

export interface TransferAnswersTable {
  id: string;
  org_id: string;
  transfer_id: string;
  customer_id: string;
  answer: string;
  at: string;
  channel: string;
  evidence_hash: string | null;
}

export interface TransferNoticeEvidenceTable {
  org_id: string;
  transfer_id: string;
  customer_id: string;
  channel: string;
  sent_at: string;
  evidence_hash: string | null;
}

export interface TransferInboundTable {
  id: string;
  org_id: string;
  transfer_id: string;
  seller_fingerprint: string;
  counterparty_id: string;
  merkle_root: string;
  count: number;
  manifest: string;
  receipt: string;
  received_at: string;
}

export interface NoticeCampaignsTable {
  id: string;
  org_id: string;
  transfer_id: string;
  path: 'A' | 'B' | 'C' | 'D';
  status: 'open' | 'closed';
  /** The transfer's facts shown in the notice (recipient's name and contact…): company data, no PI. */
  facts: string;
  channels: string;
  consent_purpose: string | null;
  /** JSON {customers: n, unreachable: [customer ids]}: who the campaign covers. */
  scope: string;
  planned_date: string;
  closes_at: string;
  actor: string;
  created_at: string;
  updated_at: string;
}

export interface NoticeDeliveriesTable {
  id: string;
  org_id: string;
  campaign_id: string;
  customer_id: string;
  channel: 'email' | 'sms';
  /** Keyed hash (blind index) of the destination; never the address. */
  dest_hash: string | null;
  status: 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'suppressed';
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  provider: string | null;
  provider_ref: string | null;
  error_code: string | null;
  evidence_hash: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NoticeLinksTable {
  token_hash: string;
  org_id: string;
  campaign_id: string;
  customer_id: string;
  delivery_id: string;
  channel: 'email' | 'sms';
  code_hash: string;
  /** Token and short code sealed under the customer's data key (gone with the customer on erasure). */
  sealed: Buffer;
  expires_at: string;
  used_at: string | null;
  otp_hash: string | null;
  otp_expires_at: string | null;
  otp_attempts: number;
  /** Codes issued for this link; capped so guessing stays hopeless (5 tries per code). */
  otp_codes: number;
  otp_sent_at: string | null;
  form_nonce_hash: string | null;
  form_stage: string | null;
  verified_at: string | null;
  created_at: string;
}

export interface NoticeAnswersTable {
  id: string;
  org_id: string;
  campaign_id: string;
  customer_id: string;
  answer: 'object' | 'consent' | 'refuse' | 'withdraw' | 'delete';
  channel: string;
  at: string;
  evidence_hash: string;
  actor: string;
}

export interface NoticeSuppressionsTable {
  org_id: string;
  channel: 'email' | 'sms';
  dest_hash: string;
  reason: string;
  source: string;
  created_at: string;
}

export interface NoticeEventsTable {
  id: string;
  org_id: string;
  delivery_id: string;
  at: string;
  kind: string;
  outcome: string;
  detail: string;
}

export interface Database {
  meta: MetaTable;
  orgs: OrgsTable;
  org_keys: OrgKeysTable;
  field_catalog: FieldCatalogTable;
  customers: CustomersTable;
  customer_public: CustomerPublicTable;
  blind_index: BlindIndexTable;
  blind_index_pending: BlindIndexPendingTable;
  purposes: PurposesTable;
  customer_purposes: CustomerPurposesTable;
  consents: ConsentsTable;
  erasures: ErasuresTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  audit_subjects: AuditSubjectsTable;
  audit_checkpoints: AuditCheckpointsTable;
  api_tokens: ApiTokensTable;
  import_batches: ImportBatchesTable;
  import_quarantine: ImportQuarantineTable;
  import_conflicts: ImportConflictsTable;
  import_merges: ImportMergesTable;
  users: UsersTable;
  sessions: SessionsTable;
  roles: RolesTable;
  customer_shares: CustomerSharesTable;
  export_approvals: ExportApprovalsTable;
  org_identity: OrgIdentityTable;
  counterparties: CounterpartiesTable;
  transfers: TransfersTable;
  transfer_members: TransferMembersTable;
  transfer_answers: TransferAnswersTable;
  transfer_notice_evidence: TransferNoticeEvidenceTable;
  transfer_inbound: TransferInboundTable;
  notice_campaigns: NoticeCampaignsTable;
  notice_deliveries: NoticeDeliveriesTable;
  notice_links: NoticeLinksTable;
  notice_answers: NoticeAnswersTable;
  notice_suppressions: NoticeSuppressionsTable;
  notice_events: NoticeEventsTable;
}
