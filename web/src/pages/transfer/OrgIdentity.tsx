import { App, Button, Card, Descriptions, Form, Input, Space, Table, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { get, post } from '../../api';
import { formatTime } from '../../format';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ErrorState, errorText, Loadable, useLoad } from '../../shared';
import { FilePick } from './FilePick';
import {
  type Counterparty,
  canTransfer,
  json,
  loadCounterparties,
  type OrgIdentityFile,
  readJsonFile,
  saveFile,
} from './transfer-api';

interface ImportValues {
  name: string;
  contact?: string;
  uscc?: string;
}

/** 组织身份: this org's identity file (fingerprint, download) and the counterparties it has imported. */
export default function OrgIdentity(): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const mine = useLoad(() => get<OrgIdentityFile>('/org/identity'));
  const cps = useLoad(() => loadCounterparties());
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<ImportValues>();

  async function importCounterparty(v: ImportValues): Promise<void> {
    if (!file) {
      message.error(t('cpFileRequired'));
      return;
    }
    setBusy(true);
    try {
      const identity = await readJsonFile(file, t('cpFileNotJson'));
      const cp = await post<Counterparty>('/org/counterparties', {
        identity,
        name: v.name.trim(),
        ...(v.contact?.trim() ? { contact: v.contact.trim() } : {}),
        ...(v.uscc?.trim() ? { uscc: v.uscc.trim() } : {}),
      });
      message.success(t('cpImported', { fingerprint: cp.fingerprint }));
      form.resetFields();
      setFile(null);
      cps.reload();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large" data-testid="org-identity-page">
      <Card title={t('idOwn')}>
        <Loadable state={mine}>
          {(id) => (
            <>
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label={t('idOrgName')}>{id.orgName}</Descriptions.Item>
                <Descriptions.Item label={t('idOrgId')}>{id.orgId}</Descriptions.Item>
                <Descriptions.Item label={t('fingerprint')}>
                  <Typography.Text code copyable data-testid="own-fingerprint">
                    {id.fingerprint}
                  </Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label={t('idAgeRecipient')}>
                  <Typography.Text code style={{ wordBreak: 'break-all' }}>
                    {id.ageRecipient}
                  </Typography.Text>
                </Descriptions.Item>
              </Descriptions>
              <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
                {t('idHint')}
              </Typography.Paragraph>
              <Button
                type="primary"
                data-testid="identity-download"
                onClick={() => saveFile(`custodian-identity-${id.orgId}.json`, json(id))}
              >
                {t('idDownload')}
              </Button>
            </>
          )}
        </Loadable>
      </Card>

      {canTransfer(session, 'manage') ? (
        <Card title={t('cpImport')}>
          <Typography.Paragraph type="secondary">{t('cpImportHint')}</Typography.Paragraph>
          <Form<ImportValues> form={form} layout="vertical" onFinish={(v) => void importCounterparty(v)}>
            <Form.Item label={t('cpFile')} required>
              <FilePick testId="cp-file" accept=".json,application/json" file={file} onChange={setFile} />
            </Form.Item>
            <Space wrap align="start">
              <Form.Item name="name" label={t('cpName')} rules={[{ required: true, whitespace: true }]}>
                <Input data-testid="cp-name" style={{ width: 260 }} />
              </Form.Item>
              <Form.Item name="contact" label={t('cpContact')} extra={t('cpContactHint')}>
                <Input data-testid="cp-contact" style={{ width: 260 }} />
              </Form.Item>
              <Form.Item name="uscc" label={t('cpUscc')}>
                <Input data-testid="cp-uscc" style={{ width: 220 }} maxLength={18} />
              </Form.Item>
            </Space>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="cp-submit">
              {t('cpImportButton')}
            </Button>
          </Form>
        </Card>
      ) : null}

      <Card title={t('cpList')} extra={<Button onClick={cps.reload}>{t('refresh')}</Button>}>
        {cps.error ? (
          <ErrorState error={cps.error} onRetry={cps.reload} />
        ) : (
          <Table<Counterparty>
            size="small"
            rowKey="id"
            data-testid="cp-table"
            loading={cps.loading}
            dataSource={cps.data?.items ?? []}
            pagination={false}
            columns={[
              { title: t('cpName'), dataIndex: 'name' },
              { title: t('cpContact'), dataIndex: 'contact', render: (c: string | null) => c ?? '—' },
              { title: t('cpUscc'), dataIndex: 'uscc', render: (c: string | null) => c ?? '—' },
              {
                title: t('fingerprint'),
                dataIndex: 'fingerprint',
                render: (f: string) => (
                  <Typography.Text code data-testid="cp-fingerprint">
                    {f}
                  </Typography.Text>
                ),
              },
              { title: t('cpImportedAt'), dataIndex: 'importedAt', render: (d: string) => formatTime(d) },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
