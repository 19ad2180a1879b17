/**
 * A failed load, said plainly: what could not be loaded, why (in the user's language) and a
 * Retry button. `compact` fits a side panel or a form row.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../errors.ts';

export interface LoadErrorProps {
  /** What failed, already translated ("the docks", "机场列表"). */
  what: string;
  error: unknown;
  onRetry(): void;
  /** A stable name for tests: `data-what`. */
  id: string;
  compact?: boolean;
}

export function LoadError({ what, error, onRetry, id, compact }: LoadErrorProps) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      className="load-error"
      data-testid="load-error"
      data-what={id}
      title={t('common.load.failed', { what })}
      description={compact ? undefined : errorText(t, error)}
      action={
        <Button size="small" icon={<ReloadOutlined />} data-testid="load-retry" onClick={onRetry}>
          {t('common.state.retry')}
        </Button>
      }
    />
  );
}
