import { Descriptions, Result, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { DestructionCertificate } from '../../../../src/modules/transfer/transfer-types';
import { formatTime } from '../../format';
import { useI18n } from '../../i18n';

/** The signed destruction certificate (销毁证明) issued when the case completes. */
export function CertificateView({ c }: { c: DestructionCertificate }): ReactNode {
  const { t } = useI18n();
  return (
    <div data-testid="certificate">
      <Result status="success" title={t('coCertificate')} subTitle={`${c.org.name} · ${formatTime(c.at)}`} />
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('coMethod')}>{c.method}</Descriptions.Item>
        <Descriptions.Item label={t('coErased')}>
          <span data-testid="cert-erased">{c.counts.erased}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('coRestricted')}>
          <span data-testid="cert-restricted">{c.counts.restricted}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('coAlreadyErased')}>{c.counts.alreadyErased}</Descriptions.Item>
        <Descriptions.Item label={t('merkleRoot')}>
          <Typography.Text code data-testid="cert-root">
            {c.merkleRoot}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('coReceiptSha')}>
          <Typography.Text code>{c.receiptSha256 ?? '—'}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('coRetainRule')}>{c.retainRule ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('coOperator')}>{c.operator}</Descriptions.Item>
        <Descriptions.Item label={t('coApprover')}>{c.approver}</Descriptions.Item>
        <Descriptions.Item label={t('fingerprint')}>
          <Typography.Text code data-testid="cert-fingerprint">
            {c.org.fingerprint}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('coSignature')}>
          <Typography.Text code ellipsis={{ tooltip: c.signature }} style={{ maxWidth: 420 }}>
            {c.signature}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
    </div>
  );
}
