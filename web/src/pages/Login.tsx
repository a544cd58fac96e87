import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { ApiError, api, type SessionUser } from '../api';
import { setLang, useI18n } from '../i18n';
import { errorText } from '../shared';

interface Props {
  available: boolean;
  onSignedIn: (user: SessionUser, csrfToken: string) => void;
}

interface Creds {
  username: string;
  password: string;
}

/** Username and password, then a TOTP step when the server answers TOTP_REQUIRED. */
export default function Login({ available, onSignedIn }: Props): ReactNode {
  const { t, lang } = useI18n();
  const [creds, setCreds] = useState<Creds | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(c: Creds, totp?: string): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ user: SessionUser; csrfToken: string }>(
        'POST',
        '/auth/login',
        totp ? { ...c, totp } : c,
        { quiet401: true },
      );
      onSignedIn(res.user, res.csrfToken);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TOTP_REQUIRED' && !totp) setCreds(c);
      else setError(e instanceof ApiError && e.notAvailable ? t('loginUnavailable') : errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }} data-testid="login-card">
        <Space style={{ width: '100%', justifyContent: 'space-between' }} align="start">
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {t('signInTitle')}
          </Typography.Title>
          <Button size="small" data-testid="lang-switch" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
            {t('langSwitch')}
          </Button>
        </Space>
        {!available && (
          <Alert type="info" showIcon message={t('loginUnavailable')} style={{ marginBottom: 16 }} />
        )}
        {error && (
          <Alert
            type="error"
            showIcon
            message={t('signInFailed')}
            description={error}
            data-testid="login-error"
            style={{ marginBottom: 16 }}
          />
        )}
        {creds ? (
          <Form layout="vertical" onFinish={(v: { totp: string }) => submit(creds, v.totp.trim())}>
            <Typography.Paragraph>{t('totpPrompt')}</Typography.Paragraph>
            <Form.Item name="totp" label={t('totpCode')} rules={[{ required: true, message: t('required') }]}>
              <Input
                autoFocus
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                data-testid="totp"
              />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="totp-submit">
                {t('signIn')}
              </Button>
              <Button onClick={() => setCreds(null)}>{t('back')}</Button>
            </Space>
          </Form>
        ) : (
          <Form layout="vertical" onFinish={(v: Creds) => submit(v)}>
            <Form.Item
              name="username"
              label={t('username')}
              rules={[{ required: true, message: t('required') }]}
            >
              <Input autoFocus autoComplete="username" data-testid="username" />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('password')}
              rules={[{ required: true, message: t('required') }]}
            >
              <Input.Password autoComplete="current-password" data-testid="password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
              {t('signIn')}
            </Button>
          </Form>
        )}
      </Card>
    </div>
  );
}
