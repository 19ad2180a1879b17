/**
 * Statistics: missions, sorties, flight hours and kilometres flown per day, week or month over
 * a date range (Beijing calendar days), in total, per dock and per aircraft. Three requests to
 * `GET /api/stats` (not grouped, by dock, by vehicle); the ungrouped one has every bucket, so
 * the grouped series are laid over its labels.
 */
import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Empty,
  Segmented,
  Space,
  Spin,
  Statistic,
  Table,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { EChart } from '../../lib/charts/echart.tsx';
import { LoadError } from '../../lib/load/index.ts';
import { DISPLAY_TIME_ZONE, dayRange, displayDayAsPickerValue } from '../flightlogs/display-time.ts';
import { formatPercent } from '../flightlogs/format.ts';
import { groupChart, metricChart } from './stats-charts.ts';
import {
  bucketLabel,
  defaultSpanDays,
  type GroupSeries,
  metricDigits,
  metricValue,
  pivotGroups,
  STATS_METRICS,
  type StatsBucket,
  type StatsGroupBy,
  type StatsMetric,
  type StatsResponse,
  spansYears,
} from './stats-model.ts';
import { TicketStatsSection } from './ticket-stats.tsx';
import './stats.css';

const BUCKETS: StatsBucket[] = ['day', 'week', 'month'];
/** The grouped cards under the charts: the grouping, its title and the name of "no group". */
const GROUP_CARDS = [
  { groupBy: 'dock', title: 'stats.byDock', unnamed: 'stats.noDock' },
  { groupBy: 'vehicle', title: 'stats.byVehicle', unnamed: null },
] as const;

/** A metric's unit; English counts have none, and i18next reads an empty string as missing. */
function unitOf(t: TFunction, m: StatsMetric): string {
  return t(`stats.units.${m}`, { defaultValue: '' });
}

interface Answers {
  none: StatsResponse;
  dock: StatsResponse;
  vehicle: StatsResponse;
}

function fetchStats(range: { from: string; to: string }, bucket: StatsBucket, groupBy: StatsGroupBy) {
  return api.get<StatsResponse>('/api/stats', { ...range, bucket, groupBy, tz: DISPLAY_TIME_ZONE });
}

export default function StatsPage() {
  const { t, i18n } = useTranslation();
  const [bucket, setBucket] = useState<StatsBucket>('day');
  // "Today" is the command centre's calendar day, which may not be the browser's.
  const today = useMemo(() => displayDayAsPickerValue(Date.now()), []);
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [
    today.subtract(defaultSpanDays('day') - 1, 'day'),
    today,
  ]);
  const [answers, setAnswers] = useState<Answers | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    // `reload` changes when the user asks for fresh figures.
    void reload;
    let live = true;
    setLoading(true);
    const span = dayRange(range[0], range[1]);
    Promise.all([
      fetchStats(span, bucket, 'none'),
      fetchStats(span, bucket, 'dock'),
      fetchStats(span, bucket, 'vehicle'),
    ])
      .then(([none, dock, vehicle]) => {
        if (!live) return;
        setAnswers({ none, dock, vehicle });
        setError(null);
      })
      .catch((err: unknown) => live && setError(err))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [range, bucket, reload]);

  const ticketSpan = useMemo(() => dayRange(range[0], range[1]), [range]);
  const rawLabels = useMemo(() => answers?.none.buckets.map((b) => b.label) ?? [], [answers]);
  const labels = useMemo(() => {
    const withYear = spansYears(rawLabels);
    return rawLabels.map((l) => bucketLabel(l, answers?.none.bucket ?? bucket, i18n.language, withYear));
  }, [rawLabels, answers, bucket, i18n.language]);

  const unit = (m: StatsMetric) => unitOf(t, m);
  const totals = answers?.none.totals;
  const empty = totals !== undefined && totals.sorties === 0;

  return (
    <div className="page report-page" data-testid="stats-page" data-loading={loading}>
      <div className="report-header">
        <div>
          <Typography.Title level={3} className="report-title">
            {t('stats.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('stats.subtitle')}</Typography.Text>
        </div>
        <Space wrap>
          <span
            data-testid="stats-range"
            data-from={range[0].format('YYYY-MM-DD')}
            data-to={range[1].format('YYYY-MM-DD')}
          >
            <DatePicker.RangePicker
              aria-label={t('stats.range')}
              allowClear={false}
              value={range}
              disabledDate={(d) => d.isAfter(today, 'day')}
              presets={[
                { label: t('stats.presets.last7'), value: [today.subtract(6, 'day'), today] },
                { label: t('stats.presets.last30'), value: [today.subtract(29, 'day'), today] },
                { label: t('stats.presets.last90'), value: [today.subtract(89, 'day'), today] },
                { label: t('stats.presets.thisYear'), value: [today.startOf('year'), today] },
              ]}
              onChange={(v) => {
                if (v?.[0] && v[1]) setRange([v[0], v[1]]);
              }}
            />
          </span>
          <Segmented
            data-testid="stats-bucket"
            aria-label={t('stats.bucket.label')}
            value={bucket}
            options={BUCKETS.map((b) => ({ value: b, label: t(`stats.bucket.${b}`) }))}
            onChange={(v) => setBucket(v as StatsBucket)}
          />
          <Button
            icon={<ReloadOutlined />}
            onClick={() => setReload((n) => n + 1)}
            aria-label={t('common.actions.refresh')}
          />
        </Space>
      </div>

      {error !== null && (
        <div className="report-alert">
          <LoadError
            id="stats"
            what={t('stats.load')}
            error={error}
            onRetry={() => setReload((n) => n + 1)}
          />
        </div>
      )}

      <div className="stats-totals">
        {STATS_METRICS.map((m) => (
          <Card
            key={m}
            size="small"
            className="stats-card"
            data-testid={`stats-total-${m}`}
            data-value={totals ? metricValue(totals, m) : ''}
          >
            <Statistic
              title={t(`stats.metrics.${m}`)}
              value={totals ? metricValue(totals, m) : '—'}
              precision={totals ? metricDigits(m) : undefined}
              suffix={totals ? unit(m) : undefined}
              loading={!answers && loading}
            />
          </Card>
        ))}
        <Card
          size="small"
          className="stats-card"
          data-testid="stats-coverage"
          data-value={answers?.none.coverage.meanShare ?? ''}
        >
          <Statistic
            title={t('stats.coverage.title')}
            value={answers ? formatPercent(answers.none.coverage.meanShare) : '—'}
            suffix={
              answers ? (
                <span className="stats-coverage-n">
                  {t('stats.coverage.sorties', { count: answers.none.coverage.sorties })}
                </span>
              ) : undefined
            }
            loading={!answers && loading}
          />
        </Card>
      </div>

      {empty && !loading && <Alert className="report-alert" type="info" showIcon title={t('stats.empty')} />}

      <Spin spinning={loading && answers !== null}>
        <div className="stats-grid">
          {STATS_METRICS.map((m) => (
            <Card key={m} size="small" className="stats-card" title={t(`stats.chartTitle.${m}`)}>
              <EChart
                data-testid={`stats-chart-${m}`}
                data-points={labels.length}
                height={240}
                option={metricChart(
                  m,
                  labels,
                  answers?.none.buckets.map((b) => metricValue(b, m)) ?? [],
                  t(`stats.metrics.${m}`),
                  unit(m),
                  metricDigits(m),
                )}
              />
            </Card>
          ))}
        </div>
        <div className="stats-grid">
          {GROUP_CARDS.map((g) => (
            <GroupCard
              key={g.groupBy}
              testId={`stats-by-${g.groupBy}`}
              title={t(g.title)}
              answer={answers?.[g.groupBy]}
              rawLabels={rawLabels}
              labels={labels}
              unnamed={g.unnamed ? t(g.unnamed) : '—'}
            />
          ))}
        </div>
      </Spin>
      <TicketStatsSection span={ticketSpan} reload={reload} />
    </div>
  );
}

function GroupCard(props: {
  testId: string;
  title: string;
  answer: StatsResponse | undefined;
  rawLabels: string[];
  labels: string[];
  unnamed: string;
}) {
  const { t } = useTranslation();
  const [metric, setMetric] = useState<StatsMetric>('sorties');
  const groups = useMemo(
    () => pivotGroups(props.rawLabels, props.answer?.buckets ?? [], metric, props.unnamed),
    [props.rawLabels, props.answer, metric, props.unnamed],
  );
  const unit = unitOf(t, metric);
  const digits = metricDigits(metric);
  return (
    <Card
      size="small"
      className="stats-card"
      title={props.title}
      data-testid={props.testId}
      data-groups={groups.length}
      extra={
        <Segmented
          size="small"
          aria-label={t('stats.metric')}
          value={metric}
          options={STATS_METRICS.map((m) => ({ value: m, label: t(`stats.metrics.${m}`) }))}
          onChange={(v) => setMetric(v as StatsMetric)}
        />
      }
    >
      {groups.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('stats.empty')} />
      ) : (
        <>
          <EChart height={260} option={groupChart(props.labels, groups, unit, digits)} />
          <Table<GroupSeries>
            size="small"
            className="stats-table"
            rowKey={(g) => g.id ?? '-'}
            dataSource={groups}
            pagination={groups.length > 8 ? { pageSize: 8, size: 'small' } : false}
            columns={[
              { key: 'name', title: t('stats.group'), dataIndex: 'name' },
              ...STATS_METRICS.map((m) => ({
                key: m,
                title: `${t(`stats.metrics.${m}`)}${unitOf(t, m) ? ` (${unitOf(t, m)})` : ''}`,
                align: 'right' as const,
                render: (_: unknown, g: GroupSeries) => (
                  <span className={m === metric ? 'stats-num stats-num-active' : 'stats-num'}>
                    {metricValue(g.total, m).toFixed(metricDigits(m))}
                  </span>
                ),
                sorter: (a: GroupSeries, b: GroupSeries) => metricValue(a.total, m) - metricValue(b.total, m),
              })),
            ]}
          />
        </>
      )}
    </Card>
  );
}
