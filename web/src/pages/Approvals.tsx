import {
  App,
  Button,
  type ButtonProps,
  Card,
  Input,
  Modal,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useState } from 'react';
import type { ApprovalStatus, ExportApproval } from '../../../src/modules/access/access-types';
import { get, post, qs } from '../api';
import { formatTime } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { ErrorState, errorText, itemsOf, useLoad } from '../shared';

const STATUSES: ApprovalStatus[] = ['pending', 'approved', 'rejected', 'used', 'expired'];
const STATUS_COLOURS: Record<ApprovalStatus, string> = {
  pending: 'processing',
  approved: 'success',
  rejected: 'error',
  used: 'default',
  expired: 'default',
};

/** 审批: export approvals (GET /approvals), approve or reject with a note (a second person decides). */
export default function Approvals(): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [status, setStatus] = useState<ApprovalStatus>('pending');
  const [deciding, setDeciding] = useState<{ item: ExportApproval; decision: 'approve' | 'reject' } | null>(
    null,
  );
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const list = useLoad(() => get<unknown>(`/approvals${qs({ status })}`), [status]);

  async function decide(): Promise<void> {
    if (!deciding) return;
    setBusy(true);
    try {
      await post(`/approvals/${encodeURIComponent(deciding.item.id)}/decision`, {
        decision: deciding.decision,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      message.success(deciding.decision === 'approve' ? t('approved') : t('rejectedDecision'));
      setDeciding(null);
      setNote('');
      list.reload();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card
      title={t('approvals')}
      extra={
        <Space>
          <Segmented<ApprovalStatus>
            value={status}
            onChange={setStatus}
            options={STATUSES.map((s) => ({ value: s, label: t(`approvalStatus_${s}` as MessageKey) }))}
          />
          <Button onClick={list.reload}>{t('refresh')}</Button>
        </Space>
      }
    >
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : (
        <Table<ExportApproval>
          size="small"
          rowKey="id"
          loading={list.loading}
          data-testid="approvals-table"
          dataSource={itemsOf<ExportApproval>(list.data)}
          columns={[
            { title: t('createdAt'), dataIndex: 'createdAt', render: formatTime, width: 170 },
            {
              title: t('approvalId'),
              dataIndex: 'id',
              render: (id: string) => <Typography.Text code>{id}</Typography.Text>,
            },
            { title: t('requester'), dataIndex: 'requester' },
            {
              title: t('exportFormat'),
              dataIndex: 'querySummary',
              render: (q: Record<string, unknown>) =>
                Object.entries(q ?? {})
                  .map(([k, v]) => `${k}=${String(v)}`)
                  .join(' '),
            },
            { title: t('rowCount'), dataIndex: 'rowCount', width: 70 },
            {
              title: t('revealedFields'),
              dataIndex: 'revealedFields',
              render: (fs: string[]) => fs.map((f) => <Tag key={f}>{f}</Tag>),
            },
            { title: t('purpose'), dataIndex: 'purpose' },
            { title: t('reason'), dataIndex: 'reason' },
            {
              title: t('status'),
              dataIndex: 'status',
              render: (s: ApprovalStatus) => (
                <Tag color={STATUS_COLOURS[s]}>{t(`approvalStatus_${s}` as MessageKey)}</Tag>
              ),
            },
            { title: t('expiresAt'), dataIndex: 'expiresAt', render: formatTime, width: 170 },
            {
              title: t('actions'),
              render: (_v, a) =>
                a.status === 'pending' ? (
                  <Space>
                    <Button
                      size="small"
                      type="primary"
                      data-testid="approval-approve"
                      onClick={() => setDeciding({ item: a, decision: 'approve' })}
                    >
                      {t('approve')}
                    </Button>
                    <Button
                      size="small"
                      danger
                      data-testid="approval-reject"
                      onClick={() => setDeciding({ item: a, decision: 'reject' })}
                    >
                      {t('reject')}
                    </Button>
                  </Space>
                ) : (
                  a.decisionNote
                ),
            },
          ]}
        />
      )}
      <Modal
        open={!!deciding}
        title={`${deciding?.decision === 'reject' ? t('reject') : t('approve')} · ${deciding?.item.id ?? ''}`}
        onCancel={() => setDeciding(null)}
        onOk={decide}
        confirmLoading={busy}
        okButtonProps={
          { 'data-testid': 'approval-decide', danger: deciding?.decision === 'reject' } as ButtonProps
        }
      >
        <Input.TextArea
          rows={3}
          maxLength={500}
          placeholder={t('decisionNote')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          data-testid="approval-note"
        />
      </Modal>
    </Card>
  );
}
