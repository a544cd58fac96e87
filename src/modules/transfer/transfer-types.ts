import type { Grade } from '../../kernel/crypto/key-ring.js';

/** PIPL-REQUIREMENTS §2.1: A share transfer, B merger/division (Art. 22), C asset sale (Art. 23), D dissolution. */
export const TRANSFER_PATHS = ['A', 'B', 'C', 'D'] as const;
export type TransferPath = (typeof TRANSFER_PATHS)[number];

export const PATH_BASIS: Record<TransferPath, { zh: string; en: string }> = {
  A: {
    zh: '股权转让：处理者主体不变，不触发个人信息保护法第二十二、二十三条；如联系方式、目的变化须更新告知（第十七条）',
    en: 'Share transfer: same processor, PIPL Art. 22/23 not triggered; update the notice if contacts or purposes change (Art. 17)',
  },
  B: {
    zh: '合并、分立、解散有承继方：个人信息保护法第二十二条，告知接收方名称和联系方式，接收方继续履行义务',
    en: 'Merger, division or dissolution with a successor: PIPL Art. 22, tell the recipient name and contact; the recipient inherits the obligations',
  },
  C: {
    zh: '资产/客户名单出售：按个人信息保护法第二十三条取得单独同意（默认从严）',
    en: 'Asset or customer-list sale: separate consent under PIPL Art. 23 (the stricter default)',
  },
  D: {
    zh: '解散或破产且无接收方：停止收集，告知，删除或限制处理（个人信息保护法第四十七条）',
    en: 'Dissolution without a recipient: stop collecting, notify, delete or restrict (PIPL Art. 47)',
  },
};

export const TRANSFER_STATUSES = [
  'draft',
  'readiness',
  'noticing',
  'answers-closed',
  'packaged',
  'received',
  'closed',
] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

export interface TransferScope {
  kind?: string | undefined;
  purpose?: string | undefined;
  owner?: string | undefined;
  tag?: string | undefined;
}

export interface TransferInput {
  path: TransferPath;
  name: string;
  counterpartyId?: string | undefined;
  scope?: TransferScope | undefined;
  fields?: string[] | undefined;
  includeL4?: boolean | undefined;
  l4Reason?: string | undefined;
  noticeDays?: number | undefined;
  plannedDate?: string | undefined;
}

export interface AcceptedItem {
  code: string;
  reason: string;
  by: string;
  at: string;
}

export interface ReadinessItem {
  code: string;
  blocking: boolean;
  count: number;
  customerIds: string[];
  truncated: boolean;
  zh: string;
  en: string;
}

export interface ReadinessReport {
  transferId: string;
  at: string;
  inScope: number;
  items: ReadinessItem[];
  accepted: AcceptedItem[];
  /** Codes of blocking items neither empty nor accepted. */
  open: string[];
}

export interface Transfer {
  id: string;
  name: string;
  path: TransferPath;
  status: TransferStatus;
  counterpartyId: string | null;
  scope: TransferScope;
  fields: string[];
  l4Reason: string | null;
  noticeDays: number;
  plannedDate: string | null;
  noticeStartedAt: string | null;
  accepted: AcceptedItem[];
  readiness: ReadinessReport | null;
  manifest: SignedManifest | null;
  receipt: SignedReceipt | null;
  certificate: DestructionCertificate | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface Counterparty {
  id: string;
  name: string;
  contact: string | null;
  uscc: string | null;
  orgId: string;
  ageRecipient: string;
  publicKey: string;
  fingerprint: string;
  importedAt: string;
}

export const IDENTITY_FORMAT = 'custodian.org-identity.v1';
export const MANIFEST_FORMAT = 'custodian.transfer-manifest.v1';
export const RECEIPT_FORMAT = 'custodian.transfer-receipt.v1';
export const CERTIFICATE_FORMAT = 'custodian.destruction-certificate.v1';

export interface OrgIdentityFile {
  format: typeof IDENTITY_FORMAT;
  orgId: string;
  orgName: string;
  ageRecipient: string;
  /** base64 DER SPKI of the org's Ed25519 signing key. */
  ed25519PublicKey: string;
  fingerprint: string;
}

export interface SchemaField {
  key: string;
  labelZh: string;
  labelEn: string;
  category: string;
  grade: Grade;
  sensitive: boolean;
  type: string;
  kinds: string[];
}

export interface TransferManifest {
  format: typeof MANIFEST_FORMAT;
  transferId: string;
  seller: { orgId: string; name: string; fingerprint: string };
  buyer: { orgId: string; name: string; fingerprint: string };
  path: TransferPath;
  counts: { records: number; byKind: Record<string, number> };
  schema: SchemaField[];
  schemaDigest: string;
  merkleRoot: string;
  packageSha256: string;
  createdAt: string;
}

export interface SignedManifest extends TransferManifest {
  signature: string;
}

export interface TransferReceipt {
  format: typeof RECEIPT_FORMAT;
  transferId: string;
  merkleRoot: string;
  count: number;
  receivedAt: string;
  buyer: { orgId: string; name: string; fingerprint: string };
}

export interface SignedReceipt extends TransferReceipt {
  signature: string;
}

export interface DestructionCertificate {
  format: typeof CERTIFICATE_FORMAT;
  transferId: string;
  org: { orgId: string; name: string; fingerprint: string };
  path: TransferPath;
  method: 'crypto-shred';
  counts: { erased: number; restricted: number; alreadyErased: number };
  merkleRoot: string;
  receiptSha256: string | null;
  retainRule: string | null;
  at: string;
  operator: string;
  approver: string;
  signature: string;
}

/** One JSON line of the package body (ARCHITECTURE §5). */
export interface PackageRecord {
  customerId: string;
  kind: string;
  companyId: string | null;
  fields: Record<string, unknown>;
  grades: Record<string, Grade>;
  flags: string[];
  purposes: Array<{ key: string; name: string; basis: string; retention: string }>;
  consents: Array<{
    purpose: string;
    action: 'grant' | 'withdraw';
    at: string;
    channel: string;
    noticeVersion: string;
    evidenceHash: string | null;
    separate: boolean;
  }>;
  /** The notice evidence of the answers port (ids, hashes, times), or null. */
  notice: unknown;
}
