import type { Grade } from '../../kernel/crypto/key-ring.js';

export const CUSTOMER_KINDS = ['individual', 'company', 'contact'] as const;
export type CustomerKind = (typeof CUSTOMER_KINDS)[number];
export const CUSTOMER_STATUSES = ['active', 'erased', 'restricted'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** How a value is validated and normalised on write. */
export const VALUE_TYPES = [
  'text',
  'mobile',
  'landline',
  'idNumber',
  'email',
  'uscc',
  'bankCard',
  'date',
  'number',
  'money',
  'list',
  'url',
  'boolean',
] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** Display masks (ARCHITECTURE §3, CN-USER-CONVENTIONS §4). */
export const MASK_RULES = [
  'none',
  'mobile',
  'landline',
  'name',
  'idNumber',
  'bankCard',
  'email',
  'address',
  'birthday',
  'amount',
  'partial',
  'hidden',
] as const;
export type MaskRule = (typeof MASK_RULES)[number];

export const FIELD_CATEGORIES = [
  'identity',
  'contact',
  'business',
  'transaction',
  'preference',
  'relationship',
  'sensitive',
  'custom',
] as const;
export type FieldCategory = (typeof FIELD_CATEGORIES)[number];

export interface FieldDef {
  key: string;
  labelZh: string;
  labelEn: string;
  category: FieldCategory;
  grade: Grade;
  /** Sensitive personal information under PIPL Art. 28. */
  sensitive: boolean;
  searchable: boolean;
  mask: MaskRule;
  type: ValueType;
  kinds: CustomerKind[];
  builtin: boolean;
}

export type FieldValue = string | number | boolean | string[];

export interface CustomerInput {
  kind: CustomerKind;
  fields: Record<string, unknown>;
  purposes: string[];
  companyId?: string | undefined;
  ownerId?: string | undefined;
  source?: string | undefined;
  batchId?: string | undefined;
  flags?: string[] | undefined;
  /** How consent for consent-based purposes was obtained; recorded in the ledger at creation. */
  consentChannel?: string | undefined;
}

/** What callers see: masked by default; `revealed` lists fields shown in clear for a purpose. */
export interface CustomerView {
  id: string;
  kind: CustomerKind;
  status: 'active' | 'erased' | 'restricted';
  companyId: string | null;
  ownerId: string | null;
  source: string | null;
  batchId: string | null;
  flags: string[];
  purposes: string[];
  fields: Record<string, FieldValue>;
  masked: string[];
  revealed: string[];
  createdAt: string;
  updatedAt: string;
}

export interface CustomerSummary {
  id: string;
  kind: CustomerKind;
  status: string;
  companyId: string | null;
  display: Record<string, FieldValue>;
  createdAt: string;
}

export interface FindQuery {
  mobile?: string | undefined;
  mobileLast4?: string | undefined;
  idNumber?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
  companyName?: string | undefined;
  uscc?: string | undefined;
}

export interface ListQuery {
  kind?: CustomerKind | undefined;
  status?: 'active' | 'erased' | 'restricted' | undefined;
  /** Exact matches on L1 (public) fields only. */
  filters?: Record<string, string> | undefined;
  batchId?: string | undefined;
  ownerId?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}
