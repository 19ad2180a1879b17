/**
 * Flight logs: every sortie the user may see, newest first, filtered by aircraft, dock and
 * take-off date (Beijing calendar days) and paged by the server. Filters and page live in the
 * URL, so the back button from a replay returns to the same view. A row opens its replay.
 */
import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, DatePicker, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { type HTMLAttributes, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { Page } from '../../lib/api.ts';
import { LoadError } from '../../lib/load/index.ts';
import { listSorties } from './api.ts';
import { dayRange, formatAt } from './display-time.ts';
import { formatDuration, formatKm, formatNumber, formatPercent } from './format.ts';
import { KindTag, StatusTag } from './sortie-tags.tsx';
import type { Sortie } from './types.ts';
import { NO_NAMES, useNamesLoad } from './use-names.ts';
import './flightlogs.css';

const PAGE_SIZES = [20, 50, 100];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The filters by name: the URL parameter, the list of names it picks from, its texts. */
const NAME_FILTERS = [
  {
    param: 'vehicle',
    list: 'vehicles',
    all: 'flightlogs.list.allVehicles',
    label: 'flightlogs.list.vehicle',
  },
  { param: 'dock', list: 'docks', all: 'flightlogs.list.allDocks', label: 'flightlogs.list.dock' },
] as const;

export default function SortieListPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const namesLoad = useNamesLoad();
  const names = namesLoad.data ?? NO_NAMES;
  const [params, setParams] = useSearchParams();
  const vehicleId = params.get('vehicle') ?? undefined;
  const dockId = params.get('dock') ?? undefined;
  const fromDay = DAY.test(params.get('from') ?? '') ? params.get('from')! : null;
  const toDay = DAY.test(params.get('to') ?? '') ? params.get('to')! : null;
  const pageSize = PAGE_SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 20;
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);

  const [data, setData] = useState<Page<Sortie> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);

  const update = useCallback(
    (changes: Record<string, string | undefined>, resetPage = true) => {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      if (resetPage) next.delete('page');
      setParams(next, { replace: true });
    },
    [params, setParams],
  );

  useEffect(() => {
    // `reload` changes when the user asks for fresh figures.
    void reload;
    let live = true;
    setLoading(true);
    const range = fromDay && toDay ? dayRange(dayjs(fromDay), dayjs(toDay)) : undefined;
    listSorties({
      vehicleId,
      dockId,
      from: range?.from,
      to: range?.to,
      limit: pageSize,
      offset: (page - 1) * pageSize,
    })
      .then((p) => {
        if (!live) return;
        setData(p);
        setError(null);
      })
      .catch((err: unknown) => live && setError(err))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [vehicleId, dockId, fromDay, toDay, page, pageSize, reload]);

  const columns = useMemo<ColumnsType<Sortie>>(
    () => [
      {
        key: 'startedAt',
        title: t('flightlogs.columns.startedAt'),
        render: (_, s) => formatAt(s.startedAt ?? s.createdAt),
        width: 170,
      },
      {
        key: 'vehicle',
        title: t('flightlogs.columns.vehicle'),
        render: (_, s) => names.vehicleName.get(s.vehicleId) ?? s.vehicleId.slice(0, 8),
      },
      {
        key: 'dock',
        title: t('flightlogs.columns.dock'),
        render: (_, s) =>
          s.dockId ? (
            (names.dockName.get(s.dockId) ?? s.dockId.slice(0, 8))
          ) : (
            <span className="fl-muted">{t('flightlogs.noDock')}</span>
          ),
      },
      { key: 'kind', title: t('flightlogs.columns.kind'), render: (_, s) => <KindTag kind={s.kind} /> },
      {
        key: 'status',
        title: t('flightlogs.columns.status'),
        render: (_, s) => <StatusTag status={s.status} />,
      },
      {
        key: 'duration',
        title: t('flightlogs.columns.duration'),
        align: 'right',
        render: (_, s) => <span className="fl-num">{formatDuration(s.durationS)}</span>,
      },
      {
        key: 'distance',
        title: t('flightlogs.columns.distance'),
        align: 'right',
        render: (_, s) => <span className="fl-num">{formatKm(s.distanceM)}</span>,
      },
      {
        key: 'maxAlt',
        title: t('flightlogs.columns.maxAlt'),
        align: 'right',
        render: (_, s) => <span className="fl-num">{formatNumber(s.maxAltRelM, 1)}</span>,
      },
      {
        key: 'mission',
        title: t('flightlogs.columns.mission'),
        align: 'center',
        render: (_, s) =>
          s.missionRan ? <CheckOutlined className="fl-ok" aria-label={t('flightlogs.missionRan')} /> : null,
      },
      {
        key: 'coverage',
        title: t('flightlogs.columns.coverage'),
        align: 'right',
        render: (_, s) => (
          <Link
            to={`/sorties/${encodeURIComponent(s.id)}/report`}
            onClick={(e) => e.stopPropagation()}
            className="fl-num"
            data-testid="sortie-report-link"
          >
            {formatPercent(s.coverageShare)}
          </Link>
        ),
      },
      {
        key: 'endReason',
        title: t('flightlogs.columns.endReason'),
        render: (_, s) =>
          s.status === 'running' || s.status === 'planned'
            ? '—'
            : t(`flightlogs.endReason.${s.endReason ?? 'none'}`, { defaultValue: s.endReason ?? '' }),
      },
    ],
    [t, names],
  );

  const range: [Dayjs, Dayjs] | null = fromDay && toDay ? [dayjs(fromDay), dayjs(toDay)] : null;

  return (
    <div className="page report-page">
      <div className="report-header">
        <div>
          <Typography.Title level={3} className="report-title">
            {t('flightlogs.list.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('flightlogs.list.subtitle')}</Typography.Text>
        </div>
      </div>
      <Space wrap className="fl-filters" data-testid="sortie-filters">
        {NAME_FILTERS.map((f) => (
          <Select
            key={f.param}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            className="fl-filter-select"
            placeholder={t(f.all)}
            aria-label={t(f.label)}
            data-testid={`sortie-filter-${f.param}`}
            value={f.param === 'vehicle' ? vehicleId : dockId}
            options={names[f.list].map((n) => ({ value: n.id, label: n.name }))}
            onChange={(v?: string) => update({ [f.param]: v })}
          />
        ))}
        <span data-testid="sortie-filter-date" data-from={fromDay ?? ''} data-to={toDay ?? ''}>
          <DatePicker.RangePicker
            aria-label={t('flightlogs.list.date')}
            placeholder={[t('flightlogs.list.startDate'), t('flightlogs.list.endDate')]}
            value={range}
            onChange={(v) =>
              update({ from: v?.[0]?.format('YYYY-MM-DD'), to: (v?.[1] ?? v?.[0])?.format('YYYY-MM-DD') })
            }
          />
        </span>
        <Button
          onClick={() => update({ vehicle: undefined, dock: undefined, from: undefined, to: undefined })}
        >
          {t('flightlogs.list.clear')}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={() => setReload((n) => n + 1)}>
          {t('common.actions.refresh')}
        </Button>
      </Space>
      {error !== null && (
        <div className="report-alert" data-testid="sortie-error">
          <LoadError
            id="sorties"
            what={t('flightlogs.load.sorties')}
            error={error}
            onRetry={() => setReload((n) => n + 1)}
          />
        </div>
      )}
      {namesLoad.status === 'failed' && (
        <div className="report-alert">
          <LoadError
            compact
            id="names"
            what={t('flightlogs.load.names')}
            error={namesLoad.error}
            onRetry={namesLoad.retry}
          />
        </div>
      )}
      <div data-testid="sortie-table" data-total={data?.total ?? 0} data-loading={loading}>
        <Table<Sortie>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={loading}
          locale={{
            emptyText:
              error !== null
                ? t('common.load.failed', { what: t('flightlogs.load.sorties') })
                : t('flightlogs.list.empty'),
          }}
          onRow={(s) =>
            ({
              'data-testid': `sortie-row-${s.id}`,
              className: 'fl-row',
              onClick: () => navigate(`/sorties/${s.id}`),
            }) as HTMLAttributes<HTMLElement>
          }
          pagination={{
            current: page,
            pageSize,
            total: data?.total ?? 0,
            pageSizeOptions: PAGE_SIZES,
            showSizeChanger: true,
            showTotal: (total) => t('flightlogs.list.total', { count: total }),
            onChange: (p, size) =>
              update(
                { page: p > 1 ? String(p) : undefined, size: size !== 20 ? String(size) : undefined },
                false,
              ),
          }}
        />
      </div>
    </div>
  );
}
