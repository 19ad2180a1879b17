/**
 * The top of the planner's side panel: the route's name, a saved route to open, and the
 * take-off dock — the one dock choice the checks, the schedule and "launch now" all use.
 */
import { Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Load, LoadError } from '../../lib/load/index.ts';
import type { DockRecord, RouteRecord } from './api.ts';

export function RouteHeader(p: {
  name: string;
  onName(name: string): void;
  routes: Load<RouteRecord[]>;
  savedRouteId: string | null;
  onOpen(id: string): void;
  docks: Load<DockRecord[]>;
  dockId: string | null;
  onDock(id: string): void;
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
      <div className="planner-row">
        <span className="planner-label">{t('planner.open')}</span>
        {p.routes.status === 'failed' ? (
          <LoadError
            compact
            id="routes"
            what={t('planner.load.routes')}
            error={p.routes.error}
            onRetry={p.routes.retry}
          />
        ) : (
          <Select
            size="small"
            style={{ flex: 1 }}
            loading={p.routes.status === 'loading'}
            value={p.savedRouteId ?? undefined}
            placeholder={t('planner.openPlaceholder')}
            onChange={(v: string) => p.onOpen(v)}
            options={(p.routes.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="planner-open"
          />
        )}
      </div>
      <div className="planner-row">
        <span className="planner-label">{t('planner.dock')}</span>
        {p.docks.status === 'failed' ? (
          <LoadError
            compact
            id="docks"
            what={t('planner.load.docks')}
            error={p.docks.error}
            onRetry={p.docks.retry}
          />
        ) : (
          <Select
            size="small"
            style={{ flex: 1 }}
            loading={p.docks.status === 'loading'}
            value={p.dockId ?? undefined}
            placeholder={p.docks.data?.length === 0 ? t('planner.noDocks') : t('planner.noDock')}
            onChange={(v: string) => p.onDock(v)}
            options={(p.docks.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
            data-testid="planner-dock"
          />
        )}
      </div>
    </section>
  );
}
