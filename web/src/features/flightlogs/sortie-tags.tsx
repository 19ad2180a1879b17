/** Status and kind of a sortie as coloured tags, the same in the list and the replay. */
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SortieKind, SortieStatus } from './types.ts';

const STATUS_COLOR: Record<SortieStatus, string> = {
  planned: 'default',
  running: 'processing',
  completed: 'success',
  aborted: 'error',
};

const KIND_COLOR: Record<SortieKind, string> = { patrol: 'blue', on_demand: 'purple', verify: 'cyan' };

export function StatusTag({ status }: { status: SortieStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-status={status}>
      {t(`flightlogs.status.${status}`)}
    </Tag>
  );
}

export function KindTag({ kind }: { kind: SortieKind }) {
  const { t } = useTranslation();
  return <Tag color={KIND_COLOR[kind]}>{t(`flightlogs.kind.${kind}`)}</Tag>;
}
