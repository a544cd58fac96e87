import { App, Button, Card, Descriptions, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { get } from '../../api';
import { tMaybe, useI18n } from '../../i18n';
import { errorText } from '../../shared';
import { CertificateView } from './CertificateView';
import { type Dossier, json, openHtml, saveFile, type Transfer } from './transfer-api';

/** Step 6: the evidence file (档案) — printable HTML, JSON with the audit checkpoint; each read audited. */
export function DossierPanel({ tr }: { tr: Transfer }): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [dossier, setDossier] = useState<Dossier | null>(null);
  const path = `/transfers/${encodeURIComponent(tr.id)}/dossier`;

  async function load(): Promise<Dossier | null> {
    try {
      const d = await get<Dossier>(path);
      setDossier(d);
      return d;
    } catch (e) {
      message.error(errorText(e));
      return null;
    }
  }

  const cert = dossier?.transfer.certificate ?? tr.certificate;
  return (
    <Card title={t('trStep_dossier')}>
      <Typography.Paragraph type="secondary">{t('dsIntro')}</Typography.Paragraph>
      <Space>
        <Button type="primary" data-testid="dossier-load" onClick={() => void load()}>
          {t('dsLoad')}
        </Button>
        <Button
          data-testid="dossier-html"
          onClick={() => void openHtml(`${path}?format=html`).catch((e) => message.error(errorText(e)))}
        >
          {t('dsOpenHtml')}
        </Button>
        <Button
          data-testid="dossier-json"
          onClick={() =>
            void (dossier ? Promise.resolve(dossier) : load()).then(
              (d) => d && saveFile(`dossier-${tr.id}.json`, json(d)),
            )
          }
        >
          {t('dsDownloadJson')}
        </Button>
      </Space>
      {dossier ? (
        <Descriptions size="small" column={2} bordered style={{ marginTop: 16 }} data-testid="dossier">
          <Descriptions.Item label={t('trRecipient')}>
            {dossier.counterparty
              ? `${dossier.counterparty.name} · ${dossier.counterparty.fingerprint}`
              : t('none')}
          </Descriptions.Item>
          <Descriptions.Item label={t('dsAnswers')}>
            <span data-testid="dossier-answers">
              {Object.entries(dossier.answers)
                .map(([k, n]) => `${tMaybe(t, `answer_${k}`, k)} ${n}`)
                .join('，') || t('none')}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('dsNoticeEvidence')}>
            <span data-testid="dossier-notices">{dossier.noticesWithEvidence ?? '—'}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('dsTimeline')}>
            <span data-testid="dossier-events">{dossier.timeline.length}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('dsCheckpoint')} span={2}>
            <Typography.Text code data-testid="dossier-checkpoint">
              {`#${dossier.checkpoint.seq} ${dossier.checkpoint.merkleRoot}`}
            </Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      ) : null}
      {cert ? (
        <div style={{ marginTop: 16 }}>
          <CertificateView c={cert} />
        </div>
      ) : (
        <Typography.Paragraph type="secondary" style={{ marginTop: 16 }} data-testid="dossier-no-certificate">
          {t('dsNoCertificate')}
        </Typography.Paragraph>
      )}
    </Card>
  );
}
