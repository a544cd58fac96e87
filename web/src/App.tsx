import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useState } from 'react';
import { ApiError, api, type SessionUser, setCsrfToken, setUnauthenticatedHandler } from './api';
import { useI18n } from './i18n';
import Login from './pages/Login';
import { navigate } from './router';
import { Shell } from './Shell';
import { type Session, SessionContext } from './session';

const ChangePassword = lazy(() => import('./pages/ChangePassword'));
const TotpEnroll = lazy(() => import('./pages/TotpEnroll'));

interface Me {
  user: SessionUser;
  permissions?: unknown;
  csrfToken?: string | null;
  /** A session that must change its password or enrol TOTP before anything else. */
  pending?: 'password' | 'totp' | null;
}

type State =
  | { phase: 'loading' }
  | { phase: 'signed-out'; loginAvailable: boolean }
  | { phase: 'signed-in'; me: Me };

export function App(): ReactNode {
  const { lang } = useI18n();
  const [state, setState] = useState<State>({ phase: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const me = await api<Me>('GET', '/auth/me', undefined, { quiet401: true });
      setCsrfToken(me.csrfToken ?? null);
      setState({ phase: 'signed-in', me });
    } catch (e) {
      setCsrfToken(null);
      setState({ phase: 'signed-out', loginAvailable: !(e instanceof ApiError && e.notAvailable) });
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  useEffect(() => {
    setUnauthenticatedHandler(() => setState({ phase: 'signed-out', loginAvailable: true }));
    void refresh();
  }, [refresh]);

  const signOut = useCallback(async () => {
    await api('POST', '/auth/logout').catch(() => undefined);
    setCsrfToken(null);
    setState({ phase: 'signed-out', loginAvailable: true });
    navigate('/');
  }, []);

  let body: ReactNode;
  if (state.phase === 'loading') body = <Spin fullscreen />;
  else if (state.phase === 'signed-out')
    body = (
      <Login
        available={state.loginAvailable}
        onSignedIn={(user, csrfToken) => {
          setCsrfToken(csrfToken);
          setState({ phase: 'signed-in', me: { user, csrfToken } });
          void refresh();
        }}
      />
    );
  else {
    const session: Session = {
      user: state.me.user,
      permissions: state.me.permissions,
      refresh,
      signOut,
      navigate,
    };
    body = (
      <SessionContext.Provider value={session}>
        {state.me.pending === 'password' || state.me.user.mustChangePassword ? (
          <ChangePassword forced />
        ) : state.me.pending === 'totp' ? (
          <TotpEnroll forced />
        ) : (
          <Shell />
        )}
      </SessionContext.Provider>
    );
  }

  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1677ff' } }}>
      <AntApp>
        <Suspense fallback={<Spin fullscreen />}>{body}</Suspense>
      </AntApp>
    </ConfigProvider>
  );
}
