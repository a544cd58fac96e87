import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import type { Store } from '../../kernel/store/store.js';
import type { FieldDef } from '../customers/customer-types.js';
import {
  ageOf,
  hasBasis,
  hasTag,
  latestConsent,
  loadPage,
  loadPurposes,
  type PurposeDef,
  type ScopedCustomer,
} from './scope-reader.js';
import type { TransferRepo } from './transfer-repo.js';
import type { ReadinessItem, ReadinessReport, Transfer } from './transfer-types.js';

/** Readiness findings (PIPL-REQUIREMENTS §2.2 step 1 "freeze and inventory"). */
export const FINDINGS: Record<string, { blocking: boolean; zh: string; en: string }> = {
  'no-legal-basis': {
    blocking: true,
    zh: '无处理依据（无目的，或同意已撤回/未取得）',
    en: 'No legal basis (no purpose, or consent withdrawn or never given)',
  },
  'consent-stale': {
    blocking: false,
    zh: '同意基于旧版告知（告知版本已更新）',
    en: 'Consent was given to an older notice version',
  },
  'past-retention': {
    blocking: false,
    zh: '已超过保存期限：应删除，不转让',
    en: 'Past retention: to delete, not to transfer',
  },
  unreachable: {
    blocking: false,
    zh: '无有效手机或邮箱，无法逐一告知：列入公告名单',
    en: 'No valid mobile or email: cannot be told individually (public announcement list)',
  },
  minor: {
    blocking: true,
    zh: '未满十四周岁（须取得监护人同意，个人信息保护法第三十一条）',
    en: 'Under 14 (guardian consent needed, PIPL Art. 31)',
  },
  'sensitive-pi': {
    blocking: true,
    zh: '移交敏感个人信息（须单独同意，个人信息保护法第二十九条）',
    en: 'Sensitive PI handed over (separate consent needed, PIPL Art. 29)',
  },
  'cross-border': {
    blocking: false,
    zh: '有跨境标记（接收方在境外时适用第三十九条）',
    en: 'Cross-border flag (PIPL Art. 39 applies to an overseas recipient)',
  },
  'data-quality': {
    blocking: false,
    zh: '导入时带有数据质量标记（如宽松校验 lenient:*）',
    en: 'Data-quality flags from imports (e.g. lenient:*)',
  },
};

const DRILL_DOWN_MAX = 10_000;

export interface ClassifyContext {
  now: Date;
  purposes: Map<string, PurposeDef>;
  sensitiveFields: string[];
}

/** The finding codes of one customer. */
export function classify(c: ScopedCustomer, ctx: ClassifyContext): string[] {
  const codes: string[] = [];
  const held = c.purposes.map((h) => ctx.purposes.get(h.key)).filter((p): p is PurposeDef => !!p);
  if (!held.some((p) => hasBasis(c, p))) codes.push('no-legal-basis');
  for (const p of held) {
    if (p.basis !== 'consent') continue;
    const last = latestConsent(c, p.key);
    if (last?.action === 'grant' && last.noticeVersion !== p.noticeVersion) {
      codes.push('consent-stale');
      break;
    }
  }
  const nowMs = ctx.now.getTime();
  const expired =
    held.length > 0 &&
    held.every((p) => {
      if (p.retentionDays < 0) return false;
      const added = c.purposes.find((h) => h.key === p.key)?.addedAt ?? c.row.created_at;
      return Date.parse(added) + p.retentionDays * 86_400_000 < nowMs;
    });
  if (expired) codes.push('past-retention');
  const v = c.values;
  if (!v.mobile && !v.email && !(c.row.kind === 'company' && v.landline)) codes.push('unreachable');
  const age = ageOf(v, ctx.now);
  if (v.isMinor === true || v.isMinor === 'true' || (age !== null && age < 14)) codes.push('minor');
  if (ctx.sensitiveFields.some((k) => v[k] !== undefined)) codes.push('sensitive-pi');
  if (c.flags.some((f) => f.startsWith('cross-border')) || v.crossBorder === true) codes.push('cross-border');
  if (c.flags.some((f) => f.startsWith('lenient:') || f.startsWith('quality:'))) codes.push('data-quality');
  return codes;
}

/**
 * Walks the transfer's scope page by page (values decrypted per page, never the whole set) and counts
 * each finding with its customer ids. Blocking findings must be empty or accepted by the DPO.
 */
export async function computeReadiness(
  deps: { store: Store; keys: KeyRing; orgId: string; repo: TransferRepo; catalog: Map<string, FieldDef> },
  t: Transfer,
  now: Date,
  onPage?: (ids: string[]) => Promise<void>,
): Promise<ReadinessReport> {
  const purposes = await loadPurposes(deps.store.db, deps.orgId);
  const sensitiveFields = t.fields.filter((k) => {
    const d = deps.catalog.get(k);
    return d && (d.grade === 'L4' || d.sensitive);
  });
  const items = new Map<string, ReadinessItem>();
  for (const [code, f] of Object.entries(FINDINGS))
    items.set(code, {
      code,
      blocking: f.blocking,
      count: 0,
      customerIds: [],
      truncated: false,
      zh: f.zh,
      en: f.en,
    });
  let inScope = 0;
  for await (const rows of deps.repo.scopePages(deps.store.db, t.scope)) {
    // Write-ahead: the page is audited before anything of it is decrypted.
    await onPage?.(rows.map((r) => r.id));
    const page = await loadPage(deps.store.db, deps.keys, deps.orgId, rows, ['L2', 'L3', 'L4']);
    for (const c of page) {
      if (!hasTag(c.values, t.scope.tag)) continue;
      inScope += 1;
      for (const code of classify(c, { now, purposes, sensitiveFields })) {
        const item = items.get(code) as ReadinessItem;
        item.count += 1;
        if (item.customerIds.length < DRILL_DOWN_MAX) item.customerIds.push(c.row.id);
        else item.truncated = true;
      }
    }
  }
  const accepted = t.accepted;
  const list = [...items.values()];
  const open = list
    .filter((i) => i.blocking && i.count > 0 && !accepted.some((a) => a.code === i.code))
    .map((i) => i.code);
  return { transferId: t.id, at: now.toISOString(), inScope, items: list, accepted, open };
}
