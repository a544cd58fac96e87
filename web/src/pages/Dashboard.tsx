import { Button, Card, Col, List, Row, Statistic, Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { CustomerSummary, FieldDef } from '../../../src/modules/customers/customer-types';
import type { BatchSummary } from '../../../src/modules/ingest/ingest-types';
import { type ApiError, get, qs } from '../api';
import { ChainStatus } from '../components/ChainStatus';
import { formatTime } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorState, GradeTag, itemsOf, Loadable, useLoad } from '../shared';

const KINDS = ['individual', 'company', 'contact'] as const;
const COUNT_PAGE = 500;

/** No stats endpoint yet: counts by kind come from one list page each (≥ when there are more). */
async function countByKind(): Promise<Array<{ kind: string; n: number; more: boolean }>> {
  return Promise.all(
    KINDS.map(async (kind) => {
      const r = await get<{ items: CustomerSummary[]; nextCursor: string | null }>(
        `/customers${qs({ kind, limit: COUNT_PAGE })}`,
      );
      return { kind, n: r.items.length, more: r.nextCursor !== null };
    }),
  );
}

/** Counts, recent imports, the audit chain and what needs attention. */
export default function Dashboard(): ReactNode {
  const { t } = useI18n();
  const session = useSession();
  const counts = useLoad(countByKind, []);
  const fields = useLoad(() => get<{ items: FieldDef[] }>('/fields'), []);
  const imports = useLoad(() => get<unknown>('/imports'), []);
  const approvals = useLoad(() => get<unknown>(`/approvals${qs({ status: 'pending' })}`), []);

  const batches = itemsOf<BatchSummary>(imports.data);
  const attention: ReactNode[] = [];
  if (!session.user.totpEnrolled)
    attention.push(
      <Typography.Link onClick={() => session.navigate('/account/totp')}>{t('noTotpYet')}</Typography.Link>,
    );
  const pending = itemsOf<{ status?: string }>(approvals.data).filter(
    (a) => !a.status || a.status === 'pending',
  );
  if (pending.length > 0) attention.push(t('pendingApprovals', { n: pending.length }));
  for (const b of batches.slice(0, 20)) {
    if (b.status === 'failed') attention.push(t('failedImports', { file: b.fileName }));
    else if ((b.counts?.rejected ?? 0) > 0)
      attention.push(
        <Typography.Link onClick={() => session.navigate('/import')}>
          {t('quarantinedRows', { file: b.fileName, n: b.counts.rejected })}
        </Typography.Link>,
      );
  }

  return (
    <Row gutter={[16, 16]} data-testid="dashboard">
      <Col xs={24} lg={12}>
        <Card title={t('customersByKind')}>
          {counts.error ? (
            <ErrorState error={counts.error} />
          ) : (
            <Row>
              {KINDS.map((k) => {
                const c = counts.data?.find((x) => x.kind === k);
                return (
                  <Col span={8} key={k}>
                    <Statistic
                      title={t(`kind_${k}` as MessageKey)}
                      loading={counts.loading}
                      value={c ? (c.more ? t('countAtLeast', { n: c.n }) : c.n) : 0}
                    />
                  </Col>
                );
              })}
            </Row>
          )}
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title={t('customersByGrade')}>
          <Loadable state={fields}>
            {(d) => (
              <Row>
                {(['L1', 'L2', 'L3', 'L4'] as const).map((g) => (
                  <Col span={6} key={g}>
                    <Statistic
                      title={<GradeTag grade={g} />}
                      value={d.items.filter((f) => f.grade === g).length}
                    />
                  </Col>
                ))}
              </Row>
            )}
          </Loadable>
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title={t('auditChain')}>
          <ChainStatus auto />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title={t('needsAttention')}>
          <List
            size="small"
            data-testid="attention"
            dataSource={attention}
            locale={{ emptyText: t('nothingToDo') }}
            renderItem={(x, i) => <List.Item key={i}>{x}</List.Item>}
          />
        </Card>
      </Col>
      <Col span={24}>
        <Card
          title={t('recentImports')}
          extra={<Button onClick={() => session.navigate('/import')}>{t('menuImport')}</Button>}
        >
          {imports.error ? (
            <ErrorState error={imports.error as ApiError} />
          ) : (
            <Table<BatchSummary>
              size="small"
              rowKey="id"
              loading={imports.loading}
              pagination={false}
              dataSource={batches.slice(0, 5)}
              columns={[
                { title: t('createdAt'), dataIndex: 'createdAt', render: formatTime },
                { title: t('file'), dataIndex: 'fileName' },
                { title: t('status'), dataIndex: 'status' },
                { title: t('imported'), render: (_v, b) => b.counts?.imported },
                { title: t('rejected'), render: (_v, b) => b.counts?.rejected },
              ]}
            />
          )}
        </Card>
      </Col>
    </Row>
  );
}
