import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { LanguageToggle } from '../../app/app-shell.tsx';
import { ApiError } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { useSession } from './session.ts';

export default function LoginPage() {
  const { t } = useTranslation();
  const status = useSession((s) => s.status);
  const login = useSession((s) => s.login);
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (status === 'signed_in') {
    const from = (location.state as { from?: string } | null)?.from ?? '/';
    return <Navigate to={from} replace />;
  }

  async function submit(values: { username: string; password: string }) {
    setBusy(true);
    setError(null);
    try {
      await login(values.username, values.password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('common.login.failed'));
      else if (err instanceof ApiError && err.status === 429) setError(t('common.login.rateLimited'));
      else setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <div className="login-language">
        <LanguageToggle />
      </div>
      <Card className="login-card">
        <div className="login-brand">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('common.appName')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('common.login.subtitle')}</Typography.Text>
          </div>
        </div>
        {error && (
          <Alert type="error" showIcon title={error} data-testid="login-error" style={{ marginBottom: 16 }} />
        )}
        <Form layout="vertical" onFinish={submit} requiredMark={false} data-testid="login-form">
          <Form.Item
            label={t('common.login.username')}
            name="username"
            rules={[
              { required: true, message: t('common.login.required', { field: t('common.login.username') }) },
            ]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item
            label={t('common.login.password')}
            name="password"
            rules={[
              { required: true, message: t('common.login.required', { field: t('common.login.password') }) },
            ]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              data-testid="login-password"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('common.login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
