import { AppError } from '../../kernel/errors/app-error.js';

const UNIT_DAYS: Record<string, number> = { d: 1, w: 7, m: 30, y: 365 };

/** "3y", "18m", "90d", "2w" or 永久/permanent (-1) to a number of days. */
export function retentionDays(spec: string): number {
  const s = spec.trim().toLowerCase();
  if (s === 'permanent' || s === '永久') return -1;
  const m = /^(\d{1,4})\s*(d|w|m|y|天|周|月|个月|年)$/.exec(s);
  if (!m) throw new AppError('VALIDATION_FAILED', { detail: 'retention must look like 3y, 18m, 90d or 2w' });
  const unit =
    ({ 天: 'd', 周: 'w', 月: 'm', 个月: 'm', 年: 'y' } as Record<string, string>)[m[2] as string] ??
    (m[2] as string);
  const days = Number(m[1]) * (UNIT_DAYS[unit] as number);
  if (days <= 0) throw new AppError('VALIDATION_FAILED', { detail: 'retention must be longer than zero' });
  return days;
}
