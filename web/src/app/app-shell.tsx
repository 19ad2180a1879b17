/** The frame around every page: navigation, connection state, language and the user menu. */
import { DownOutlined, LogoutOutlined, TranslationOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Dropdown, Layout, Menu, Space, Spin, Typography } from 'antd';
import { Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { useSession } from '../features/auth/session.ts';
import { type Language, setLanguage } from '../lib/i18n/index.ts';
import { connectConsole, disconnectConsole, useConnection } from '../live/console-socket.ts';
import { PAGES } from './pages.tsx';

function ConnectionBadge() {
  const { t } = useTranslation();
  const status = useConnection((s) => s.status);
  const color = status === 'online' ? 'green' : status === 'connecting' ? 'gold' : 'red';
  return (
    <span data-testid="connection-status" data-status={status}>
      <Badge color={color} text={<span className="shell-muted">{t(`common.connection.${status}`)}</span>} />
    </span>
  );
}

export function LanguageToggle() {
  const { t, i18n } = useTranslation();
  const next: Language = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <Button
      type="text"
      icon={<TranslationOutlined />}
      data-testid="language-toggle"
      aria-label={t('common.language.label')}
      onClick={() => setLanguage(next)}
      className="shell-button"
    >
      {next === 'en' ? t('common.language.en') : t('common.language.zh')}
    </Button>
  );
}

export function AppShell() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user)!;
  const logout = useSession((s) => s.logout);
  const status = useConnection((s) => s.status);
  const location = useLocation();

  useEffect(() => {
    connectConsole();
    return () => disconnectConsole();
  }, []);

  const nav = PAGES.filter((p) => p.navKey && user.permissions.includes(p.permission));
  const selected = nav
    .filter(
      (p) => location.pathname === `/${p.path}` || (p.path && location.pathname.startsWith(`/${p.path}`)),
    )
    .map((p) => p.path);

  return (
    <Layout className="shell">
      <Layout.Header className="shell-header">
        <Link to="/" className="shell-brand">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <Typography.Text strong className="shell-brand-text">
            {t('common.appName')}
          </Typography.Text>
        </Link>
        <Menu
          theme="dark"
          mode="horizontal"
          selectedKeys={selected.length ? selected : ['']}
          className="shell-menu"
          data-testid="main-nav"
          items={nav.map((p) => ({
            key: p.path,
            icon: p.icon,
            label: (
              <Link to={`/${p.path}`} data-testid={`nav-${p.path || 'command'}`}>
                {t(p.navKey!)}
              </Link>
            ),
          }))}
        />
        <Space size="middle" className="shell-right">
          <ConnectionBadge />
          <LanguageToggle />
          <Dropdown
            menu={{
              items: [
                {
                  key: 'role',
                  label: `${t('common.user.role')}: ${t(`common.roles.${user.role}`)}`,
                  disabled: true,
                },
                { type: 'divider' },
                {
                  key: 'logout',
                  icon: <LogoutOutlined />,
                  label: <span data-testid="logout">{t('common.user.logout')}</span>,
                  onClick: () => void logout(),
                },
              ],
            }}
          >
            <Button type="text" className="shell-button" data-testid="user-menu" icon={<UserOutlined />}>
              {user.displayName} <DownOutlined />
            </Button>
          </Dropdown>
        </Space>
      </Layout.Header>
      {status === 'offline' && (
        <Alert
          type="error"
          banner
          showIcon
          data-testid="offline-banner"
          title={t('common.connection.offline')}
        />
      )}
      <Layout.Content className="shell-content">
        <Suspense fallback={<Spin className="page-spin" tip={t('common.state.loading')} />}>
          <Outlet />
        </Suspense>
      </Layout.Content>
    </Layout>
  );
}
