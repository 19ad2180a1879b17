/** One dock on the board: readiness, lid, charger, parked aircraft's battery, weather, faults. */
import { Tag, Tooltip } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { dockReadiness } from './board-model.ts';
import type { DockLive } from './dispatch-api.ts';

const READINESS_COLORS = {
  ready: 'green',
  charging: 'blue',
  busy: 'gold',
  fault: 'red',
  grounded: 'volcano',
  offline: 'default',
  unknown: 'default',
} as const;

export function DockCard({
  id,
  name,
  live,
  time,
  controls,
}: {
  id: string;
  name: string;
  live: DockLive | undefined;
  time: Intl.DateTimeFormat;
  /** The dock's commands, for roles that may send them. */
  controls?: ReactNode;
}) {
  const { t } = useTranslation();
  const s = live?.status ?? null;
  const readiness = dockReadiness(live?.online ?? false, s);
  return (
    <div
      className={`dock-card dock-card-${readiness}`}
      data-testid={`dock-card-${id}`}
      data-state={live?.online ? (s?.state ?? 'unknown') : 'offline'}
      data-lid={s?.lid ?? 'unknown'}
      data-charger={s?.charger ?? 'unknown'}
      data-readiness={readiness}
    >
      <div className="dock-card-top">
        <b>{name}</b>
        <Tag color={READINESS_COLORS[readiness]}>{t(`dispatch.readiness.${readiness}`)}</Tag>
      </div>
      {s ? (
        <>
          <div className="dispatch-muted">{t(`dispatch.dockStates.${s.state}`, s.state)}</div>
          <div className="dock-card-grid">
            <span>{t('dispatch.lid.label')}</span>
            <span className={s.lid === 'jammed' ? 'dispatch-bad' : ''}>
              {t(`dispatch.lid.${s.lid}`, s.lid)}
            </span>
            <span>{t('dispatch.charger.label')}</span>
            <span className={s.charger === 'fault' ? 'dispatch-bad' : ''}>
              {t(`dispatch.charger.${s.charger}`, s.charger)}
            </span>
            <span>{t('dispatch.battery')}</span>
            <span data-testid={`dock-battery-${id}`}>
              {s.aircraftParked && s.aircraftBatteryPct !== null
                ? `${Math.round(s.aircraftBatteryPct)}%`
                : t('dispatch.noAircraft')}
            </span>
            <span>{t('dispatch.wind')}</span>
            <span>
              {s.windSpeedMps.toFixed(1)} m/s ({t('dispatch.gust')} {s.windGustMps.toFixed(1)})
            </span>
            <span>{t('dispatch.rain')}</span>
            <span>{s.rainMmPerH.toFixed(1)} mm/h</span>
            <span>{t('dispatch.temperature')}</span>
            <span>{s.temperatureC.toFixed(0)} °C</span>
          </div>
          {s.faults.length > 0 ? (
            <div className="dispatch-bad">
              {s.faults.map((f) => (
                <Tag key={f} color="red">
                  {t(`dispatch.faults.${f}`, f)}
                </Tag>
              ))}
            </div>
          ) : null}
          {live?.updatedAtMs ? (
            <Tooltip title={new Date(live.updatedAtMs).toISOString()}>
              <div className="dispatch-muted dock-card-time">
                {t('dispatch.lastHeard', { time: time.format(live.updatedAtMs) })}
              </div>
            </Tooltip>
          ) : null}
        </>
      ) : (
        <div className="dispatch-muted">{t(`dispatch.readiness.${readiness}`)}</div>
      )}
      {controls}
    </div>
  );
}
