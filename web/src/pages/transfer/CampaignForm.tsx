import { Alert, App, Button, Checkbox, Form, Input, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { post } from '../../api';
import { useI18n } from '../../i18n';
import { errorText } from '../../shared';
import type { CaseCampaignResult, Counterparty, Transfer } from './transfer-api';

interface Values {
  recipientName: string;
  recipientContact: string;
  plannedDate: string;
  channels: Array<'email' | 'sms'>;
  rightsContact?: string;
  purposes?: string;
  methods?: string;
  categories?: string;
  consentPurpose?: string;
}

/**
 * Notifies the case's customers (POST /transfers/:id/campaign): the server reads the case's own scope
 * (kind, purpose, owner, tag: the readiness audit's) and starts the notice period first if needed.
 */
export function CampaignForm({
  tr,
  counterparty,
  onCreated,
}: {
  tr: Transfer;
  counterparty: Counterparty | null;
  onCreated: () => void;
}): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CaseCampaignResult | null>(null);

  async function create(v: Values): Promise<void> {
    setBusy(true);
    try {
      const opt = (x: string | undefined) => (x?.trim() ? x.trim() : undefined);
      const created = await post<CaseCampaignResult>(`/transfers/${encodeURIComponent(tr.id)}/campaign`, {
        recipientName: v.recipientName.trim(),
        recipientContact: v.recipientContact.trim(),
        plannedDate: v.plannedDate,
        channels: v.channels,
        rightsContact: opt(v.rightsContact),
        ...(tr.path === 'C'
          ? {
              purposes: opt(v.purposes),
              methods: opt(v.methods),
              categories: opt(v.categories),
              consentPurpose: opt(v.consentPurpose),
            }
          : {}),
      });
      setResult(created);
      message.success(
        created.noticeStarted
          ? t('ntCampaignStarted', { customers: created.customers, queued: created.queued })
          : t('ntCampaignCreated', { queued: created.queued }),
      );
      onCreated();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div data-testid="campaign-form">
      <Typography.Title level={5}>{t('ntCampaign')}</Typography.Title>
      <Typography.Paragraph type="secondary">
        {tr.status === 'noticing' ? t('ntCampaignHint') : t('ntCampaignStartHint')}
      </Typography.Paragraph>
      {result ? (
        <Alert
          type="success"
          title={t('ntCampaignResult', {
            campaign: result.campaign.id,
            queued: result.queued,
            unreachable: result.unreachable,
            suppressed: result.suppressed,
          })}
        />
      ) : null}
      <Form<Values>
        layout="vertical"
        initialValues={{
          recipientName: counterparty?.name ?? '',
          recipientContact: counterparty?.contact ?? '',
          plannedDate: tr.plannedDate ?? '',
          channels: ['email', 'sms'],
        }}
        onFinish={(v) => void create(v)}
      >
        <Space wrap align="start">
          <Form.Item
            name="recipientName"
            label={t('ntRecipientName')}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input style={{ width: 240 }} />
          </Form.Item>
          <Form.Item
            name="recipientContact"
            label={t('ntRecipientContact')}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input style={{ width: 240 }} />
          </Form.Item>
          <Form.Item
            name="plannedDate"
            label={t('trPlannedDate')}
            extra={t('ntPlannedHint')}
            rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ }]}
          >
            <Input type="date" data-testid="campaign-planned-date" />
          </Form.Item>
          <Form.Item name="rightsContact" label={t('ntRightsContact')}>
            <Input style={{ width: 240 }} />
          </Form.Item>
        </Space>
        <div data-testid="campaign-channels">
          <Form.Item
            name="channels"
            label={t('ntChannels')}
            rules={[{ required: true, type: 'array', min: 1 }]}
          >
            <Checkbox.Group
              options={[
                { value: 'email', label: t('ntChannel_email') },
                { value: 'sms', label: t('ntChannel_sms') },
              ]}
            />
          </Form.Item>
        </div>
        {tr.path === 'C' ? (
          <Space wrap align="start">
            <Form.Item name="purposes" label={t('ntPurposes')}>
              <Input style={{ width: 240 }} />
            </Form.Item>
            <Form.Item name="methods" label={t('ntMethods')}>
              <Input style={{ width: 240 }} />
            </Form.Item>
            <Form.Item name="categories" label={t('ntCategories')}>
              <Input style={{ width: 240 }} />
            </Form.Item>
            <Form.Item name="consentPurpose" label={t('ntConsentPurpose')}>
              <Input style={{ width: 160 }} />
            </Form.Item>
          </Space>
        ) : null}
        <Button type="primary" htmlType="submit" loading={busy} data-testid="campaign-create">
          {t('ntCampaignCreate')}
        </Button>
      </Form>
    </div>
  );
}
