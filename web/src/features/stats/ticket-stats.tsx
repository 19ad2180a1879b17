/**
 * The ticket part of the statistics page: tickets created in the page's range by category and
 * status, and per department the closure rate (结案率) and the on-time rate (按期结案率), from
 * `GET /api/tickets/stats` (a department officer's answer holds their department only).
 */
import { TICKET_CATEGORIES, TICKET_STATUSES } from '@aerie/contracts';
import { Card, Empty, Statistic, Table } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { EChart } from '../../lib/charts/echart.tsx';
import { CHART_PALETTE } from '../../lib/charts/theme.ts';
import { LoadError } from '../../lib/load/index.ts';
import { categoryColour } from '../tickets/category-colours.ts';
import { countBarChart } from './stats-charts.ts';
import {
  type DepartmentFigures,
  type KeyCount,
  orderedCounts,
  rateText,
  type TicketStatsResponse,
  ticketTotals,
} from './ticket-stats-model.ts';

export function TicketStatsSection({ span, reload }: { span: { from: string; to: string }; reload: number }) {
  const { t } = useTranslation();
  const [answer, setAnswer] = useState<TicketStatsResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [retry, setRetry] = useState(0);

  useEffect(() => {
    void reload;
    void retry;
    let live = true;
    api
      .get<TicketStatsResponse>('/api/tickets/stats', span)
      .then((s) => {
        if (!live) return;
        setAnswer(s);
        setError(null);
      })
      .catch((err: unknown) => live && setError(err));
    return () => {
      live = false;
    };
  }, [span, reload, retry]);

  const totals = useMemo(() => (answer ? ticketTotals(answer) : null), [answer]);
  const categories = orderedCounts(answer?.byCategory ?? [], TICKET_CATEGORIES);
  const statuses = orderedCounts(answer?.byStatus ?? [], TICKET_STATUSES);
  const figures: { key: string; value: string | number }[] = totals
    ? [
        { key: 'total', value: totals.total },
        { key: 'closureRate', value: rateText(totals.closureRate) },
        { key: 'onTimeRate', value: rateText(totals.onTimeRate) },
        { key: 'overdue', value: totals.overdue },
      ]
    : [];

  return (
    <section className="stats-section" data-testid="ticket-stats" data-total={totals?.total ?? ''}>
      <h4 className="stats-section-title">{t('stats.tickets.title')}</h4>
      {error !== null && (
        <div className="stats-alert">
          <LoadError
            id="ticket-stats"
            what={t('stats.tickets.load')}
            error={error}
            onRetry={() => setRetry((n) => n + 1)}
          />
        </div>
      )}
      <div className="stats-totals">
        {figures.map((f) => (
          <Card
            key={f.key}
            size="small"
            className="stats-card"
            data-testid={`ticket-stats-${f.key}`}
            data-value={f.value}
          >
            <Statistic title={t(`stats.tickets.${f.key}`)} value={f.value} />
          </Card>
        ))}
      </div>
      {totals?.total === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('stats.tickets.empty')} />
      ) : (
        <>
          <div className="stats-grid">
            <CountCard
              title={t('stats.tickets.byCategory')}
              testId="ticket-stats-by-category"
              counts={categories}
              label={(k) => t(`tickets.category.${k}`, { defaultValue: k })}
              colour={(k) => categoryColour(k)}
            />
            <CountCard
              title={t('stats.tickets.byStatus')}
              testId="ticket-stats-by-status"
              counts={statuses}
              label={(k) => t(`tickets.status.${k}`, { defaultValue: k })}
              colour={(_, i) => CHART_PALETTE[i % CHART_PALETTE.length]!}
            />
          </div>
          <Card size="small" className="stats-card" title={t('stats.tickets.byDepartment')}>
            <Table<DepartmentFigures>
              size="small"
              className="stats-table"
              data-testid="ticket-stats-departments"
              rowKey={(d) => d.departmentId ?? '-'}
              dataSource={answer?.perDepartment ?? []}
              pagination={false}
              columns={[
                {
                  key: 'name',
                  title: t('stats.tickets.department'),
                  render: (_, d) => d.departmentName ?? t('stats.tickets.noDepartment'),
                },
                ...(['total', 'closed', 'closedOnTime', 'overdue'] as const).map((k) => ({
                  key: k,
                  title: t(`stats.tickets.${k}`),
                  align: 'right' as const,
                  render: (_: unknown, d: DepartmentFigures) => <span className="stats-num">{d[k]}</span>,
                  sorter: (a: DepartmentFigures, b: DepartmentFigures) => a[k] - b[k],
                })),
                ...(['closureRate', 'onTimeRate'] as const).map((k) => ({
                  key: k,
                  title: t(`stats.tickets.${k}`),
                  align: 'right' as const,
                  render: (_: unknown, d: DepartmentFigures) => (
                    <span className="stats-num" data-testid={`ticket-rate-${k}`}>
                      {rateText(d[k])}
                    </span>
                  ),
                  sorter: (a: DepartmentFigures, b: DepartmentFigures) => (a[k] ?? -1) - (b[k] ?? -1),
                })),
              ]}
            />
          </Card>
        </>
      )}
    </section>
  );
}

/** Counts of named things as a horizontal bar chart in a card. */
function CountCard(props: {
  title: string;
  testId: string;
  counts: KeyCount[];
  label: (key: string) => string;
  colour: (key: string, index: number) => string;
}) {
  const { counts } = props;
  return (
    <Card size="small" className="stats-card" title={props.title}>
      <EChart
        data-testid={props.testId}
        data-points={counts.length}
        height={200}
        option={countBarChart(
          counts.map((c) => (c.key === null ? '—' : props.label(c.key))),
          counts.map((c) => c.count),
          counts.map((c, i) => props.colour(c.key ?? '', i)),
        )}
      />
    </Card>
  );
}
