import type { DataScopeKind, Grant } from '../../kernel/authz/permissions.js';

/** Shapes shared by the access routes, CLI and console (web/ imports this file only). */
export interface UserInfo {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  team: string | null;
  status: 'active' | 'disabled';
  mustChangePassword: boolean;
  totpEnrolled: boolean;
  lastLoginAt: string | null;
  lockedUntil: string | null;
  createdAt: string;
}

/** The signed-in user as /auth/login and /auth/me return it. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  mustChangePassword: boolean;
  totpEnrolled: boolean;
}

export interface RoleInfo {
  key: string;
  name: string;
  builtIn: boolean;
  scope: DataScopeKind;
  grants: Grant;
  /** Duties the role carries (GB/T 35273 §7.1): a person's roles may carry only one. */
  duties: string[];
}

export interface NewUserInput {
  username: string;
  displayName: string;
  roles: string[];
  team?: string | null | undefined;
}

export interface UserPatch {
  displayName?: string | undefined;
  roles?: string[] | undefined;
  team?: string | null | undefined;
  status?: 'active' | 'disabled' | undefined;
  resetPassword?: boolean | undefined;
  resetTotp?: boolean | undefined;
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'used' | 'expired';

export interface ExportApproval {
  id: string;
  requester: string;
  querySummary: Record<string, unknown>;
  rowCount: number;
  revealedFields: string[];
  purpose: string | null;
  reason: string | null;
  status: ApprovalStatus;
  approver: string | null;
  decisionNote: string | null;
  createdAt: string;
  decidedAt: string | null;
  expiresAt: string;
  usedAt: string | null;
}

export interface ExportApprovalRequest {
  /** What is exported: filter keys and values that are not personal data (kind, batch, L1 filters). */
  querySummary: Record<string, unknown>;
  rowCount: number;
  revealedFields: string[];
  purpose?: string | undefined;
  reason?: string | undefined;
}
