import { App, Button, Card, Form, Input, Modal, Select, Table } from 'antd';
import { type ReactNode, useState } from 'react';
import { LEGAL_BASES, type Purpose } from '../../../src/modules/consent/consent-types';
import { get, post } from '../api';
import { formatTime } from '../format';
import { useI18n } from '../i18n';
import { ErrorState, errorText, useLoad } from '../shared';

/** Processing purposes (PIPL Art. 13 legal basis, retention, notice version). */
export default function Purposes(): ReactNode {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm();
  const purposes = useLoad(() => get<{ items: Purpose[] }>('/purposes'), []);

  async function add(): Promise<void> {
    const v = await form.validateFields();
    try {
      await post('/purposes', v);
      message.success(t('saved'));
      setAdding(false);
      form.resetFields();
      purposes.reload();
    } catch (e) {
      message.error(errorText(e));
    }
  }

  return (
    <Card
      title={t('menuPurposes')}
      extra={
        <Button type="primary" onClick={() => setAdding(true)} data-testid="purpose-add">
          {t('addPurpose')}
        </Button>
      }
    >
      {purposes.error ? (
        <ErrorState error={purposes.error} onRetry={purposes.reload} />
      ) : (
        <Table<Purpose>
          size="small"
          rowKey="key"
          loading={purposes.loading}
          dataSource={purposes.data?.items ?? []}
          pagination={false}
          data-testid="purpose-table"
          columns={[
            { title: t('purposeKey'), dataIndex: 'key' },
            { title: t('purposeName'), dataIndex: 'name' },
            { title: t('basis'), render: (_v, p) => p.basisLabel?.[lang] ?? p.basis },
            { title: t('retention'), dataIndex: 'retention' },
            { title: t('noticeVersion'), dataIndex: 'noticeVersion' },
            { title: t('description'), dataIndex: 'description' },
            { title: t('createdAt'), dataIndex: 'createdAt', render: formatTime },
          ]}
        />
      )}
      <Modal open={adding} title={t('addPurpose')} onCancel={() => setAdding(false)} onOk={add}>
        <Form form={form} layout="vertical" initialValues={{ basis: 'consent', retention: '3y' }}>
          <Form.Item
            name="key"
            label={t('purposeKey')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9-]*$/ }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('purposeName')}
            rules={[{ required: true, message: t('required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="basis" label={t('basis')}>
            <Select options={Object.entries(LEGAL_BASES).map(([k, v]) => ({ value: k, label: v[lang] }))} />
          </Form.Item>
          <Form.Item
            name="retention"
            label={t('retention')}
            extra={t('retentionHint')}
            rules={[{ required: true }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="noticeVersion" label={t('noticeVersion')}>
            <Input />
          </Form.Item>
          <Form.Item name="description" label={t('description')}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
