import { Alert, App, Button, Card, Form, Image, Input, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { post } from '../api';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { errorText } from '../shared';

interface Enrolment {
  secret: string;
  otpauthUrl: string;
  qrDataUrl: string;
}

/** TOTP enrolment: the server issues a secret and its QR image; a first code confirms it. */
export default function TotpEnroll({ forced = false }: { forced?: boolean }): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [busy, setBusy] = useState(false);

  async function start(): Promise<void> {
    setBusy(true);
    try {
      setEnrolment(await post<Enrolment>('/auth/totp/enroll'));
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  async function confirm(v: { code: string }): Promise<void> {
    setBusy(true);
    try {
      await post('/auth/totp/confirm', { code: v.code.trim() });
      message.success(t('totpDone'));
      await session.refresh();
      session.navigate('/');
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  const card = (
    <Card style={{ maxWidth: 480 }} data-testid="totp-enroll">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('totpTitle')}
      </Typography.Title>
      {session.user.totpEnrolled && (
        <Alert type="success" showIcon message={t('totpDone')} style={{ marginBottom: 16 }} />
      )}
      {!enrolment ? (
        <Button type="primary" loading={busy} onClick={start} data-testid="totp-start">
          {t('enrolTotp')}
        </Button>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph>{t('totpScan')}</Typography.Paragraph>
          <Image src={enrolment.qrDataUrl} width={200} preview={false} alt="TOTP QR" data-testid="totp-qr" />
          <Typography.Text>
            {t('totpSecret')}:{' '}
            <Typography.Text code copyable data-testid="totp-secret">
              {enrolment.secret}
            </Typography.Text>
          </Typography.Text>
          <Form layout="inline" onFinish={confirm}>
            <Form.Item name="code" rules={[{ required: true, message: t('required') }]}>
              <Input placeholder={t('totpCode')} maxLength={6} inputMode="numeric" data-testid="totp-code" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="totp-confirm">
              {t('totpConfirm')}
            </Button>
          </Form>
        </Space>
      )}
      {forced && (
        <Button
          type="link"
          onClick={() => void session.signOut()}
          style={{ paddingInline: 0, marginTop: 16 }}
        >
          {t('signOut')}
        </Button>
      )}
    </Card>
  );
  return forced ? (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Space direction="vertical">
        <Alert type="warning" showIcon message={t('totpRequired')} />
        {card}
      </Space>
    </div>
  ) : (
    card
  );
}
