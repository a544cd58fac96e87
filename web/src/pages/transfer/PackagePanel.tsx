import { Alert, App, Button, Card, Descriptions, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { post } from '../../api';
import { tMaybe, useI18n } from '../../i18n';
import { useSession } from '../../session';
import { errorText } from '../../shared';
import { ManifestView } from './ManifestView';
import { canTransfer, type SignedManifest, type Transfer } from './transfer-api';

interface Split {
  transfer: number;
  delete: number;
  retain: number;
  byReason: Record<string, number>;
}

/** Step 4 (paths B, C): build the age package, show its signed manifest, download both. */
export function PackagePanel({ tr, reload }: { tr: Transfer; reload: () => void }): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [split, setSplit] = useState<Split | null>(null);
  const base = `/api/v1/transfers/${encodeURIComponent(tr.id)}`;
  const may = canTransfer(session, 'package');
  if (tr.path !== 'B' && tr.path !== 'C')
    return (
      <Card title={t('trStep_package')}>
        <Alert type="info" showIcon title={t('pkNotThisPath')} />
      </Card>
    );

  async function build(): Promise<void> {
    setBusy(true);
    try {
      const r = await post<{ manifest: SignedManifest; split: Split }>(
        `/transfers/${encodeURIComponent(tr.id)}/package`,
      );
      setSplit(r.split);
      message.success(t('pkBuilt', { n: r.manifest.counts.records }));
      reload();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card
      title={t('trStep_package')}
      extra={
        <Button
          type="primary"
          loading={busy}
          disabled={!may || !['answers-closed', 'packaged'].includes(tr.status)}
          onClick={() => void build()}
          data-testid="package-build"
        >
          {tr.manifest ? t('pkRebuild') : t('pkBuild')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('pkIntro')}</Typography.Paragraph>
      {split ? (
        <Descriptions size="small" column={3} data-testid="package-split" style={{ marginBottom: 12 }}>
          <Descriptions.Item label={t('pkSplitTransfer')}>
            <span data-testid="split-transfer">{split.transfer}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('pkSplitDelete')}>
            <span data-testid="split-delete">{split.delete}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('pkSplitRetain')}>{split.retain}</Descriptions.Item>
          <Descriptions.Item label={t('pkSplitReasons')} span={3}>
            {Object.entries(split.byReason)
              .map(([k, n]) => `${tMaybe(t, `split_${k}`, k)} ${n}`)
              .join('，') || t('none')}
          </Descriptions.Item>
        </Descriptions>
      ) : null}
      {tr.manifest ? (
        <>
          <ManifestView m={tr.manifest} />
          <Space style={{ marginTop: 12 }}>
            <Button
              href={`${base}/package`}
              download={`transfer-${tr.id}.age`}
              data-testid="package-download"
            >
              {t('pkDownload')}
            </Button>
            <Button
              href={`${base}/manifest`}
              download={`transfer-${tr.id}.manifest.json`}
              data-testid="manifest-download"
            >
              {t('pkManifestDownload')}
            </Button>
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('pkHandOver')}
          </Typography.Paragraph>
        </>
      ) : (
        <Typography.Paragraph type="secondary">{t('pkNone')}</Typography.Paragraph>
      )}
    </Card>
  );
}
