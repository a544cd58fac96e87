import { Button, Dropdown, Layout, Menu, Space, Spin, Typography } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import { type MessageKey, setLang, useI18n } from './i18n';
import { canTransfer, caseIdOf, type TransferAction } from './pages/transfer/transfer-api';
import { usePath } from './router';
import { type Session, useSession } from './session';

const PAGES = {
  '/': lazy(() => import('./pages/Dashboard')),
  '/customers': lazy(() => import('./pages/Customers')),
  '/import': lazy(() => import('./pages/Import')),
  '/audit': lazy(() => import('./pages/Audit')),
  '/users': lazy(() => import('./pages/Users')),
  '/approvals': lazy(() => import('./pages/Approvals')),
  '/fields': lazy(() => import('./pages/Fields')),
  '/purposes': lazy(() => import('./pages/Purposes')),
  '/transfers': lazy(() => import('./pages/transfer/Transfers')),
  '/transfers/identity': lazy(() => import('./pages/transfer/OrgIdentity')),
  '/transfers/receive': lazy(() => import('./pages/transfer/Receive')),
  '/account/password': lazy(() => import('./pages/ChangePassword')),
  '/account/totp': lazy(() => import('./pages/TotpEnroll')),
} as const;
const TransferCase = lazy(() => import('./pages/transfer/TransferDetail'));

const MENU: Array<[keyof typeof PAGES, MessageKey]> = [
  ['/', 'menuDashboard'],
  ['/customers', 'menuCustomers'],
  ['/import', 'menuImport'],
  ['/audit', 'menuAudit'],
  ['/approvals', 'menuApprovals'],
  ['/users', 'menuUsers'],
  ['/fields', 'menuFields'],
  ['/purposes', 'menuPurposes'],
  ['/transfers', 'menuTransfers'],
  ['/transfers/identity', 'menuOrgIdentity'],
  ['/transfers/receive', 'menuReceive'],
];

/** Transfer pages and the transfer action each needs (see pages/transfer/transfer-api.ts). */
const TRANSFER_MENU: Record<string, TransferAction> = {
  '/transfers': 'read',
  '/transfers/identity': 'read',
  '/transfers/receive': 'receive',
};

/** Menu entries shown only to those whose permissions (GET /auth/me) allow them. */
function canSee(path: string, session: Session): boolean {
  const transfer = TRANSFER_MENU[path];
  if (transfer) return canTransfer(session, transfer);
  if (path !== '/approvals') return true;
  const p = session.permissions as Record<string, Record<string, unknown> | undefined> | null | undefined;
  return Boolean(p?.approval?.decide);
}

/** The signed-in layout: left menu, header with the language switch and the account menu. */
export function Shell(): ReactNode {
  const { t, lang } = useI18n();
  const session = useSession();
  const path = usePath();
  const caseId = caseIdOf(path);
  const Page = caseId ? TransferCase : (PAGES[path as keyof typeof PAGES] ?? PAGES['/']);
  const selected = caseId ? '/transfers' : path in PAGES ? path : '/';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="dark" width={200}>
        <div style={{ color: '#fff', padding: '16px', fontWeight: 600 }}>{t('appName')}</div>
        <Menu
          theme="dark"
          mode="inline"
          data-testid="main-menu"
          selectedKeys={[selected]}
          items={MENU.filter(([key]) => canSee(key, session)).map(([key, label]) => ({
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
