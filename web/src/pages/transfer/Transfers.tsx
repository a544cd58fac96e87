import { Button, Card, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { get } from '../../api';
import { formatTime } from '../../format';
import { type MessageKey, useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ErrorState, useLoad } from '../../shared';
import CreateTransfer from './CreateTransfer';
import { type Counterparty, canTransfer, casePath, loadCounterparties, type Transfer } from './transfer-api';

export const STATUS_COLOURS: Record<Transfer['status'], string> = {
  draft: 'default',
  readiness: 'processing',
  noticing: 'processing',
  'answers-closed': 'warning',
  packaged: 'cyan',
  received: 'blue',
  closed: 'success',
};

export function StatusTag({ status }: { status: Transfer['status'] }): ReactNode {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLOURS[status]} data-testid="transfer-status">
      {t(`trStatus_${status}` as MessageKey)}
    </Tag>
  );
}

export function PathTag({ path }: { path: Transfer['path'] }): ReactNode {
  const { t } = useI18n();
  return (
    <Tooltip title={t(`trPathBasis_${path}` as MessageKey)}>
      <Tag color="geekblue">
        {path} · {t(`trPath_${path}` as MessageKey)}
      </Tag>
    </Tooltip>
  );
}

/** 转让: the org's transfer cases (GET /transfers) and the form that opens a new one. */
export default function Transfers(): ReactNode {
  const { t } = useI18n();
  const session = useSession();
  const [creating, setCreating] = useState(false);
  const list = useLoad(() => get<{ items: Transfer[] }>('/transfers'));
  const cps = useLoad(() => loadCounterparties());
  const cpName = new Map((cps.data?.items ?? []).map((c: Counterparty) => [c.id, c.name]));
  return (
    <Card
      title={t('menuTransfers')}
      data-testid="transfers-page"
      extra={
        <Space>
          <Button onClick={() => session.navigate('/transfers/identity')}>{t('menuOrgIdentity')}</Button>
          <Button onClick={list.reload}>{t('refresh')}</Button>
          {canTransfer(session, 'manage') ? (
            <Button type="primary" data-testid="transfer-new" onClick={() => setCreating(true)}>
              {t('trNew')}
            </Button>
          ) : null}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('trIntro')}</Typography.Paragraph>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : (
        <Table<Transfer>
          size="small"
          rowKey="id"
          data-testid="transfers-table"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            {
              title: t('trName'),
              dataIndex: 'name',
              render: (name: string, r) => (
                <Typography.Link data-testid="transfer-open" onClick={() => session.navigate(casePath(r.id))}>
                  {name}
                </Typography.Link>
              ),
            },
            {
              title: t('trPathCol'),
              dataIndex: 'path',
              render: (p: Transfer['path']) => <PathTag path={p} />,
            },
            {
              title: t('trCounterparty'),
              dataIndex: 'counterpartyId',
              render: (id: string | null) => (id ? (cpName.get(id) ?? id) : t('none')),
            },
            {
              title: t('status'),
              dataIndex: 'status',
              render: (s: Transfer['status']) => <StatusTag status={s} />,
            },
            { title: t('trPlannedDate'), dataIndex: 'plannedDate', render: (d: string | null) => d ?? '—' },
            { title: t('createdAt'), dataIndex: 'createdAt', render: (d: string) => formatTime(d) },
          ]}
        />
      )}
      {creating ? (
        <CreateTransfer
          counterparties={cps.data?.items ?? []}
          onClose={() => setCreating(false)}
          onCreated={(tr) => {
            setCreating(false);
            session.navigate(casePath(tr.id));
          }}
        />
      ) : null}
    </Card>
  );
}
