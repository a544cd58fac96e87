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
 * May this session do `action` on transfers? GET /auth/me lists the effective transfer grants (built-in
 * and custom roles) under `permissions.transfer`. The server decides; this only hides what would fail.
 */
export function canTransfer(session: Pick<Session, 'permissions'>, action: TransferAction): boolean {
  const p = session.permissions as Record<string, Record<string, unknown> | undefined> | null | undefined;
  return Boolean(p?.transfer?.[action]);
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

/** Opens an HTML page the API renders (the stored readiness report, the dossier) in a new tab. */
export async function openHtml(path: string): Promise<void> {
  const tab = window.open('', '_blank');
  const res = await apiRaw('GET', path, undefined, { accept: 'text/html' });
  const url = URL.createObjectURL(new Blob([await res.text()], { type: 'text/html;charset=utf-8' }));
  if (tab) tab.location.href = url;
  else window.open(url, '_blank');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** GET /transfers/inbound (mirrors `InboundPackage` in src/modules/transfer/inbound.ts). */
export interface InboundPackage {
  id: string;
  transferId: string;
  seller: { name: string | null; fingerprint: string; counterpartyId: string };
  merkleRoot: string;
  count: number;
  receivedAt: string;
}

/** POST /transfers/:id/campaign (mirrors `CaseCampaignResult` in src/modules/transfer/transfer-campaign.ts). */
export interface CaseCampaignResult {
  transfer: Transfer;
  campaign: NoticeCampaign;
  customers: number;
  queued: number;
  unreachable: number;
  suppressed: number;
  noticeStarted: boolean;
}

export const loadCounterparties = (): Promise<{ items: Counterparty[] }> =>
  get<{ items: Counterparty[] }>('/org/counterparties');
