import { App, Button, Card, Form, Input, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { post } from '../api';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { errorText } from '../shared';

/** Password change; `forced` at first sign-in, when the server sets mustChangePassword. */
export default function ChangePassword({ forced = false }: { forced?: boolean }): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const [busy, setBusy] = useState(false);

  async function submit(v: { current: string; next: string }): Promise<void> {
    setBusy(true);
    try {
      await post('/auth/password', { current: v.current, next: v.next });
      message.success(t('passwordChanged'));
      await session.refresh();
      if (!forced) session.navigate('/');
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  const card = (
    <Card style={{ maxWidth: 420 }} data-testid="change-password">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {forced ? t('mustChangePassword') : t('changePassword')}
      </Typography.Title>
      <Form layout="vertical" onFinish={submit}>
        <Form.Item
          name="current"
          label={t('currentPassword')}
          rules={[{ required: true, message: t('required') }]}
        >
          <Input.Password autoComplete="current-password" data-testid="pw-current" />
        </Form.Item>
        <Form.Item name="next" label={t('newPassword')} rules={[{ required: true, message: t('required') }]}>
          <Input.Password autoComplete="new-password" data-testid="pw-next" />
        </Form.Item>
        <Form.Item
          name="repeat"
          label={t('repeatPassword')}
          dependencies={['next']}
          rules={[
            { required: true, message: t('required') },
            ({ getFieldValue }) => ({
              validator: (_r, value) =>
                !value || getFieldValue('next') === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('passwordMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="pw-repeat" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="pw-submit">
          {t('save')}
        </Button>
        {forced && (
          <Button type="link" onClick={() => void session.signOut()}>
            {t('signOut')}
          </Button>
        )}
      </Form>
    </Card>
  );
  return forced ? (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      {card}
    </div>
  ) : (
    card
  );
}
