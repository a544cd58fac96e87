import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Card,
  Input,
  Modal,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useState } from 'react';
import type { ReadinessItem } from '../../../../src/modules/transfer/transfer-types';
import { post } from '../../api';
import { formatTime } from '../../format';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { errorText } from '../../shared';
import { canTransfer, openHtml, type ReadinessReport, type Transfer } from './transfer-api';

/** Step 1: the readiness audit (findings per customer), blocking items and the DPO's acceptance. */
export function ReadinessPanel({ tr, reload }: { tr: Transfer; reload: () => void }): ReactNode {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [accepting, setAccepting] = useState<ReadinessItem | null>(null);
  const [reason, setReason] = useState('');
  const report: ReadinessReport | null = tr.readiness;
  const mayRun = canTransfer(session, 'manage') && ['draft', 'readiness', 'noticing'].includes(tr.status);
  const mayAccept = canTransfer(session, 'manage') && ['draft', 'readiness'].includes(tr.status);
  const path = `/transfers/${encodeURIComponent(tr.id)}`;

  async function act(fn: () => Promise<unknown>, ok: string): Promise<boolean> {
    setBusy(true);
    try {
      await fn();
      message.success(ok);
      reload();
      return true;
    } catch (e) {
      message.error(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const accepted = new Map((report?.accepted ?? tr.accepted).map((a) => [a.code, a]));
  return (
    <Card
      title={t('trStep_readiness')}
      extra={
        <Space>
          {report ? (
            <Button
              data-testid="readiness-print"
              onClick={() =>
                void openHtml(`${path}/readiness?format=html`).catch((e) => message.error(errorText(e)))
              }
            >
              {t('rdPrint')}
            </Button>
          ) : null}
          <Button
            type="primary"
            loading={busy}
            disabled={!mayRun}
            data-testid="readiness-run"
            onClick={() => void act(() => post(`${path}/readiness`), t('rdDone'))}
          >
            {t('rdRun')}
          </Button>
        </Space>
      }
    >
      {!report ? (
        <Typography.Paragraph type="secondary">{t('rdNone')}</Typography.Paragraph>
      ) : (
        <>
          <Space size="large" wrap>
            <Statistic
              title={t('rdInScope')}
              value={report.inScope}
              valueRender={(v) => <span data-testid="readiness-in-scope">{v}</span>}
            />
            <Statistic
              title={t('rdOpen')}
              value={report.open.length}
              valueRender={(v) => <span data-testid="readiness-open">{v}</span>}
            />
            <Statistic title={t('rdAt')} value={formatTime(report.at)} />
          </Space>
          {report.open.length ? (
            <Alert
              style={{ marginTop: 12 }}
              type="error"
              showIcon
              data-testid="readiness-blocked"
              title={t('rdBlocked', { items: report.open.join(', ') })}
            />
          ) : (
            <Alert
              style={{ marginTop: 12 }}
              type="success"
              showIcon
              data-testid="readiness-clear"
              title={t('rdClear')}
            />
          )}
          <Table<ReadinessItem>
            style={{ marginTop: 12 }}
            size="small"
            rowKey="code"
            data-testid="readiness-table"
            pagination={false}
            dataSource={report.items}
            expandable={{
              rowExpandable: (r) => r.count > 0,
              expandedRowRender: (r) => (
                <div data-testid={`readiness-ids-${r.code}`}>
                  <Typography.Text type="secondary">
                    {t('rdDrill', { n: r.customerIds.length })}
                    {r.truncated ? ` ${t('rdTruncated')}` : ''}
                  </Typography.Text>
                  <Typography.Paragraph
                    code
                    copyable
                    style={{ maxHeight: 160, overflow: 'auto', fontSize: 12 }}
                  >
                    {r.customerIds.join('\n')}
                  </Typography.Paragraph>
                </div>
              ),
            }}
            columns={[
              { title: t('rdFinding'), render: (_, r) => (lang === 'zh' ? r.zh : r.en) },
              {
                title: t('rdBlocking'),
                dataIndex: 'blocking',
                render: (b: boolean) =>
                  b ? <Tag color="red">{t('rdBlockingYes')}</Tag> : <Tag>{t('rdBlockingNo')}</Tag>,
              },
              {
                title: t('rdCount'),
                dataIndex: 'count',
                render: (n: number, r) => <span data-testid={`readiness-count-${r.code}`}>{n}</span>,
              },
              {
                title: t('actions'),
                render: (_, r) => {
                  const a = accepted.get(r.code);
                  if (a)
                    return (
                      <Tag color="green" data-testid={`readiness-accepted-${r.code}`}>
                        {t('rdAccepted', { reason: a.reason })}
                      </Tag>
                    );
                  if (!r.blocking || r.count === 0) return null;
                  return (
                    <Button
                      size="small"
                      danger
                      disabled={!mayAccept}
                      data-testid={`readiness-accept-${r.code}`}
                      onClick={() => {
                        setReason('');
                        setAccepting(r);
                      }}
                    >
                      {t('rdAccept')}
                    </Button>
                  );
                },
              },
            ]}
          />
        </>
      )}
      <Modal
        open={accepting !== null}
        title={t('rdAcceptTitle')}
        okText={t('rdAccept')}
        okButtonProps={
          { disabled: !reason.trim(), loading: busy, 'data-testid': 'accept-confirm' } as ButtonProps
        }
        onCancel={() => setAccepting(null)}
        onOk={() =>
          accepting &&
          void act(
            () => post(`${path}/accept`, { item: accepting.code, reason: reason.trim() }),
            t('rdAcceptDone'),
          ).then((ok) => ok && setAccepting(null))
        }
      >
        <Typography.Paragraph>
          {accepting ? (lang === 'zh' ? accepting.zh : accepting.en) : ''}
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary">{t('rdAcceptHint')}</Typography.Paragraph>
        <Input.TextArea
          rows={3}
          value={reason}
          data-testid="accept-reason"
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('reason')}
        />
      </Modal>
    </Card>
  );
}
