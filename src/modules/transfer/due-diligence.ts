import type { Actor } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { FieldValue } from '../customers/customer-types.js';
import { ageOf, hasTag, loadPage } from './scope-reader.js';
import { assertTransfer } from './transfer-policy.js';
import { createTransferRepo } from './transfer-repo.js';
import { type TransferDeps, transferEvent } from './transfer-service.js';

export interface DdRoom {
  format: 'custodian.dd-room.v1';
  transferId: string;
  generatedAt: string;
  k: number;
  total: number;
  aggregates: Record<'byRegion' | 'byIndustry' | 'byKind' | 'byVolume', Record<string, number | string>>;
  /** Generalised quasi-identifiers: classes smaller than k are suppressed. */
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

/** Region text to its province (省/自治区/直辖市/特别行政区), the generalisation used in diligence. */
export function provinceOf(region: FieldValue | undefined): string {
  if (typeof region !== 'string' || !region) return '未知';
  const m = /^(.+?(省|自治区|特别行政区|市))/.exec(region);
  return m ? (m[1] as string) : '未知';
}

export function ageBand(age: number | null): string {
  if (age === null) return '未知';
  if (age < 18) return '<18';
  if (age >= 60) return '60+';
  const lo = Math.floor(age / 10) * 10;
  return `${lo}-${lo + 9}`;
}

export function volumeBucket(amount: FieldValue | undefined): string {
  const n = typeof amount === 'number' ? amount : Number(amount);
  if (amount === undefined || !Number.isFinite(n)) return '未知';
  if (n <= 0) return '0';
  if (n < 10_000) return '<1万';
  if (n < 100_000) return '1万-10万';
  if (n < 1_000_000) return '10万-100万';
  return '≥100万';
}

/**
 * The due-diligence room (PIPL-REQUIREMENTS §2.2 step 2): aggregates and a generalised sample with no
 * direct identifiers, k-anonymous (cells and classes under k suppressed). Every download is audited.
 */
export function createDueDiligence(deps: TransferDeps) {
  const { store, keys, audit, clock, orgId } = deps;
  const repo = createTransferRepo(orgId);

  async function room(actor: Actor, id: string, opts: { k?: number; sample?: number } = {}): Promise<DdRoom> {
    assertTransfer(actor, 'manage');
    const k = opts.k ?? 5;
    if (!Number.isInteger(k) || k < 2)
      throw new AppError('VALIDATION_FAILED', { detail: 'k must be an integer ≥ 2' });
    const sampleSize = opts.sample ?? 200;
    const t = await repo.get(store.db, id);
    const now = clock.now();
    const agg = {
      byRegion: new Map<string, number>(),
      byIndustry: new Map<string, number>(),
      byKind: new Map<string, number>(),
      byVolume: new Map<string, number>(),
    };
    const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
    const classes = new Map<string, number>();
    const rows: string[] = [];
    let total = 0;
    for await (const page of repo.scopePages(store.db, t.scope)) {
      await store.transaction((trx) =>
        audit.append(trx, [
          {
            actor: actor.id,
            action: 'transfer.dd.scan',
            purpose: 'transfer',
            subjects: page.map((r) => r.id),
            fields: ['region', 'industry', 'amount', 'birthday', 'idNumber'],
            details: { transferId: id, count: page.length },
          },
        ]),
      );
      for (const c of await loadPage(store.db, keys, orgId, page, ['L2', 'L3', 'L4'])) {
        if (!hasTag(c.values, t.scope.tag)) continue;
        total += 1;
        const q = {
          kind: c.row.kind,
          province: provinceOf(c.values.region),
          ageBand: c.row.kind === 'company' ? '-' : ageBand(ageOf(c.values, now)),
          industry: typeof c.values.industry === 'string' ? c.values.industry : '未知',
          volume: volumeBucket(c.values.amount),
        };
        bump(agg.byRegion, q.province);
        bump(agg.byIndustry, q.industry);
        bump(agg.byKind, q.kind);
        bump(agg.byVolume, q.volume);
        const key = JSON.stringify([q.kind, q.province, q.ageBand, q.industry, q.volume]);
        classes.set(key, (classes.get(key) ?? 0) + 1);
        rows.push(key);
      }
    }
    const suppress = (m: Map<string, number>) =>
      Object.fromEntries([...m].map(([key, n]) => [key, n < k ? `<${k}` : n]));
    const kept = [...classes].filter(([, n]) => n >= k);
    const keptKeys = new Set(kept.map(([key]) => key));
    const eligible = rows.filter((r) => keptKeys.has(r));
    const step = Math.max(1, Math.floor(eligible.length / Math.max(1, sampleSize)));
    const toObj = (key: string) => {
      const [kind, province, band, industry, volume] = JSON.parse(key) as string[];
      return {
        kind: kind as string,
        province: province as string,
        ageBand: band as string,
        industry: industry as string,
        volume: volume as string,
      };
    };
    const sample: DdRoom['sample'] = [];
    for (let i = 0; i < eligible.length && sample.length < sampleSize; i += step)
      sample.push(toObj(eligible[i] as string));
    const out: DdRoom = {
      format: 'custodian.dd-room.v1',
      transferId: id,
      generatedAt: now.toISOString(),
      k,
      total,
      aggregates: {
        byRegion: suppress(agg.byRegion),
        byIndustry: suppress(agg.byIndustry),
        byKind: suppress(agg.byKind),
        byVolume: suppress(agg.byVolume),
      },
      classes: kept.map(([key, count]) => ({ ...toObj(key), count })),
      suppressedRecords: rows.length - eligible.length,
      sample,
    };
    await store.transaction((trx) =>
      transferEvent(trx, audit, actor, 'dd.download', id, {
        k,
        total,
        classes: out.classes.length,
        sample: sample.length,
      }),
    );
    return out;
  }

  return { room };
}
