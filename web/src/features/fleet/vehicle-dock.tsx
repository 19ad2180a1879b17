/**
 * The focused vehicle's dock in its panel: lid, charger and cycle state live, and the dock's
 * commands, so a pilot can open the lid before "Take off" instead of being refused.
 */
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { LoadError, useLoad } from '../../lib/load/index.ts';
import { useCan } from '../auth/session.ts';
import { DockControls } from '../dispatch/dock-controls.tsx';
import { useDockLive } from '../dispatch/use-dock-live.ts';

export function VehicleDock({ dockId }: { dockId: string }) {
  const { t } = useTranslation();
  const dock = useLoad(() => api.get<{ id: string; name: string }>(`/api/docks/${dockId}`), [dockId]);
  const live = useDockLive(dockId);
  const canRun = useCan('docks.command');
  const canPrepare = useCan('docks.prepare');
  const canCommand = canRun || canPrepare;
  const s = live?.status ?? null;
  const name = dock.data?.name ?? dockId.slice(0, 8);
  return (
    <div
      className="vehicle-dock"
      data-testid="vehicle-dock"
      data-dock-id={dockId}
      data-lid={s?.lid ?? 'unknown'}
    >
      <div className="panel-section-title">
        {t('fleet.dock.title')} · {name}{' '}
        {live && !live.online ? <Tag color="default">{t('fleet.dock.offline')}</Tag> : null}
      </div>
      {dock.status === 'failed' ? (
        <LoadError compact id="dock" what={t('fleet.dock.title')} error={dock.error} onRetry={dock.retry} />
      ) : null}
      <div className="panel-row">
        <span className="panel-label">{t('fleet.dock.state')}</span>
        <span className="panel-value">
          {s ? t(`dispatch.dockStates.${s.state}`, s.state) : t('fleet.dock.unknown')}
        </span>
      </div>
      <div className="panel-row">
        <span className="panel-label">{t('fleet.dock.lid')}</span>
        <span className="panel-value" data-testid="vehicle-dock-lid">
          {s ? t(`dispatch.lid.${s.lid}`, s.lid) : '—'}
        </span>
      </div>
      <div className="panel-row">
        <span className="panel-label">{t('fleet.dock.charger')}</span>
        <span className="panel-value">{s ? t(`dispatch.charger.${s.charger}`, s.charger) : '—'}</span>
      </div>
      {canCommand ? (
        <DockControls dockId={dockId} dockName={name} online={live?.online ?? false} />
      ) : (
        <div className="fleet-muted">{t('fleet.dock.dispatcherOnly')}</div>
      )}
    </div>
  );
}
