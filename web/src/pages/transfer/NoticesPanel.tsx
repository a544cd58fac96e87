import { Alert, App, Button, type ButtonProps, Card, Input, Modal, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { apiRaw, get, post } from '../../api';
import { formatTime } from '../../format';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ErrorState, errorText, useLoad } from '../../shared';
import { AnswerForm } from './AnswerForm';
import { CampaignForm } from './CampaignForm';
import { TallyView } from './TallyView';
import { type Counterparty, canTransfer, type NoticeCampaign, saveFile, type Transfer } from './transfer-api';

/** Step 3: start the notice period, the campaign and its live tally, answers by hand, the 公告, closing. */
export function NoticesPanel({
  tr,
  counterparty,
  reload,
}: {
  tr: Transfer;
  counterparty: Counterparty | null;
  reload: () => void;
}): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const manage = canTransfer(session, 'manage');
  const path = `/transfers/${encodeURIComponent(tr.id)}`;
  const campaigns = useLoad(
    () => get<{ items: NoticeCampaign[] }>(`/notices/campaigns?transferId=${encodeURIComponent(tr.id)}`),
    [tr.id, tr.status],
  );
  const campaign = campaigns.data?.items.at(-1) ?? null;
  const [busy, setBusy] = useState(false);
  const [announcement, setAnnouncement] = useState<string | null>(null);
  const [closing, setClosing] = useState(false);
  const [reason, setReason] = useState('');
  const [tallyTick, setTallyTick] = useState(0);
  const due = tr.noticeStartedAt
    ? new Date(Date.parse(tr.noticeStartedAt) + tr.noticeDays * 86_400_000)
    : null;
  const early = due ? Date.now() < due.getTime() : false;

  async function act(fn: () => Promise<unknown>, ok: string): Promise<boolean> {
    setBusy(true);
    try {
      await fn();
      message.success(ok);
      return true;
    } catch (e) {
      message.error(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function showAnnouncement(id: string): Promise<void> {
    try {
      const res = await apiRaw(
        'GET',
        `/notices/campaigns/${encodeURIComponent(id)}/announcement`,
        undefined,
        {
          accept: 'text/plain',
        },
      );
      setAnnouncement(await res.text());
    } catch (e) {
      message.error(errorText(e));
    }
  }

  return (
    <Card title={t('trStep_notices')}>
      {tr.status === 'draft' || tr.status === 'readiness' ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary">{t('ntStartHint')}</Typography.Paragraph>
          {tr.readiness?.open.length ? (
            <Alert type="error" showIcon title={t('rdBlocked', { items: tr.readiness.open.join(', ') })} />
          ) : null}
          {manage ? <CampaignForm tr={tr} counterparty={counterparty} onCreated={reload} /> : null}
          {/* Hand-recorded notices only (letters, path A): the period starts without a campaign. */}
          <Button
            loading={busy}
            disabled={!manage}
            data-testid="notice-start"
            onClick={() =>
              void act(() => post(`${path}/notice-start`), t('ntStarted')).then((ok) => ok && reload())
            }
          >
            {t('ntStartOnly')}
          </Button>
        </Space>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text data-testid="notice-period">
            {t('ntPeriod', {
              from: formatTime(tr.noticeStartedAt),
              to: due ? formatTime(due.toISOString()) : '—',
            })}
          </Typography.Text>
          {campaigns.error ? <ErrorState error={campaigns.error} onRetry={campaigns.reload} /> : null}
          {campaign ? (
            <>
              <TallyView campaign={campaign} live={tr.status === 'noticing'} tick={tallyTick} />
              <Space wrap>
                {tr.status === 'noticing' && manage ? (
                  <Button
                    loading={busy}
                    data-testid="notice-send"
                    onClick={() =>
                      void act(
                        () => post(`/notices/campaigns/${encodeURIComponent(campaign.id)}/send`),
                        t('ntSent'),
                      ).then(() => setTallyTick((n) => n + 1))
                    }
                  >
                    {t('ntSendNow')}
                  </Button>
                ) : null}
                <Button data-testid="notice-announcement" onClick={() => void showAnnouncement(campaign.id)}>
                  {t('ntAnnouncement')}
                </Button>
              </Space>
            </>
          ) : tr.status === 'noticing' && campaigns.data ? (
            <CampaignForm tr={tr} counterparty={counterparty} onCreated={campaigns.reload} />
          ) : null}
          {tr.status === 'noticing' && manage ? (
            <>
              <AnswerForm
                transferId={tr.id}
                campaignId={campaign?.id ?? null}
                onRecorded={() => setTallyTick((n) => n + 1)}
              />
              <Button
                danger
                data-testid="answers-close"
                onClick={() => {
                  setReason('');
                  setClosing(true);
                }}
              >
                {t('ntClose')}
              </Button>
            </>
          ) : null}
        </Space>
      )}
      <Modal
        open={announcement !== null}
        width={720}
        title={t('ntAnnouncement')}
        onCancel={() => setAnnouncement(null)}
        footer={[
          <Button
            key="dl"
            onClick={() => saveFile(`announcement-${tr.id}.txt`, announcement ?? '', 'text/plain')}
          >
            {t('download')}
          </Button>,
          <Button key="close" type="primary" onClick={() => setAnnouncement(null)}>
            {t('close')}
          </Button>,
        ]}
      >
        <Typography.Paragraph copyable={{ text: announcement ?? '' }}>
          <pre
            data-testid="announcement-text"
            style={{ whiteSpace: 'pre-wrap', maxHeight: 420, overflow: 'auto' }}
          >
            {announcement}
          </pre>
        </Typography.Paragraph>
      </Modal>
      <Modal
        open={closing}
        title={t('ntClose')}
        okButtonProps={
          {
            danger: true,
            loading: busy,
            disabled: early && !reason.trim(),
            'data-testid': 'answers-close-confirm',
          } as ButtonProps
        }
        onCancel={() => setClosing(false)}
        onOk={() =>
          void act(
            () => post(`${path}/close-answers`, reason.trim() ? { reason: reason.trim() } : {}),
            t('ntClosed'),
          ).then((ok) => {
            if (!ok) return;
            setClosing(false);
            reload();
          })
        }
      >
        <Typography.Paragraph>
          {early ? t('ntCloseEarly', { due: due ? formatTime(due.toISOString()) : '' }) : t('ntCloseOnTime')}
        </Typography.Paragraph>
        <Input.TextArea
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('reason')}
          data-testid="answers-close-reason"
        />
      </Modal>
    </Card>
  );
}
