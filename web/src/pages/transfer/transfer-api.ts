import type { AuditEvent, ExportedCheckpoint } from '../../../../src/kernel/audit/audit-types';
import type { NoticeCampaign, NoticeTally } from '../../../../src/modules/notices/notice-types';
import type {
  Counterparty,
  OrgIdentityFile,
  ReadinessReport,
  SignedManifest,
  Transfer,
} from '../../../../src/modules/transfer/transfer-types';
import { apiRaw, get } from '../../api';
import type { Session } from '../../session';

export type {
  Counterparty,
  NoticeCampaign,
  NoticeTally,
  OrgIdentityFile,
  ReadinessReport,
  SignedManifest,
  Transfer,
};

/** GET /transfers/:id/dossier (mirrors `Dossier` in src/modules/transfer/dossier.ts). */
export interface Dossier {
  format: 'custodian.transfer-dossier.v1';
  transfer: Transfer;
  counterparty: Counterparty | null;
  answers: Record<string, number>;
  noticesWithEvidence: number | null;
  timeline: AuditEvent[];
  checkpoint: ExportedCheckpoint;
}

/** POST /transfers/:id/dd (mirrors `DdRoom` in src/modules/transfer/due-diligence.ts). */
export interface DdRoom {
  format: 'custodian.dd-room.v1';
  transferId: string;
  generatedAt: string;
  k: number;
  total: number;
  aggregates: Record<'byRegion' | 'byIndustry' | 'byKind' | 'byVolume', Record<string, number | string>>;
  classes: Array<{
    kind: string;
    province: string;
    ageBand: string;
    industry: string;
    volume: string;
    count: number;
  }>;
  suppressedRecords: number;
  sample: Array<{ kind: string; province: string; ageBand: string; industry: string; volume: string }>;
}

export type TransferAction = 'read' | 'manage' | 'package' | 'receive' | 'complete';

/**
 * Mirrors TRANSFER_ROLE_GRANTS (src/modules/transfer/transfer-policy.ts, not a types file, so not
 * imported): built-in roles' transfer grants, which /auth/me's permission map does not list yet.
 */
const ROLE_GRANTS: Record<string, readonly TransferAction[]> = {
  system: ['read', 'manage', 'package', 'receive', 'complete'],
  dpo: ['read', 'manage', 'package', 'receive', 'complete'],
  auditor: ['read'],
};

/** May this session do `action` on transfers? (The server decides; this only hides what would fail.) */
export function canTransfer(session: Pick<Session, 'user' | 'permissions'>, action: TransferAction): boolean {
  const p = session.permissions as Record<string, Record<string, unknown> | undefined> | null | undefined;
  if (p?.transfer?.[action]) return true;
  return session.user.roles.some((r) => ROLE_GRANTS[r]?.includes(action));
}

/** The case page's address: the transfer id only (no personal data in URLs). */
export const casePath = (id: string): string => `/transfers/case/${encodeURIComponent(id)}`;
export const caseIdOf = (path: string): string | null => {
  const m = /^\/transfers\/case\/([^/]+)$/.exec(path);
  return m ? decodeURIComponent(m[1] as string) : null;
};

/** Saves data the browser already holds as a file (identity, manifest, receipt, DD room). */
export function saveFile(name: string, data: Blob | string, type = 'application/json'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const json = (x: unknown): string => `${JSON.stringify(x, null, 2)}\n`;

/** Reads an uploaded JSON file; a file that is not JSON throws a plain Error (shown as is). */
export async function readJsonFile(file: Blob, what: string): Promise<unknown> {
  try {
    return JSON.parse(await file.text());
  } catch {
    throw new Error(what);
  }
}

/** Opens an HTML page the API renders (readiness report via POST, dossier) in a new tab. */
export async function openHtml(method: 'GET' | 'POST', path: string): Promise<void> {
  const tab = window.open('', '_blank');
  const res = await apiRaw(method, path, method === 'POST' ? '{}' : undefined, {
    accept: 'text/html',
    ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
  });
  const url = URL.createObjectURL(new Blob([await res.text()], { type: 'text/html;charset=utf-8' }));
  if (tab) tab.location.href = url;
  else window.open(url, '_blank');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** base64 of the UTF-8 bytes (the manifest header carries Chinese org names). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export const loadCounterparties = (): Promise<{ items: Counterparty[] }> =>
  get<{ items: Counterparty[] }>('/org/counterparties');
