import { Descriptions, Typography } from 'antd';
import type { ReactNode } from 'react';
import { formatTime } from '../../format';
import { tMaybe, useI18n } from '../../i18n';
import type { SignedManifest } from './transfer-api';

/** The signed manifest's facts: counts, Merkle root, schema digest, both parties' fingerprints. */
export function ManifestView({ m }: { m: SignedManifest }): ReactNode {
  const { t } = useI18n();
  const code = (s: string, id: string) => (
    <Typography.Text code copyable={{ text: s }} data-testid={id} style={{ wordBreak: 'break-all' }}>
      {s}
    </Typography.Text>
  );
  return (
    <Descriptions size="small" column={1} bordered data-testid="manifest">
      <Descriptions.Item label={t('pkRecords')}>
        <span data-testid="manifest-records">{m.counts.records}</span>
        {' （'}
        {Object.entries(m.counts.byKind)
          .map(([k, n]) => `${tMaybe(t, `kind_${k}`, k)} ${n}`)
          .join('，')}
        {'）'}
      </Descriptions.Item>
      <Descriptions.Item label={t('merkleRoot')}>{code(m.merkleRoot, 'manifest-root')}</Descriptions.Item>
      <Descriptions.Item label={t('pkSchemaDigest')}>
        {code(m.schemaDigest, 'manifest-schema-digest')} （{t('pkSchemaFields', { n: m.schema.length })}）
      </Descriptions.Item>
      <Descriptions.Item label={t('pkPackageSha')}>{code(m.packageSha256, 'manifest-sha')}</Descriptions.Item>
      <Descriptions.Item label={t('pkSeller')}>
        {m.seller.name} · {code(m.seller.fingerprint, 'manifest-seller-fingerprint')}
      </Descriptions.Item>
      <Descriptions.Item label={t('pkBuyer')}>
        {m.buyer.name} · {code(m.buyer.fingerprint, 'manifest-buyer-fingerprint')}
      </Descriptions.Item>
      <Descriptions.Item label={t('createdAt')}>{formatTime(m.createdAt)}</Descriptions.Item>
    </Descriptions>
  );
}
