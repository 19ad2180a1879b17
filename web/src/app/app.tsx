import { App as AntApp, ConfigProvider, Result, Spin, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { useSession } from '../features/auth/session.ts';
import { AppShell } from './app-shell.tsx';
import { PAGES } from './pages.tsx';

const LoginPage = lazy(() => import('../features/auth/login-page.tsx'));

function RequireSession({ children }: { children: ReactNode }) {
  const status = useSession((s) => s.status);
  const location = useLocation();
  if (status === 'loading') return <Spin fullscreen />;
  if (status === 'anonymous') return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return children;
}

function Forbidden({ permission, children }: { permission: string; children: ReactNode }) {
  const { t } = useTranslation();
  const allowed = useSession((s) => s.user?.permissions.includes(permission) ?? false);
  return allowed ? children : <Result status="403" title={t('common.errors.Forbidden')} />;
}

function NotFound() {
  const { t } = useTranslation();
  return <Result status="404" title={t('common.notFound')} />;
}

export function App() {
  const { i18n } = useTranslation();
  const load = useSession((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  const zh = i18n.language !== 'en';
  useEffect(() => {
    dayjs.locale(zh ? 'zh-cn' : 'en');
  }, [zh]);

  return (
    <ConfigProvider
      locale={zh ? zhCN : enUS}
      theme={{ algorithm: theme.darkAlgorithm, token: { colorPrimary: '#3fa7ff', borderRadius: 4 } }}
    >
      <AntApp>
        <BrowserRouter>
          <Suspense fallback={<Spin fullscreen />}>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route
                path="/"
                element={
                  <RequireSession>
                    <AppShell />
                  </RequireSession>
                }
              >
                {PAGES.map((p) => (
                  <Route
                    key={p.path}
                    {...(p.path ? { path: p.path } : { index: true })}
                    element={<Forbidden permission={p.permission}>{p.element}</Forbidden>}
                  />
                ))}
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </Suspense>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}
