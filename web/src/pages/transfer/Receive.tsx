import { Alert, App, Button, Card, Descriptions, Form, Result, Space, Table, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import type { SignedReceipt } from '../../../../src/modules/transfer/transfer-types';
import { ApiError, get, post } from '../../api';
import { formatTime } from '../../format';
import { type MessageKey, tMaybe, useI18n } from '../../i18n';
import { ErrorState, errorText, useLoad } from '../../shared';
import { FilePick } from './FilePick';
import { type InboundPackage, json, readJsonFile, type SignedManifest, saveFile } from './transfer-api';

interface Received {
  inboundId: string;
  imported: number;
  byKind: Record<string, number>;
  receipt: SignedReceipt;
}

/** 接收移交包 (acquirer): manifest and .age file as one multipart upload; the packages received so far. */
export default function Receive(): ReactNode {
  const { t } = useI18n();
  const [pkg, setPkg] = useState<File | null>(null);
  const [manifestFile, setManifestFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [done, setDone] = useState<{ res: Received; manifest: SignedManifest } | null>(null);
  const inbound = useLoad(() => get<{ items: InboundPackage[] }>('/transfers/inbound'), []);

  async function receive(): Promise<void> {
    if (!pkg || !manifestFile) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const manifest = (await readJsonFile(manifestFile, t('rcvManifestNotJson'))) as SignedManifest;
      // Multipart: a manifest of any size (a header would stop at Node's 16 KB limit).
      const form = new FormData();
      form.append('manifest', manifestFile, manifestFile.name || 'manifest.json');
      form.append('package', pkg, pkg.name || 'package.age');
      setDone({ res: await post<Received>('/transfers/inbound', form), manifest });
      inbound.reload();
    } catch (e) {
      setError(
        e instanceof ApiError ? { code: e.code, message: e.message } : { code: 'CLIENT', message: String(e) },
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large" data-testid="receive-page">
      <Card title={t('menuReceive')}>
        <Typography.Paragraph type="secondary">{t('rcvIntro')}</Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label={t('rcvPackage')} required>
            <FilePick testId="rcv-package" accept=".age" file={pkg} onChange={setPkg} />
          </Form.Item>
          <Form.Item label={t('rcvManifest')} required>
            <FilePick
              testId="rcv-manifest"
              accept=".json,application/json"
              file={manifestFile}
              onChange={setManifestFile}
            />
          </Form.Item>
          <Button
            type="primary"
            disabled={!pkg || !manifestFile}
            loading={busy}
            onClick={() => void receive()}
            data-testid="rcv-submit"
          >
            {t('rcvSubmit')}
          </Button>
        </Form>
      </Card>
      {error ? (
        <Alert
          type="error"
          showIcon
          data-testid="rcv-error"
          title={tMaybe(t, `rcvErr_${error.code}`, t('rcvFailed'))}
          description={`${error.code}: ${error.message}`}
        />
      ) : null}
      {done ? <ReceivedCard res={done.res} manifest={done.manifest} /> : null}
      <Card title={t('rcvListTitle')}>
        {inbound.error ? <ErrorState error={inbound.error} onRetry={inbound.reload} /> : null}
        <InboundTable items={inbound.data?.items ?? []} loading={!inbound.data && !inbound.error} />
      </Card>
    </Space>
  );
}

/** The packages received so far, each with its signed receipt to download again. */
function InboundTable({ items, loading }: { items: InboundPackage[]; loading: boolean }): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  async function downloadReceipt(r: InboundPackage): Promise<void> {
    try {
      const receipt = await get<SignedReceipt>(`/transfers/inbound/${encodeURIComponent(r.id)}/receipt`);
      saveFile(`receipt-${receipt.transferId}.json`, json(receipt));
    } catch (e) {
      message.error(errorText(e));
    }
  }
  return (
    <Table<InboundPackage>
      data-testid="inbound-table"
      rowKey="id"
      size="small"
      loading={loading}
      pagination={false}
      dataSource={items}
      locale={{ emptyText: t('rcvListEmpty') }}
      columns={[
        { title: t('rcvReceivedAt'), dataIndex: 'receivedAt', render: (v: string) => formatTime(v) },
        {
          title: t('rcvSeller'),
          render: (_: unknown, r) => <span data-testid="inbound-seller">{r.seller.name ?? '—'}</span>,
        },
        {
          title: t('rcvSellerFingerprint'),
          render: (_: unknown, r) => (
            <Typography.Text code data-testid="inbound-fingerprint">
              {r.seller.fingerprint}
            </Typography.Text>
          ),
        },
        {
          title: t('merkleRoot'),
          render: (_: unknown, r) => (
            <Typography.Text code ellipsis={{ tooltip: r.merkleRoot }} style={{ maxWidth: 180 }}>
              <span data-testid="inbound-root">{r.merkleRoot}</span>
            </Typography.Text>
          ),
        },
        {
          title: t('rcvCount'),
          dataIndex: 'count',
          render: (n: number) => <span data-testid="inbound-count">{n}</span>,
        },
        {
          title: '',
          render: (_: unknown, r) => (
            <Button size="small" data-testid="inbound-receipt" onClick={() => void downloadReceipt(r)}>
              {t('rcvReceiptDownload')}
            </Button>
          ),
        },
      ]}
    />
  );
}

function ReceivedCard({ res, manifest }: { res: Received; manifest: SignedManifest }): ReactNode {
  const { t } = useI18n();
  return (
    <Card data-testid="rcv-result">
      <Result
        status="success"
        title={t('rcvOk', { count: res.imported })}
        subTitle={t('rcvOkHint')}
        extra={
          <Button
            type="primary"
            data-testid="rcv-receipt-download"
            onClick={() => saveFile(`receipt-${res.receipt.transferId}.json`, json(res.receipt))}
          >
            {t('rcvReceiptDownload')}
          </Button>
        }
      />
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('rcvSeller')}>{manifest.seller.name}</Descriptions.Item>
        <Descriptions.Item label={t('rcvSellerFingerprint')}>
          <Typography.Text code data-testid="rcv-seller-fingerprint">
            {manifest.seller.fingerprint}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('merkleRoot')}>
          <Typography.Text code data-testid="rcv-root">
            {res.receipt.merkleRoot}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('rcvImported')}>
          <span data-testid="rcv-imported">{res.imported}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('rcvByKind')}>
          {Object.entries(res.byKind)
            .map(([k, n]) => `${t(`kind_${k}` as MessageKey)} ${n}`)
            .join('，')}
        </Descriptions.Item>
        <Descriptions.Item label={t('rcvManifestCount')}>{manifest.counts.records}</Descriptions.Item>
        <Descriptions.Item label={t('transferId')}>{res.receipt.transferId}</Descriptions.Item>
        <Descriptions.Item label={t('rcvInboundId')}>{res.inboundId}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
