/**
 * The top of the planner's side panel: the route's name, a saved route to open, and the
 * take-off site — a dock, or an aircraft without one — the one choice the checks, the schedule
 * and "launch now" all use.
 */
import { Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Load, LoadSelect, type LoadSelectProps } from '../../lib/load/index.ts';
import type { DocklessVehicle, DockRecord, RouteRecord } from './api.ts';
import { captureEvery, captureOfRouteJson } from './capture-form.ts';

export function RouteHeader(p: {
  name: string;
  onName(name: string): void;
  routes: Load<RouteRecord[]>;
  savedRouteId: string | null;
  onOpen(id: string): void;
  docks: Load<DockRecord[]>;
  dockId: string | null;
  onDock(id: string): void;
  vehicles: Load<DocklessVehicle[]>;
  vehicleId: string | null;
  onVehicle(id: string): void;
}) {
  const { t } = useTranslation();
  return (
    <section>
      <Input
        data-testid="route-name"
        placeholder={t('planner.routeNamePlaceholder')}
        value={p.name}
        onChange={(e) => p.onName(e.target.value)}
        aria-label={t('planner.routeName')}
      />
      <SelectRow
        label={t('planner.open')}
        load={p.routes}
        id="routes"
        what={t('planner.load.routes')}
        value={p.savedRouteId}
        placeholder={t('planner.openPlaceholder')}
        onChange={p.onOpen}
        optionLabel={(item) => {
          // Routes that take stills all the way say how often.
          const capture = captureOfRouteJson(item.route);
          if (!capture) return item.name;
          const { kind, n } = captureEvery(capture);
          return t('planner.routeWithCapture', {
            name: item.name,
            every: t(`planner.captureEvery.${kind}`, { n }),
          });
        }}
        showSearch={{ optionFilterProp: 'label' }}
        data-testid="planner-open"
      />
      <SelectRow
        label={t('planner.dock')}
        load={p.docks}
        id="docks"
        what={t('planner.load.docks')}
        value={p.dockId}
        placeholder={p.docks.data?.length === 0 ? t('planner.noDocks') : t('planner.noDock')}
        onChange={p.onDock}
        data-testid="planner-dock"
      />
      {p.vehicles.status === 'failed' || (p.vehicles.data?.length ?? 0) > 0 ? (
        <SelectRow
          label={t('planner.docklessVehicle')}
          load={p.vehicles}
          id="dockless-vehicles"
          what={t('planner.load.vehicles')}
          value={p.vehicleId}
          placeholder={t('planner.docklessPlaceholder')}
          onChange={p.onVehicle}
          data-testid="planner-vehicle"
        />
      ) : null}
    </section>
  );
}

/** One labelled row with a select of loaded records. */
function SelectRow<T extends { id: string; name: string }>({
  label,
  ...select
}: { label: string } & LoadSelectProps<T>) {
  return (
    <div className="planner-row">
      <span className="planner-label">{label}</span>
      <LoadSelect {...select} size="small" style={{ flex: 1 }} />
    </div>
  );
}
