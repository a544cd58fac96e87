import { Alert, App, type ButtonProps, Form, Input, Modal, Select } from 'antd';
import { type ReactNode, useState } from 'react';
import type { Purpose } from '../../../src/modules/consent/consent-types';
import type { CustomerView, FieldDef } from '../../../src/modules/customers/customer-types';
import { get, post } from '../api';
import { useI18n } from '../i18n';
import { errorText, GradeTag, useLoad } from '../shared';

interface Values {
  fields: string[];
  purpose: string;
  reason?: string;
}

/** 查看明文: the purpose is required, and a reason too when an L4 field is asked for. */
export function RevealDialog({
  customer,
  defs,
  onClose,
  onRevealed,
}: {
  customer: CustomerView;
  defs: Map<string, FieldDef>;
  onClose: () => void;
  onRevealed: (v: CustomerView) => void;
}): ReactNode {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const purposes = useLoad(() => get<{ items: Purpose[] }>('/purposes'), []);
  const selected = Form.useWatch('fields', form) ?? [];
  const needsReason = selected.some((k) => defs.get(k)?.grade === 'L4');
  const maskedFields = customer.masked.length > 0 ? customer.masked : Object.keys(customer.fields);
  const allowed = customer.purposes;
  const purposeOptions = (purposes.data?.items ?? [])
    .filter((p) => allowed.length === 0 || allowed.includes(p.key))
    .map((p) => ({ value: p.key, label: `${p.name} (${p.key})` }));

  async function submit(): Promise<void> {
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      const view = await post<CustomerView>(`/customers/${encodeURIComponent(customer.id)}/reveal`, {
        fields: v.fields,
        purpose: v.purpose,
        ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
      });
      onRevealed(view);
    } catch (e) {
      setError(errorText(e));
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title={t('revealTitle')}
      onCancel={onClose}
      onOk={submit}
      okText={t('reveal')}
      confirmLoading={busy}
      okButtonProps={{ danger: true, 'data-testid': 'reveal-submit' } as ButtonProps}
      data-testid="reveal-dialog"
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          // A field whose grade is unknown is not preselected: it could be L4.
          fields: maskedFields.filter((k) => {
            const grade = defs.get(k)?.grade;
            return grade !== undefined && grade !== 'L4';
          }),
        }}
      >
        <Form.Item
          name="fields"
          label={t('revealFields')}
          rules={[{ required: true, message: t('required') }]}
        >
          <Select
            mode="multiple"
            data-testid="reveal-fields"
            options={maskedFields.map((k) => {
              const d = defs.get(k);
              return {
                value: k,
                label: (
                  <span>
                    {d && <GradeTag grade={d.grade} />}
                    {d ? (lang === 'zh' ? d.labelZh : d.labelEn) : k}
                  </span>
                ),
              };
            })}
          />
        </Form.Item>
        <Form.Item name="purpose" label={t('purpose')} rules={[{ required: true, message: t('required') }]}>
          <Select data-testid="reveal-purpose" loading={purposes.loading} options={purposeOptions} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('reason')}
          rules={[{ required: needsReason, whitespace: true, message: t('reasonRequiredL4') }]}
        >
          <Input.TextArea rows={2} maxLength={500} data-testid="reveal-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
