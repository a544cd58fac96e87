import { Button, Card, Input, Space, Table, Tag } from 'antd';
import { type ReactNode, useState } from 'react';
import type { AuditEvent } from '../../../src/kernel/audit/audit-types';
import { get, qs } from '../api';
import { ChainStatus } from '../components/ChainStatus';
import { formatTime } from '../format';
import { useI18n } from '../i18n';
import { ErrorState, useLoad } from '../shared';

interface Filters {
  action: string;
  actor: string;
  customer: string;
}

const PAGE = 100;

/** Audit events with filters (action, actor, customer), paging by sequence, and chain verification. */
export default function Audit(): ReactNode {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Filters>({ action: '', actor: '', customer: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [more, setMore] = useState<AuditEvent[]>([]);
  const events = useLoad(() => {
    setMore([]);
    return get<{ items: AuditEvent[] }>(`/audit/events${qs({ ...filters, limit: PAGE })}`);
  }, [filters]);
  const rows = [...(events.data?.items ?? []), ...more];
  const last = rows[rows.length - 1];

  async function loadMore(): Promise<void> {
    if (!last) return;
    const res = await get<{ items: AuditEvent[] }>(
      `/audit/events${qs({ ...filters, limit: PAGE, after: last.seq })}`,
    );
    setMore((m) => [...m, ...res.items]);
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={t('auditChain')}>
        <ChainStatus />
      </Card>
      <Card title={t('menuAudit')}>
        <Space wrap style={{ marginBottom: 16 }} data-testid="audit-filters">
          <Input
            placeholder={t('filterAction')}
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
            data-testid="filter-action"
          />
          <Input
            placeholder={t('filterActor')}
            value={draft.actor}
            onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
          />
          <Input
            placeholder={t('filterCustomer')}
            value={draft.customer}
            onChange={(e) => setDraft({ ...draft, customer: e.target.value })}
            data-testid="filter-customer"
          />
          <Button type="primary" onClick={() => setFilters({ ...draft })} data-testid="audit-search">
            {t('search')}
          </Button>
          <Button
            onClick={() => {
              const empty = { action: '', actor: '', customer: '' };
              setDraft(empty);
              setFilters(empty);
            }}
          >
            {t('reset')}
          </Button>
        </Space>
        {events.error ? (
          <ErrorState error={events.error} onRetry={events.reload} />
        ) : (
          <Table<AuditEvent>
            size="small"
            rowKey="seq"
            data-testid="audit-table"
            loading={events.loading}
            dataSource={rows}
            pagination={false}
            columns={[
              { title: t('seq'), dataIndex: 'seq', width: 70 },
              { title: t('time'), dataIndex: 'at', render: formatTime, width: 170 },
              { title: t('actor'), dataIndex: 'actor' },
              { title: t('action'), dataIndex: 'action' },
              { title: t('purpose'), dataIndex: 'purpose' },
              {
                title: t('customer'),
                dataIndex: 'subjects',
                render: (s: string[]) =>
                  s.length > 3 ? `${s.slice(0, 3).join(', ')} … (${s.length})` : s.join(', '),
              },
              { title: t('fields'), dataIndex: 'fields', render: (f: string[]) => f.join(', ') },
              {
                title: t('outcome'),
                dataIndex: 'outcome',
                render: (o: string) => <Tag color={o === 'ok' ? 'green' : 'red'}>{o}</Tag>,
              },
            ]}
          />
        )}
        {(events.data?.items.length ?? 0) === PAGE && (
          <Button style={{ marginTop: 16 }} onClick={loadMore}>
            {t('loadMore')}
          </Button>
        )}
      </Card>
    </Space>
  );
}
