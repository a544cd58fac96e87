import { App, Button, Card, Checkbox, Form, Input, Modal, Select, Table, Tag } from 'antd';
import { type ReactNode, useState } from 'react';
import {
  CUSTOMER_KINDS,
  type FieldDef,
  MASK_RULES,
  VALUE_TYPES,
} from '../../../src/modules/customers/customer-types';
import { get, post } from '../api';
import { type MessageKey, useI18n } from '../i18n';
import { ErrorState, errorText, GradeTag, useLoad } from '../shared';

/** The field catalog, with custom fields added here. */
export default function Fields(): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm();
  const fields = useLoad(() => get<{ items: FieldDef[] }>('/fields'), []);

  async function add(): Promise<void> {
    const v = await form.validateFields();
    try {
      await post('/fields', v);
      message.success(t('saved'));
      setAdding(false);
      form.resetFields();
      fields.reload();
    } catch (e) {
      message.error(errorText(e));
    }
  }

  return (
    <Card
      title={t('menuFields')}
      extra={
        <Button type="primary" onClick={() => setAdding(true)} data-testid="field-add">
          {t('addField')}
        </Button>
      }
    >
      {fields.error ? (
        <ErrorState error={fields.error} onRetry={fields.reload} />
      ) : (
        <Table<FieldDef>
          size="small"
          rowKey="key"
          loading={fields.loading}
          dataSource={fields.data?.items ?? []}
          pagination={{ pageSize: 50 }}
          data-testid="field-table"
          columns={[
            { title: t('fieldKey'), dataIndex: 'key' },
            { title: t('labelZh'), dataIndex: 'labelZh' },
            { title: t('labelEn'), dataIndex: 'labelEn' },
            { title: t('grade'), dataIndex: 'grade', render: (g: string) => <GradeTag grade={g} /> },
            { title: t('category'), dataIndex: 'category' },
            { title: t('valueType'), dataIndex: 'type' },
            { title: t('mask'), dataIndex: 'mask' },
            {
              title: t('kind'),
              dataIndex: 'kinds',
              render: (ks: string[]) => ks.map((k) => <Tag key={k}>{t(`kind_${k}` as MessageKey)}</Tag>),
            },
            { title: t('sensitive'), dataIndex: 'sensitive', render: (b: boolean) => (b ? t('yes') : '') },
            { title: t('searchable'), dataIndex: 'searchable', render: (b: boolean) => (b ? t('yes') : '') },
            { title: t('builtin'), dataIndex: 'builtin', render: (b: boolean) => (b ? t('yes') : '') },
          ]}
        />
      )}
      <Modal open={adding} title={t('addField')} onCancel={() => setAdding(false)} onOk={add}>
        <Form form={form} layout="vertical" initialValues={{ grade: 'L2', type: 'text', mask: 'partial' }}>
          <Form.Item
            name="key"
            label={t('fieldKey')}
            rules={[{ required: true, pattern: /^[a-zA-Z][a-zA-Z0-9_]*$/ }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="labelZh" label={t('labelZh')} rules={[{ required: true, message: t('required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="labelEn" label={t('labelEn')}>
            <Input />
          </Form.Item>
          <Form.Item name="grade" label={t('grade')}>
            <Select
              options={['L1', 'L2', 'L3', 'L4'].map((g) => ({
                value: g,
                label: t(`grade_${g}` as MessageKey),
              }))}
            />
          </Form.Item>
          <Form.Item name="type" label={t('valueType')}>
            <Select options={VALUE_TYPES.map((v) => ({ value: v, label: v }))} />
          </Form.Item>
          <Form.Item name="mask" label={t('mask')}>
            <Select options={MASK_RULES.map((v) => ({ value: v, label: v }))} />
          </Form.Item>
          <Form.Item name="kinds" label={t('kind')}>
            <Select
              mode="multiple"
              options={CUSTOMER_KINDS.map((k) => ({ value: k, label: t(`kind_${k}` as MessageKey) }))}
            />
          </Form.Item>
          <Form.Item name="sensitive" valuePropName="checked">
            <Checkbox>{t('sensitive')}</Checkbox>
          </Form.Item>
          <Form.Item name="searchable" valuePropName="checked">
            <Checkbox>{t('searchable')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
