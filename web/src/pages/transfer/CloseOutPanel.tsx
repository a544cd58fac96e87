import { Alert, App, Button, Card, Checkbox, Form, Input, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { post } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { errorText } from '../../shared';
import { CertificateView } from './CertificateView';
import { FilePick } from './FilePick';
import { canTransfer, readJsonFile, type Transfer } from './transfer-api';

/**
 * Step 5: the recipient's signed receipt is checked, then the seller's copies are crypto-shredded (or
 * restricted under a retention rule) and a signed destruction certificate is issued. Path D completes
 * with no recipient; path A closes after the notices.
 */
export function CloseOutPanel({ tr, reload }: { tr: Transfer; reload: () => void }): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const [receipt, setReceipt] = useState<File | null>(null);
  const [noRecipient, setNoRecipient] = useState(tr.path === 'D');
  const [retainPurpose, setRetainPurpose] = useState('');
  const [approver, setApprover] = useState('');
  const [busy, setBusy] = useState(false);
  const moves = tr.path === 'B' || tr.path === 'C';
  const ready = moves
    ? ['packaged', 'received'].includes(tr.status)
    : ['noticing', 'answers-closed', 'received'].includes(tr.status);

  async function complete(): Promise<void> {
    setBusy(true);
    try {
      const body: Record<string, unknown> = {};
      if (moves && receipt) body.receipt = await readJsonFile(receipt, t('coReceiptNotJson'));
      if (tr.path === 'D') body.noRecipient = noRecipient;
      if (retainPurpose.trim()) body.retainPurpose = retainPurpose.trim();
      if (approver.trim()) body.approver = approver.trim();
      await post(`/transfers/${encodeURIComponent(tr.id)}/complete`, body);
      message.success(t('coDone'));
      reload();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('trStep_closeout')}>
      {tr.certificate ? (
        <CertificateView c={tr.certificate} />
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            {t(moves ? 'coIntroMoves' : tr.path === 'D' ? 'coIntroD' : 'coIntroA')}
          </Typography.Paragraph>
          {!ready ? <Alert type="info" showIcon title={t('coNotYet')} style={{ marginBottom: 12 }} /> : null}
          <Form layout="vertical">
            {moves ? (
              <Form.Item
                label={t('coReceipt')}
                required={tr.status === 'packaged'}
                extra={t('coReceiptHint')}
              >
                <FilePick
                  testId="co-receipt"
                  accept=".json,application/json"
                  file={receipt}
                  onChange={setReceipt}
                />
              </Form.Item>
            ) : null}
            {tr.path === 'D' ? (
              <Form.Item>
                <Checkbox checked={noRecipient} onChange={(e) => setNoRecipient(e.target.checked)}>
                  {t('coNoRecipient')}
                </Checkbox>
              </Form.Item>
            ) : null}
            {tr.path !== 'A' ? (
              <>
                <Form.Item label={t('coRetainPurpose')} extra={t('coRetainHint')}>
                  <Input
                    value={retainPurpose}
                    onChange={(e) => setRetainPurpose(e.target.value)}
                    style={{ width: 240 }}
                  />
                </Form.Item>
                <Form.Item label={t('coApprover')} extra={t('coApproverHint')}>
                  <Input
                    value={approver}
                    onChange={(e) => setApprover(e.target.value)}
                    style={{ width: 240 }}
                  />
                </Form.Item>
              </>
            ) : null}
            <Button
              type="primary"
              danger
              loading={busy}
              disabled={!canTransfer(session, 'complete') || !ready || (tr.status === 'packaged' && !receipt)}
              onClick={() => void complete()}
              data-testid="co-complete"
            >
              {t('coComplete')}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}
