import { Descriptions, Space, Statistic, Table, Tag } from 'antd';
import { type ReactNode, useEffect } from 'react';
import { get } from '../../api';
import { formatTime } from '../../format';
import { type MessageKey, useI18n } from '../../i18n';
import { ErrorState, useLoad } from '../../shared';
import type { NoticeCampaign, NoticeTally } from './transfer-api';

const STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'suppressed'] as const;
const ANSWERS = ['object', 'consent', 'refuse', 'withdraw', 'delete'] as const;

/** The campaign's tally (deliveries per channel and status, latest answers); refreshed every 5 s while live. */
export function TallyView({
  campaign,
  live,
  tick,
}: {
  campaign: NoticeCampaign;
  live: boolean;
  tick: number;
}): ReactNode {
  const { t } = useI18n();
  const tally = useLoad(
    () => get<NoticeTally>(`/notices/campaigns/${encodeURIComponent(campaign.id)}/tally`),
    [campaign.id, tick],
  );
  const { reload } = tally;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(reload, 5000);
    return () => clearInterval(timer);
  }, [live, reload]);
  if (tally.error) return <ErrorState error={tally.error} onRetry={reload} />;
  const d = tally.data;
  return (
    <div data-testid="notice-tally">
      <Descriptions size="small" column={{ xs: 1, md: 2, xxl: 3 }}>
        <Descriptions.Item label={t('ntCampaignId')}>{campaign.id}</Descriptions.Item>
        <Descriptions.Item label={t('ntChannels')}>{campaign.channels.join(', ')}</Descriptions.Item>
        <Descriptions.Item label={t('ntClosesAt')}>
          {formatTime(campaign.closesAt)}{' '}
          {d ? (
            <Tag color={d.windowOpen ? 'processing' : 'default'}>
              {d.windowOpen ? t('ntOpen') : t('ntShut')}
            </Tag>
          ) : null}
        </Descriptions.Item>
      </Descriptions>
      {d ? (
        <>
          <Space size="large" wrap>
            <Statistic title={t('ntCustomers')} value={d.customers} />
            <Statistic
              title={t('ntUnreachable')}
              value={d.unreachable}
              valueRender={(v) => <span data-testid="tally-unreachable">{v}</span>}
            />
            {ANSWERS.map((a) => (
              <Statistic
                key={a}
                title={t(`answer_${a}` as MessageKey)}
                value={d.answers[a]}
                valueRender={(v) => <span data-testid={`tally-answer-${a}`}>{v}</span>}
              />
            ))}
            <Statistic
              title={t('ntNoAnswer')}
              value={d.noAnswer}
              valueRender={(v) => <span data-testid="tally-no-answer">{v}</span>}
            />
          </Space>
          <Table
            size="small"
            pagination={false}
            rowKey="channel"
            data-testid="tally-channels"
            style={{ marginTop: 8 }}
            dataSource={(['email', 'sms'] as const).map((c) => ({ channel: c, ...d.byChannel[c] }))}
            columns={[
              {
                title: t('ntChannels'),
                dataIndex: 'channel',
                render: (c: 'email' | 'sms') => t(`ntChannel_${c}`),
              },
              ...STATUSES.map((s) => ({
                title: t(`ntDelivery_${s}` as MessageKey),
                dataIndex: s,
                render: (n: number, r: { channel: string }) => (
                  <span data-testid={`tally-${r.channel}-${s}`}>{n}</span>
                ),
              })),
            ]}
          />
        </>
      ) : null}
    </div>
  );
}
