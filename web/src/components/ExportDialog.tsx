import { Alert, type ButtonProps, Form, Input, Modal, Result, Select, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import type { ExportApproval } from '../../../src/modules/access/access-types';
import type { Purpose } from '../../../src/modules/consent/consent-types';
import type { FieldDef } from '../../../src/modules/customers/customer-types';
import { ApiError, get, post, qs, rawPost } from '../api';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { errorText, GradeTag, itemsOf, useLoad } from '../shared';

interface Values {
  format: 'csv' | 'xlsx';
  encoding: 'utf8' | 'gbk';
  reveal?: string[];
  purpose?: string;
  reason?: string;
  approvalId?: string;
}

type Outcome =
  | { kind: 'file'; url: string; name: string; rows: string | null; maskedNoBasis: string | null }
  | { kind: 'approval'; id: string }
  | { kind: 'error'; text: string };

interface ErrorBody {
  error?: {
    code: string;
    message: string;
    messageEn?: string;
    details?: { rows?: number; fields?: unknown };
  };
}

/**
 * 导出 (POST /exports, a file download; masked unless fields are revealed for a purpose). When the server
 * answers APPROVAL_REQUIRED, files the request (POST /approvals) for a second person to approve.
 */
export function ExportDialog({ kind, onClose }: { kind: string; onClose: () => void }): ReactNode {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const purposes = useLoad(() => get<{ items: Purpose[] }>('/purposes'), []);
  const fields = useLoad(() => get<{ items: FieldDef[] }>('/fields'), []);
  const reveal = Form.useWatch('reveal', form) ?? [];
  const session = useSession();
  // The requester's own approved requests (approvers see everyone's: keep only this user's).
  const approvals = useLoad(() => get<unknown>(`/approvals${qs({ status: 'approved' })}`), []);
  const me = [session.user.id, `user:${session.user.id}`];
  const mine = itemsOf<ExportApproval>(approvals.data).filter((a) => me.includes(a.requester));

  async function submit(): Promise<void> {
    const v = await form.validateFields();
    const request = {
      format: v.format,
      ...(v.format === 'csv' ? { encoding: v.encoding } : {}),
      ...(kind ? { kind } : {}),
      ...(v.reveal?.length ? { reveal: v.reveal, purpose: v.purpose } : {}),
      ...(v.approvalId ? { approvalId: v.approvalId } : {}),
    };
    setBusy(true);
    try {
      const res = await rawPost('/exports', request);
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as ErrorBody;
        if (res.status === 404 && /no such route/.test(String(body.error?.messageEn)))
          throw new ApiError(404, 'NOT_AVAILABLE', 'POST /api/v1/exports');
        if (body.error?.code === 'APPROVAL_REQUIRED') {
          // Four-eyes rule: a second person (DPO or admin) approves; then the same export is run again.
          const d = body.error.details ?? {};
          const filed = await post<{ id: string }>('/approvals', {
            querySummary: { ...(kind ? { kind } : {}), format: v.format },
            rowCount: Number(d.rows ?? 0),
            revealedFields: v.reveal ?? [],
            ...(v.purpose ? { purpose: v.purpose } : {}),
            ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
          });
          setOutcome({ kind: 'approval', id: filed.id });
          return;
        }
        throw new ApiError(res.status, body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? '');
      }
      const blob = await res.blob();
      const disposition = res.headers.get('content-disposition') ?? '';
      const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `customers.${v.format}`;
      setOutcome({
        kind: 'file',
        url: URL.createObjectURL(blob),
        name,
        rows: res.headers.get('x-custodian-rows'),
        maskedNoBasis: res.headers.get('x-custodian-masked-no-basis'),
      });
    } catch (e) {
      setOutcome({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  const done = outcome !== null && outcome.kind !== 'error';
  return (
    <Modal
      open
      title={t('exportTitle')}
      onCancel={onClose}
      onOk={done ? onClose : submit}
      okText={done ? t('close') : t('exportAction')}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': done ? 'export-close' : 'export-submit' } as ButtonProps}
    >
      {outcome?.kind === 'approval' && (
        <Result
          status="info"
          title={t('exportNeedsApproval')}
          subTitle={<span data-testid="export-approval-id">{`${t('approvalId')}: ${outcome.id}`}</span>}
        />
      )}
      {outcome?.kind === 'file' && (
        <Result
          status="success"
          data-testid="export-ready"
          title={t('exportReady')}
          subTitle={outcome.rows ? `${t('rows')}: ${outcome.rows}` : undefined}
          extra={
            <Typography.Link href={outcome.url} download={outcome.name}>
              {t('download')} {outcome.name}
            </Typography.Link>
          }
        />
      )}
      {outcome?.kind === 'error' && (
        <Alert type="error" showIcon message={outcome.text} style={{ marginBottom: 12 }} />
      )}
      {!done && (
        <Form form={form} layout="vertical" initialValues={{ format: 'xlsx', encoding: 'utf8' }}>
          <Form.Item name="format" label={t('exportFormat')}>
            <Select
              options={[
                { value: 'xlsx', label: 'Excel (xlsx)' },
                { value: 'csv', label: 'CSV' },
              ]}
            />
          </Form.Item>
          <Form.Item name="encoding" label="CSV encoding">
            <Select
              options={[
                { value: 'utf8', label: 'UTF-8' },
                { value: 'gbk', label: 'GBK' },
              ]}
            />
          </Form.Item>
          <Form.Item name="reveal" label={t('exportReveal')}>
            <Select
              mode="multiple"
              allowClear
              data-testid="export-reveal"
              options={(fields.data?.items ?? []).map((f) => ({
                value: f.key,
                label: (
                  <span>
                    <GradeTag grade={f.grade} />
                    {lang === 'zh' ? f.labelZh : f.labelEn}
                  </span>
                ),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="purpose"
            label={t('purpose')}
            rules={[{ required: reveal.length > 0, message: t('required') }]}
          >
            <Select
              allowClear
              data-testid="export-purpose"
              loading={purposes.loading}
              options={(purposes.data?.items ?? []).map((p) => ({
                value: p.key,
                label: `${p.name} (${p.key})`,
              }))}
            />
          </Form.Item>
          {mine.length > 0 && (
            <Form.Item name="approvalId" label={t('useApproval')} extra={t('useApprovalHint')}>
              <Select
                allowClear
                data-testid="export-approval"
                options={mine.map((a) => ({
                  value: a.id,
                  label: `${a.id} · ${t('rowCount')} ${a.rowCount}${
                    a.revealedFields.length ? ` · ${a.revealedFields.join(', ')}` : ''
                  }`,
                }))}
              />
            </Form.Item>
          )}
          <Form.Item name="reason" label={t('reason')} extra={t('exportReasonHint')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
