import { Alert, App, Button, Space, Typography } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import type { AuditVerifyResult, ExportedCheckpoint } from '../../../src/kernel/audit/audit-types';
import { post } from '../api';
import { formatTime } from '../format';
import { useI18n } from '../i18n';
import { errorText } from '../shared';

const LAST_CHECKPOINT = 'custodian.lastCheckpoint';

function remembered(): { seq: number; at: string } | null {
  try {
    return JSON.parse(localStorage.getItem(LAST_CHECKPOINT) ?? 'null') as { seq: number; at: string } | null;
  } catch {
    return null;
  }
}

/**
 * POST /audit/verify: intact, or broken with the first bad sequence. A signed checkpoint can be exported
 * (POST /audit/checkpoints) and downloaded to keep elsewhere; there is no list endpoint, so the last one
 * this browser exported is remembered (sequence and time only).
 */
export function ChainStatus({ auto = false }: { auto?: boolean }): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [result, setResult] = useState<AuditVerifyResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [checkpoint, setCheckpoint] = useState(remembered);
  const [download, setDownload] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: verify once on mount when asked to
  useEffect(() => {
    if (auto) void verify();
  }, []);

  async function verify(): Promise<void> {
    setBusy(true);
    try {
      setResult(await post<AuditVerifyResult>('/audit/verify', {}));
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  async function exportCheckpoint(): Promise<void> {
    try {
      const cp = await post<ExportedCheckpoint>('/audit/checkpoints');
      const last = { seq: cp.seq, at: cp.at };
      localStorage.setItem(LAST_CHECKPOINT, JSON.stringify(last));
      setCheckpoint(last);
      setDownload(URL.createObjectURL(new Blob([JSON.stringify(cp, null, 2)], { type: 'application/json' })));
    } catch (e) {
      message.error(errorText(e));
    }
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Button onClick={verify} loading={busy} data-testid="verify-chain">
          {t('verifyChain')}
        </Button>
        <Button onClick={exportCheckpoint}>{t('exportCheckpoint')}</Button>
        {download && (
          <Typography.Link href={download} download={`audit-checkpoint-${checkpoint?.seq ?? ''}.json`}>
            {t('download')}
          </Typography.Link>
        )}
      </Space>
      {checkpoint && (
        <Typography.Text type="secondary">
          {t('lastCheckpoint')}: #{checkpoint.seq} · {formatTime(checkpoint.at)}
        </Typography.Text>
      )}
      {result?.ok === true && (
        <Alert
          type="success"
          showIcon
          data-testid="chain-status"
          message={t('intact')}
          description={t('chainIntact', {
            events: result.events,
            seq: result.headSeq,
            checkpoints: result.checkpoints,
          })}
        />
      )}
      {result?.ok === false && (
        <Alert
          type="error"
          showIcon
          data-testid="chain-status"
          message={t('broken')}
          description={t('chainBroken', { seq: result.firstBadSeq, reason: result.reason })}
        />
      )}
    </Space>
  );
}
