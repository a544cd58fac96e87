import { Alert, Button, Card, Descriptions, Form, Result, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import type { SignedReceipt } from '../../../../src/modules/transfer/transfer-types';
import { ApiError, apiRaw } from '../../api';
import { type MessageKey, tMaybe, useI18n } from '../../i18n';
import { FilePick } from './FilePick';
import { base64Utf8, json, readJsonFile, type SignedManifest, saveFile } from './transfer-api';

interface Received {
  inboundId: string;
  imported: number;
  byKind: Record<string, number>;
  receipt: SignedReceipt;
}

/** 接收移交包 (acquirer): the .age file as the body, the signed manifest in x-custodian-manifest. */
export default function Receive(): ReactNode {
  const { t } = useI18n();
  const [pkg, setPkg] = useState<File | null>(null);
  const [manifestFile, setManifestFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [done, setDone] = useState<{ res: Received; manifest: SignedManifest } | null>(null);

  async function receive(): Promise<void> {
    if (!pkg || !manifestFile) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const manifest = (await readJsonFile(manifestFile, t('rcvManifestNotJson'))) as SignedManifest;
      const res = await apiRaw('POST', '/transfers/inbound', pkg, {
        'content-type': 'application/octet-stream',
        accept: 'application/json',
        'x-custodian-manifest': base64Utf8(JSON.stringify(manifest)),
      });
      setDone({ res: (await res.json()) as Received, manifest });
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
    </Space>
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
