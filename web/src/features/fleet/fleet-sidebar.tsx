/**
 * Every vehicle with its status (link, mode, armed, battery, link quality), filterable and
 * sortable. Rows re-render only when what they show changes, not on every position update.
 */
import { SearchOutlined } from '@ant-design/icons';
import { Badge, Empty, Input, Progress, Segmented, Select, Tooltip } from 'antd';
import { memo, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type FleetVehicleSnapshot, setFocus, useFleet } from '../../live/fleet-model.ts';
import { type FleetFilter, type FleetSort, isFlying, linkQualityPct, listFleet } from './fleet-list.ts';
import { modeLabel } from './mode-names.ts';
import { useAgo, useNow } from './use-now.ts';

function batteryColor(pct: number | null | undefined): string {
  if (typeof pct !== 'number') return 'var(--aerie-muted)';
  if (pct < 15) return 'var(--aerie-danger)';
  if (pct < 30) return 'var(--aerie-warn)';
  return 'var(--aerie-ok)';
}

interface RowProps {
  v: FleetVehicleSnapshot;
  focused: boolean;
  /** Whole seconds since last heard, so the row re-renders once a second at most while offline. */
  offlineAgo: string | null;
}

const FleetRow = memo(
  function FleetRow({ v, focused, offlineAgo }: RowProps) {
    const { t } = useTranslation();
    const s = v.state;
    const battery = s?.batteryPct;
    const link = linkQualityPct(v);
    const flying = isFlying(v);
    return (
      <button
        type="button"
        className={`fleet-row${focused ? ' fleet-row-focused' : ''}${v.online ? '' : ' fleet-row-offline'}`}
        data-testid={`fleet-row-${v.vehicleId}`}
        data-online={String(v.online)}
        data-mode={s?.mode ?? ''}
        data-armed={String(s?.armed === true)}
        data-battery={typeof battery === 'number' ? String(Math.round(battery)) : ''}
        onClick={() => void setFocus(focused ? null : v.vehicleId)}
      >
        <div className="fleet-row-main">
          {/* A still dot: antd's pulsing 'processing' dot, once per flying aircraft, kept the
              compositor redrawing the whole page at the display rate. */}
          {flying && v.online ? (
            <Badge color="#1677ff" />
          ) : (
            <Badge status={v.online ? 'success' : 'default'} />
          )}
          <span className="fleet-row-name">{v.name}</span>
          <span className={`fleet-chip${s?.armed ? ' fleet-chip-armed' : ''}`}>
            {s?.armed ? t('fleet.status.armed') : t('fleet.status.disarmed')}
          </span>
        </div>
        <div className="fleet-row-sub">
          <span className="fleet-mode" title={s?.mode}>
            {v.online ? modeLabel(t, s?.mode) : t('fleet.status.offline')}
          </span>
          {offlineAgo && <span className="fleet-muted">{offlineAgo}</span>}
          {v.online && (
            <Tooltip title={t('fleet.status.link')}>
              <span className="fleet-link" data-quality={link ?? ''}>
                <LinkBars pct={link} />
              </span>
            </Tooltip>
          )}
          <span className="fleet-battery">
            <Progress
              percent={typeof battery === 'number' ? Math.round(battery) : 0}
              size={[56, 6]}
              showInfo={false}
              strokeColor={batteryColor(battery)}
            />
            <span style={{ color: batteryColor(battery) }}>
              {typeof battery === 'number' ? `${Math.round(battery)}%` : '—'}
            </span>
          </span>
        </div>
      </button>
    );
  },
  (a, b) =>
    a.focused === b.focused &&
    a.offlineAgo === b.offlineAgo &&
    a.v.name === b.v.name &&
    a.v.online === b.v.online &&
    a.v.state?.mode === b.v.state?.mode &&
    a.v.state?.armed === b.v.state?.armed &&
    a.v.state?.landed === b.v.state?.landed &&
    Math.round(a.v.state?.batteryPct ?? -1) === Math.round(b.v.state?.batteryPct ?? -1) &&
    Math.round(a.v.state?.link?.lossPct ?? -1) === Math.round(b.v.state?.link?.lossPct ?? -1),
);

function LinkBars({ pct }: { pct: number | null }) {
  const bars = pct === null ? 0 : pct >= 95 ? 4 : pct >= 80 ? 3 : pct >= 50 ? 2 : pct > 0 ? 1 : 0;
  return (
    <span className="fleet-bars" title={pct === null ? '' : `${Math.round(pct)}%`}>
      {[1, 2, 3, 4].map((i) => (
        <i key={i} className={i <= bars ? 'on' : ''} style={{ height: 3 + i * 2 }} />
      ))}
    </span>
  );
}

export function FleetSidebar() {
  const { t } = useTranslation();
  const fleet = useFleet();
  const now = useNow(1000);
  const ago = useAgo();
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<FleetFilter>('all');
  const [sort, setSort] = useState<FleetSort>('name');
  const rows = useMemo(
    () => listFleet(fleet.vehicles, { text, filter, sort, modeText: (m) => modeLabel(t, m) }),
    [fleet.vehicles, text, filter, sort, t],
  );
  const onlineCount = fleet.vehicles.filter((v) => v.online).length;

  return (
    <section className="floating-panel fleet-sidebar" data-testid="fleet-sidebar">
      <header className="fleet-sidebar-head">
        <span className="fleet-title">{t('fleet.sidebar.title')}</span>
        <span className="fleet-muted">
          <span data-testid="fleet-count">{rows.length}</span>
          {` / ${fleet.vehicles.length} · ${t('fleet.sidebar.online')} ${onlineCount}`}
        </span>
      </header>
      <div className="fleet-controls">
        <Input
          allowClear
          size="small"
          prefix={<SearchOutlined />}
          placeholder={t('fleet.sidebar.filter')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="fleet-filter"
        />
        <div className="fleet-controls-row">
          <Segmented
            size="small"
            value={filter}
            onChange={(v) => setFilter(v as FleetFilter)}
            options={(['all', 'online', 'flying', 'offline'] as const).map((k) => ({
              value: k,
              label: t(`fleet.sidebar.${k}`),
            }))}
          />
          <Select
            size="small"
            value={sort}
            onChange={setSort}
            popupMatchSelectWidth={false}
            aria-label={t('fleet.sidebar.sortBy')}
            options={(['name', 'status', 'battery'] as const).map((k) => ({
              value: k,
              label: t(`fleet.sidebar.sort${k[0]!.toUpperCase()}${k.slice(1)}`),
            }))}
          />
        </div>
      </div>
      <div className="fleet-rows">
        {rows.length === 0 ? (
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={
              fleet.vehicles.length === 0 ? t('fleet.sidebar.noVehicles') : t('fleet.sidebar.empty')
            }
          />
        ) : (
          rows.map((v) => (
            <FleetRow
              key={v.vehicleId}
              v={v}
              focused={fleet.focusedId === v.vehicleId}
              offlineAgo={
                v.online
                  ? null
                  : v.offlineSinceMs !== null
                    ? t('fleet.status.offlineSince', { ago: ago(v.offlineSinceMs, now) })
                    : t('fleet.status.never')
              }
            />
          ))
        )}
      </div>
    </section>
  );
}
