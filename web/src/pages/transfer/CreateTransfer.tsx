import {
  Alert,
  App,
  type ButtonProps,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Typography,
} from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import type { Purpose } from '../../../../src/modules/consent/consent-types';
import type { FieldDef } from '../../../../src/modules/customers/customer-types';
import { get, post } from '../../api';
import { type MessageKey, useI18n } from '../../i18n';
import { errorText, GradeTag, useLoad } from '../../shared';
import type { Counterparty, Transfer } from './transfer-api';

const PATHS: Transfer['path'][] = ['A', 'B', 'C', 'D'];

interface Values {
  path: Transfer['path'];
  name: string;
  counterpartyId?: string;
  kind?: string;
  tag?: string;
  purpose?: string;
  owner?: string;
  fields: string[];
  l4Reason?: string;
  noticeDays: number;
  plannedDate?: string;
}

/** 新建转让案件: POST /transfers with path, recipient, scope, minimised fields and dates. */
export default function CreateTransfer({
  counterparties,
  onClose,
  onCreated,
}: {
  counterparties: Counterparty[];
  onClose: () => void;
  onCreated: (t: Transfer) => void;
}): ReactNode {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const path = Form.useWatch('path', form) ?? 'B';
  const chosen = Form.useWatch('fields', form) ?? [];
  const catalog = useLoad(() => get<{ items: FieldDef[] }>('/fields'));
  const purposes = useLoad(() => get<{ items: Purpose[] }>('/purposes'));
  const fields = catalog.data?.items ?? [];
  const l4 = fields.filter((f) => f.grade === 'L4' && chosen.includes(f.key));
  const needsRecipient = path === 'B' || path === 'C';
  // Minimisation: start from the L1–L3 fields (the server's default); L4 only when added with a reason.
  useEffect(() => {
    if (fields.length && !form.getFieldValue('fields')?.length)
      form.setFieldValue(
        'fields',
        fields.filter((f) => f.grade !== 'L4').map((f) => f.key),
      );
  }, [fields, form]);

  async function submit(v: Values): Promise<void> {
    setBusy(true);
    try {
      const scope = Object.fromEntries(
        (['kind', 'tag', 'purpose', 'owner'] as const).map((k) => [k, v[k]?.trim()]).filter(([, x]) => x),
      );
      const created = await post<Transfer>('/transfers', {
        path: v.path,
        name: v.name.trim(),
        ...(v.path !== 'D' && v.counterpartyId ? { counterpartyId: v.counterpartyId } : {}),
        scope,
        fields: v.fields,
        ...(l4.length ? { includeL4: true, l4Reason: v.l4Reason?.trim() ?? '' } : {}),
        noticeDays: v.noticeDays,
        ...(v.plannedDate ? { plannedDate: v.plannedDate } : {}),
      });
      message.success(t('trCreated'));
      onCreated(created);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      width={760}
      title={t('trNew')}
      okText={t('trCreate')}
      okButtonProps={{ loading: busy, 'data-testid': 'transfer-create' } as ButtonProps}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        data-testid="transfer-form"
        initialValues={{ path: 'B', noticeDays: 30, fields: [] }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="path" label={t('trPathCol')} rules={[{ required: true }]}>
          <Radio.Group data-testid="transfer-path">
            <Space direction="vertical">
              {PATHS.map((p) => (
                <Radio key={p} value={p} data-testid={`transfer-path-${p}`}>
                  <b>
                    {p} · {t(`trPath_${p}` as MessageKey)}
                  </b>
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    {t(`trPathBasis_${p}` as MessageKey)}
                  </Typography.Text>
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="name" label={t('trName')} rules={[{ required: true, whitespace: true }]}>
          <Input data-testid="transfer-name" maxLength={200} />
        </Form.Item>
        {path !== 'D' ? (
          <Form.Item
            name="counterpartyId"
            label={t('trRecipient')}
            extra={t('trRecipientHint')}
            rules={[{ required: needsRecipient, message: t('trRecipientRequired') }]}
          >
            <Select
              data-testid="transfer-counterparty"
              allowClear
              options={counterparties.map((c) => ({
                value: c.id,
                label: `${c.name}${c.contact ? `（${c.contact}）` : ''} · ${c.fingerprint.slice(0, 16)}…`,
              }))}
            />
          </Form.Item>
        ) : null}
        <Typography.Title level={5}>{t('trScope')}</Typography.Title>
        <Space wrap>
          <Form.Item name="kind" label={t('trScopeKind')}>
            <Select
              allowClear
              style={{ width: 160 }}
              data-testid="transfer-scope-kind"
              options={['individual', 'company', 'contact'].map((k) => ({
                value: k,
                label: t(`kind_${k}` as MessageKey),
              }))}
            />
          </Form.Item>
          <Form.Item name="purpose" label={t('trScopePurpose')}>
            <Select
              allowClear
              style={{ width: 180 }}
              options={(purposes.data?.items ?? []).map((p) => ({
                value: p.key,
                label: `${p.name} (${p.key})`,
              }))}
            />
          </Form.Item>
          <Form.Item name="tag" label={t('trScopeTag')}>
            <Input style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="owner" label={t('trScopeOwner')}>
            <Input style={{ width: 200 }} placeholder={t('trScopeOwnerHint')} />
          </Form.Item>
        </Space>
        <Form.Item name="fields" label={t('trFields')} extra={t('trFieldsHint')}>
          <Select
            mode="multiple"
            allowClear
            data-testid="transfer-fields"
            optionFilterProp="label"
            options={fields.map((f) => ({
              value: f.key,
              label: `${lang === 'zh' ? f.labelZh : f.labelEn} (${f.key}) ${f.grade}`,
            }))}
          />
        </Form.Item>
        {l4.length ? (
          <>
            <Alert
              type="warning"
              showIcon
              title={t('trL4Warning')}
              description={
                <Space wrap>
                  {l4.map((f) => (
                    <span key={f.key}>
                      <GradeTag grade="L4" /> {lang === 'zh' ? f.labelZh : f.labelEn}
                    </span>
                  ))}
                </Space>
              }
            />
            <Form.Item
              name="l4Reason"
              label={t('trL4Reason')}
              rules={[{ required: true, whitespace: true, message: t('trL4ReasonRequired') }]}
            >
              <Input.TextArea data-testid="transfer-l4-reason" rows={2} />
            </Form.Item>
          </>
        ) : null}
        <Space wrap>
          <Form.Item name="noticeDays" label={t('trNoticeDays')} rules={[{ required: true }]}>
            <InputNumber min={0} max={365} precision={0} data-testid="transfer-notice-days" />
          </Form.Item>
          <Form.Item name="plannedDate" label={t('trPlannedDate')}>
            <Input type="date" data-testid="transfer-planned-date" />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
