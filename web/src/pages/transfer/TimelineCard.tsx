import { Button, Card, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { AuditEvent } from '../../../../src/kernel/audit/audit-types';
import { get } from '../../api';
import { formatTime } from '../../format';
import { tMaybe, useI18n } from '../../i18n';
import { Loadable, useLoad } from '../../shared';

/** Facts worth a line in the timeline (ids, counts, codes; the trail holds no personal data). */
function summary(e: AuditEvent): string {
  const d = e.details;
  const parts: string[] = [];
  for (const k of [
    'inScope',
    'item',
    'reason',
    'noticeDays',
    'count',
    'records',
    'imported',
    'code',
    'early',
  ])
    if (d[k] !== undefined && d[k] !== null) parts.push(`${k}: ${String(d[k])}`);
  const counts = d.counts as Record<string, unknown> | undefined;
  if (counts && typeof counts === 'object')
    parts.push(
      Object.entries(counts)
        .filter(([, v]) => typeof v === 'number')
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    );
  if (typeof d.merkleRoot === 'string') parts.push(`root ${d.merkleRoot.slice(0, 16)}…`);
  return parts.filter(Boolean).join(' · ');
}

/** The case's timeline as the audit trail records it (GET /transfers/:id/timeline). */
export function TimelineCard({ id, tick }: { id: string; tick: number }): ReactNode {
  const { t } = useI18n();
  const events = useLoad(
    () => get<{ items: AuditEvent[] }>(`/transfers/${encodeURIComponent(id)}/timeline`),
    [id, tick],
  );
  return (
    <Card
      title={t('trTimeline')}
      size="small"
      extra={
        <Button size="small" onClick={events.reload}>
          {t('refresh')}
        </Button>
      }
    >
      <Loadable state={events}>
        {(d) => (
          <Timeline
            data-testid="transfer-timeline"
            items={d.items.map((e) => ({
              key: e.seq,
              color: e.outcome === 'ok' || e.outcome === 'success' ? 'blue' : 'red',
              title: formatTime(e.at),
              content: (
                <div data-testid="timeline-item">
                  <Typography.Text strong>{tMaybe(t, `ev_${e.action}`, e.action)}</Typography.Text>
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    #{e.seq} · {e.actor}
                    {summary(e) ? ` · ${summary(e)}` : ''}
                  </Typography.Text>
                </div>
              ),
            }))}
          />
        )}
      </Loadable>
    </Card>
  );
}
