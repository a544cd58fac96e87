import { Button, Dropdown, Layout, Menu, Space, Spin, Typography } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import { type MessageKey, setLang, useI18n } from './i18n';
import { usePath } from './router';
import { useSession } from './session';

const PAGES = {
  '/': lazy(() => import('./pages/Dashboard')),
  '/customers': lazy(() => import('./pages/Customers')),
  '/import': lazy(() => import('./pages/Import')),
  '/audit': lazy(() => import('./pages/Audit')),
  '/users': lazy(() => import('./pages/Users')),
  '/approvals': lazy(() => import('./pages/Approvals')),
  '/fields': lazy(() => import('./pages/Fields')),
  '/purposes': lazy(() => import('./pages/Purposes')),
  '/account/password': lazy(() => import('./pages/ChangePassword')),
  '/account/totp': lazy(() => import('./pages/TotpEnroll')),
} as const;

const MENU: Array<[keyof typeof PAGES, MessageKey]> = [
  ['/', 'menuDashboard'],
  ['/customers', 'menuCustomers'],
  ['/import', 'menuImport'],
  ['/audit', 'menuAudit'],
  ['/approvals', 'menuApprovals'],
  ['/users', 'menuUsers'],
  ['/fields', 'menuFields'],
  ['/purposes', 'menuPurposes'],
];

/** Menu entries shown only to those whose permissions (GET /auth/me) allow them. */
function canSee(path: string, permissions: unknown): boolean {
  if (path !== '/approvals') return true;
  const p = permissions as Record<string, Record<string, unknown> | undefined> | null | undefined;
  return Boolean(p?.approval?.decide);
}

/** The signed-in layout: left menu, header with the language switch and the account menu. */
export function Shell(): ReactNode {
  const { t, lang } = useI18n();
  const session = useSession();
  const path = usePath();
  const Page = PAGES[path as keyof typeof PAGES] ?? PAGES['/'];
  const selected = path in PAGES ? path : '/';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="dark" width={200}>
        <div style={{ color: '#fff', padding: '16px', fontWeight: 600 }}>{t('appName')}</div>
        <Menu
          theme="dark"
          mode="inline"
          data-testid="main-menu"
          selectedKeys={[selected]}
          items={MENU.filter(([key]) => canSee(key, session.permissions)).map(([key, label]) => ({
            key,
            label: t(label),
          }))}
          onClick={(e) => session.navigate(e.key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            display: 'flex',
            justifyContent: 'flex-end',
            alignItems: 'center',
            paddingInline: 24,
          }}
        >
          <Space>
            <Button data-testid="lang-switch" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
              {t('langSwitch')}
            </Button>
            <Dropdown
              menu={{
                items: [
                  { key: '/account/password', label: t('changePassword') },
                  { key: '/account/totp', label: t('enrolTotp') },
                  { type: 'divider' },
                  { key: 'signout', label: t('signOut') },
                ],
                onClick: (e) => (e.key === 'signout' ? void session.signOut() : session.navigate(e.key)),
              }}
            >
              <Button type="text" data-testid="account-menu">
                <Typography.Text>{session.user.displayName || session.user.username}</Typography.Text>
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }}>
          <Suspense fallback={<Spin />}>
            <Page />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
