/** Small pieces shared by the ticket pages: the status tag and the deadline countdown. */
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { type CountdownLevel, LEVEL_COLOURS, splitDuration } from './format.ts';
import type { TicketStatus } from './types.ts';

const STATUS_COLOURS: Partial<Record<TicketStatus, string>> = {
  new: 'default',
  filed: 'blue',
  dispatched: 'geekblue',
  returned: 'orange',
  signed: 'cyan',
  in_progress: 'processing',
  handled: 'purple',
  verified: 'lime',
  closed: 'green',
  voided: 'default',
};

export function StatusTag({ status }: { status: TicketStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOURS[status]} data-testid="ticket-status" data-status={status}>
      {t(`tickets.status.${status}`)}
    </Tag>
  );
}

export function CountdownText({
  level,
  remainingMs,
  suffix,
  dueAt,
}: {
  level: CountdownLevel;
  remainingMs: number | null;
  suffix?: string;
  /** The deadline itself, shown on hover. */
  dueAt?: string | null;
}) {
  const { t } = useTranslation();
  if (remainingMs === null || level === 'none')
    return <span data-testid="ticket-countdown">{t('tickets.countdown.none')}</span>;
  const parts = splitDuration(remainingMs);
  const text = remainingMs < 0 ? t('tickets.countdown.over', parts) : t('tickets.countdown.left', parts);
  return (
    <span
      data-testid="ticket-countdown"
      data-level={level}
      title={dueAt ? t('tickets.countdown.due', { at: new Date(dueAt).toLocaleString() }) : undefined}
      style={{ color: LEVEL_COLOURS[level] }}
    >
      {text}
      {suffix}
    </span>
  );
}
