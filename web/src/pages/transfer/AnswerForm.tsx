import { App, Button, Card, Form, Input, Select, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import type { CustomerSummary } from '../../../../src/modules/customers/customer-types';
import { post } from '../../api';
import { type MessageKey, useI18n } from '../../i18n';
import { errorText } from '../../shared';

const ANSWERS = ['object', 'consent', 'refuse', 'withdraw', 'delete'] as const;
const CHANNELS = ['phone', 'letter', 'in-person', 'email', 'sms'] as const;

interface Values {
  customerId: string;
  answer: (typeof ANSWERS)[number];
  channel: (typeof CHANNELS)[number];
  evidence: string;
}

/**
 * Records an answer given by phone or letter: to the campaign when there is one (the notices module),
 * otherwise to the transfer's own answers table. The customer is found by mobile in a POST body.
 */
export function AnswerForm({
  transferId,
  campaignId,
  onRecorded,
}: {
  transferId: string;
  campaignId: string | null;
  onRecorded: () => void;
}): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [mobile, setMobile] = useState('');
  const [found, setFound] = useState<CustomerSummary[] | null>(null);
  const [busy, setBusy] = useState(false);

  async function find(): Promise<void> {
    try {
      const res = await post<{ items: CustomerSummary[] }>('/customers/search', { mobile: mobile.trim() });
      setFound(res.items);
      if (res.items.length === 1) form.setFieldValue('customerId', res.items[0]?.id);
    } catch (e) {
      message.error(errorText(e));
    }
  }

  async function record(v: Values): Promise<void> {
    setBusy(true);
    try {
      const body = {
        customerId: v.customerId.trim(),
        answer: v.answer,
        channel: v.channel,
        evidence: v.evidence.trim(),
      };
      if (campaignId) await post(`/notices/campaigns/${encodeURIComponent(campaignId)}/answers`, body);
      else await post(`/transfers/${encodeURIComponent(transferId)}/answers`, body);
      message.success(t('ansRecorded'));
      form.resetFields();
      setFound(null);
      setMobile('');
      onRecorded();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card size="small" title={t('ansTitle')} data-testid="answer-form">
      <Space wrap style={{ marginBottom: 8 }}>
        <Input
          style={{ width: 200 }}
          value={mobile}
          onChange={(e) => setMobile(e.target.value)}
          placeholder={t('ansFindMobile')}
          data-testid="answer-find-mobile"
          onPressEnter={() => void find()}
        />
        <Button onClick={() => void find()} data-testid="answer-find">
          {t('search')}
        </Button>
        {found ? (
          <Typography.Text type="secondary" data-testid="answer-found">
            {found.length
              ? found.map((c) => `${Object.values(c.display).join(' ')} → ${c.id}`).join('；')
              : t('ansNotFound')}
          </Typography.Text>
        ) : null}
      </Space>
      <Form<Values>
        form={form}
        layout="inline"
        initialValues={{ answer: 'object', channel: 'phone' }}
        onFinish={(v) => void record(v)}
      >
        <Form.Item
          name="customerId"
          label={t('ansCustomerId')}
          rules={[{ required: true, whitespace: true }]}
        >
          <Input style={{ width: 300 }} data-testid="answer-customer" />
        </Form.Item>
        <Form.Item name="answer" label={t('ansAnswer')}>
          <Select
            style={{ width: 140 }}
            data-testid="answer-kind"
            options={ANSWERS.map((a) => ({ value: a, label: t(`answer_${a}` as MessageKey) }))}
          />
        </Form.Item>
        <Form.Item name="channel" label={t('ansChannel')}>
          <Select
            style={{ width: 120 }}
            data-testid="answer-channel"
            options={CHANNELS.map((c) => ({ value: c, label: t(`ansChannel_${c}` as MessageKey) }))}
          />
        </Form.Item>
        <Form.Item
          name="evidence"
          label={t('ansEvidence')}
          rules={[{ required: true, whitespace: true }]}
          tooltip={t('ansEvidenceHint')}
        >
          <Input style={{ width: 260 }} data-testid="answer-evidence" />
        </Form.Item>
        <Button htmlType="submit" type="primary" loading={busy} data-testid="answer-submit">
          {t('ansSubmit')}
        </Button>
      </Form>
    </Card>
  );
}
