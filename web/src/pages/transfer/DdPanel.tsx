import { App, Button, Card, Col, InputNumber, Row, Space, Statistic, Table, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { post } from '../../api';
import { formatTime } from '../../format';
import { type MessageKey, useI18n } from '../../i18n';
import { useSession } from '../../session';
import { errorText } from '../../shared';
import { canTransfer, type DdRoom, json, saveFile, type Transfer } from './transfer-api';

const AGGREGATES = ['byKind', 'byRegion', 'byIndustry', 'byVolume'] as const;

/** Step 2: the due-diligence room — aggregates and a k-anonymous generalised sample (each run audited). */
export function DdPanel({ tr }: { tr: Transfer }): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const [k, setK] = useState(5);
  const [sample, setSample] = useState(200);
  const [room, setRoom] = useState<DdRoom | null>(null);
  const [busy, setBusy] = useState(false);

  async function open(): Promise<void> {
    setBusy(true);
    try {
      setRoom(await post<DdRoom>(`/transfers/${encodeURIComponent(tr.id)}/dd`, { k, sample }));
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('trStep_dd')}>
      <Typography.Paragraph type="secondary">{t('ddIntro')}</Typography.Paragraph>
      <Space wrap>
        <span>k</span>
        <InputNumber min={2} max={1000} value={k} onChange={(v) => setK(v ?? 5)} data-testid="dd-k" />
        <span>{t('ddSample')}</span>
        <InputNumber min={0} max={10000} value={sample} onChange={(v) => setSample(v ?? 0)} />
        <Button
          type="primary"
          loading={busy}
          disabled={!canTransfer(session, 'manage')}
          onClick={() => void open()}
          data-testid="dd-run"
        >
          {t('ddRun')}
        </Button>
        {room ? (
          <Button data-testid="dd-download" onClick={() => saveFile(`dd-room-${tr.id}.json`, json(room))}>
            {t('ddDownload')}
          </Button>
        ) : null}
      </Space>
      {room ? (
        <div data-testid="dd-room" style={{ marginTop: 16 }}>
          <Space size="large" wrap>
            <Statistic
              title={t('ddTotal')}
              value={room.total}
              valueRender={(v) => <span data-testid="dd-total">{v}</span>}
            />
            <Statistic title={t('ddClasses')} value={room.classes.length} />
            <Statistic title={t('ddSuppressed')} value={room.suppressedRecords} />
            <Statistic title={t('ddGenerated')} value={formatTime(room.generatedAt)} />
          </Space>
          <Row gutter={12} style={{ marginTop: 12 }}>
            {AGGREGATES.map((a) => (
              <Col key={a} xs={24} md={12} xl={6}>
                <Table
                  size="small"
                  pagination={false}
                  title={() => t(`dd_${a}` as MessageKey)}
                  rowKey="key"
                  dataSource={Object.entries(room.aggregates[a]).map(([key, n]) => ({ key, n: String(n) }))}
                  columns={[
                    { dataIndex: 'key', title: t('ddValue') },
                    { dataIndex: 'n', title: t('rdCount') },
                  ]}
                />
              </Col>
            ))}
          </Row>
          <Typography.Title level={5} style={{ marginTop: 12 }}>
            {t('ddSampleTitle', { k: room.k, n: room.sample.length })}
          </Typography.Title>
          <Table
            size="small"
            data-testid="dd-sample"
            rowKey={(_, i) => String(i)}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={room.sample}
            columns={(['kind', 'province', 'ageBand', 'industry', 'volume'] as const).map((c) => ({
              dataIndex: c,
              title: t(`dd_${c}` as MessageKey),
            }))}
          />
        </div>
      ) : null}
    </Card>
  );
}
