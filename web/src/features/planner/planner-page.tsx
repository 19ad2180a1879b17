/**
 * The 2D route planner: draw a waypoint route, survey polygon, corridor or orbit on the map,
 * see the missions library's checks while editing (listed, and marked on the map at the item
 * they are about), save it, schedule it or launch it now from the take-off dock chosen at the
 * top — or launch it on an aircraft without a dock, checked from where that aircraft stands
 * (`/planner?vehicle=<id>` opens with it chosen); import and export .plan, GeoJSON and KML. Administrators also draw the no-fly zones the
 * checks use.
 *
 * The page holds the editing state and wires the parts: data (use-planner-data), the map
 * (use-planner-map, planner-overlay), the toolbar and the side panel's sections.
 */

import { type Home, parseAerieRoute, parseRouteFile } from '@aerie/missions';
import { App, Empty } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { errorText } from '../../lib/errors.ts';
import { LoadError } from '../../lib/load/index.ts';
import { useCan } from '../auth/session.ts';
import { getRoute, saveRoute, zoneOf } from './api.ts';
import { checkRoute } from './checks.ts';
import {
  applyEdit,
  buildRoute,
  type Draft,
  draftFromRoute,
  emptyDraft,
  fitSettings,
  type PatternKind,
} from './draft.ts';
import { IssueList } from './issue-list.tsx';
import { issueTitle } from './issue-text.ts';
import { plannerOverlay } from './planner-overlay.ts';
import { PlannerToolbar } from './planner-toolbar.tsx';
import { RouteActions } from './route-actions.tsx';
import { type ExportFormat, exportRoute } from './route-files.ts';
import { RouteHeader } from './route-header.tsx';
import { RouteSummary } from './route-summary.tsx';
import { SchedulePanel } from './schedule-panel.tsx';
import { SettingsPanel } from './settings-panel.tsx';
import type { Handle } from './tool.ts';
import { useMapEditor } from './use-map-editor.ts';
import { usePlannerData } from './use-planner-data.ts';
import { usePlannerMap } from './use-planner-map.ts';
import { type ZoneDraft, ZonePanel } from './zone-panel.tsx';
import './planner.css';

/**
 * A new pattern keeps what was drawn where it still makes sense (a polygon's corners as
 * waypoints...), and the settings it can take (a survey drops the route-wide photo capture).
 */
function switchPattern(draft: Draft, p: PatternKind): Draft {
  const next: Draft = {
    ...emptyDraft(p, fitSettings(p, draft.settings)),
    points: p === 'orbit' ? [] : draft.points,
  };
  if (p === 'orbit' && draft.points.length > 0) {
    const n = draft.points.length;
    next.center = draft.points.reduce((a, q) => ({ lat: a.lat + q.lat / n, lon: a.lon + q.lon / n }), {
      lat: 0,
      lon: 0,
    });
  }
  return next;
}

export default function PlannerPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canWrite = useCan('routes.write');
  const canZones = useCan('zones.write');
  const container = useRef<HTMLDivElement>(null);
  const data = usePlannerData();

  const [params] = useSearchParams();
  // The take-off site: a dock (the first until one is picked) or a dock-less aircraft.
  const [site, setSite] = useState<{ kind: 'dock' | 'vehicle'; id: string } | null>(() => {
    const v = params.get('vehicle');
    return v ? { kind: 'vehicle', id: v } : null;
  });
  const [draft, setDraft] = useState<Draft>(() => emptyDraft('survey'));
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<Handle | null>(null);
  const [zoneDraft, setZoneDraft] = useState<ZoneDraft | null>(null);
  const [savedRouteId, setSavedRouteId] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const docks = data.docks.data ?? [];
  const zones = data.zones.data ?? [];
  const vehicle =
    site?.kind === 'vehicle' ? ((data.vehicles.data ?? []).find((v) => v.id === site.id) ?? null) : null;
  const dock = site?.kind === 'vehicle' ? null : (docks.find((d) => d.id === site?.id) ?? docks[0] ?? null);
  const home: Home | undefined = useMemo(() => {
    if (vehicle) return vehicle.home ?? undefined;
    return dock ? { lat: dock.latDeg, lon: dock.lonDeg, altAmslM: dock.altAmslM } : undefined;
  }, [dock, vehicle]);
  const built = useMemo(() => buildRoute(draft, name || t('planner.title'), home), [draft, name, home, t]);
  const check = useMemo(
    () =>
      built.ok ? checkRoute(built.route, { ...(home ? { home } : {}), zones: zones.map(zoneOf) }) : null,
    [built, home, zones],
  );

  const active = zoneDraft ? zoneDraft.draft : draft;
  const setActive = (d: Draft) => {
    if (zoneDraft) setZoneDraft((z) => (z ? { ...z, draft: d } : z));
    else {
      setDraft(d);
      setSavedRouteId(null);
    }
  };
  const editor = useMapEditor({ draft: active, setDraft: setActive, onSelect: setSelected, enabled: true });

  const overlay = useMemo(
    () =>
      plannerOverlay({
        draft,
        active,
        zoneDraft,
        selected,
        built,
        check,
        home,
        zones,
        docks,
        issueTitle: (i) => issueTitle(t, i),
      }),
    [draft, active, zoneDraft, selected, built, check, home, zones, docks, t],
  );
  const map = usePlannerMap({
    container,
    imagery: data.imagery.status === 'loading' ? undefined : (data.imagery.data ?? null),
    center: home ? { lat: home.lat, lon: home.lon } : null,
    onPointer: editor.onPointer,
    onContext: editor.onContext,
    overlay,
  });

  function pickTool(p: PatternKind): void {
    if (p === draft.pattern) return;
    setDraft(switchPattern(draft, p));
    setSelected(null);
    setSavedRouteId(null);
  }

  async function onSave(): Promise<void> {
    if (!built.ok) return;
    if (!name.trim()) {
      message.error(t('planner.actions.nameRequired'));
      return;
    }
    if (check && !check.flyable) {
      message.error(t('planner.actions.saveBlocked'));
      return;
    }
    setSaving(true);
    try {
      const r = await saveRoute(name.trim(), { ...built.route, name: name.trim() }, draft);
      setSavedRouteId(r.id);
      data.routes.update((cur) => [...cur.filter((x) => x.id !== r.id), r]);
      message.success(t('planner.actions.saved'));
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setSaving(false);
    }
  }

  /** Opens a saved route: its waypoints become an editable route, and it can be scheduled or launched as saved. */
  async function onOpen(id: string): Promise<void> {
    try {
      const rec = await getRoute(id);
      const r = parseAerieRoute(rec.route);
      if (!r.ok) {
        message.error(t('planner.importError', { message: r.error.message }));
        return;
      }
      const d = draftFromRoute(r.route);
      setDraft(d);
      setName(rec.name);
      setSelected(null);
      setSavedRouteId(rec.id);
      map?.fit(d.points);
    } catch (err) {
      message.error(errorText(t, err));
    }
  }

  async function onImport(file: File): Promise<void> {
    const r = parseRouteFile(await file.text(), file.name);
    if (!r.ok) {
      message.error({ content: t('planner.importError', { message: r.error.message }), duration: 8 });
      return;
    }
    const d = draftFromRoute(r.route);
    setDraft(d);
    setName(r.route.name);
    setSelected(null);
    setSavedRouteId(null);
    map?.fit(d.points);
    message.success(t('planner.imported', { name: r.route.name, format: r.format, count: d.points.length }));
  }

  function onExport(format: ExportFormat): void {
    if (built.ok) exportRoute({ ...built.route, name: name || built.route.name }, format);
  }

  return (
    <div className="planner">
      <div className="planner-map-wrap">
        <div ref={container} className="planner-map" data-testid="planner-map" />
        <PlannerToolbar
          pattern={draft.pattern}
          editingZone={zoneDraft !== null}
          onPattern={pickTool}
          canDelete={selected?.kind === 'vertex'}
          onDelete={() => {
            if (selected?.kind !== 'vertex') return;
            setActive(applyEdit(active, { type: 'remove', index: selected.index }));
            setSelected(null);
          }}
          onFit={() => map?.fit(built.ok ? built.paths.flat() : active.points)}
          onClear={() => setActive({ ...emptyDraft(active.pattern, active.settings) })}
        />
        <div className="planner-hint">{t(`planner.hint.${zoneDraft ? 'zone' : draft.pattern}`)}</div>
      </div>
      <aside className="planner-side">
        <RouteHeader
          name={name}
          onName={setName}
          routes={data.routes}
          savedRouteId={savedRouteId}
          onOpen={(id) => void onOpen(id)}
          docks={data.docks}
          dockId={dock?.id ?? null}
          onDock={(id) => setSite({ kind: 'dock', id })}
          vehicles={data.vehicles}
          vehicleId={vehicle?.id ?? (site?.kind === 'vehicle' ? site.id : null)}
          onVehicle={(id) => setSite({ kind: 'vehicle', id })}
        />
        <section>
          <h4>{t('planner.settings.title')}</h4>
          <SettingsPanel
            draft={draft}
            onChange={(d) => {
              // A changed setting (the photo capture too) is not what was saved: save it again to fly it.
              setDraft(d);
              setSavedRouteId(null);
            }}
          />
        </section>
        <RouteSummary built={built} check={check} active={active} />
        {data.zones.status === 'failed' ? (
          <section>
            <LoadError
              id="zones"
              what={t('planner.load.zones')}
              error={data.zones.error}
              onRetry={data.zones.retry}
            />
          </section>
        ) : null}
        <IssueList check={check} onFocus={(at) => map?.fit([at], 17)} />
        <RouteActions
          canSave={canWrite && built.ok}
          canExport={built.ok}
          saving={saving}
          onSave={() => void onSave()}
          onImport={(f) => void onImport(f)}
          onExport={onExport}
        />
        <section>
          <h4>{t('planner.schedule.title')}</h4>
          {savedRouteId ? (
            <SchedulePanel
              routeId={savedRouteId}
              dock={dock}
              vehicle={vehicle}
              flyable={check?.flyable ?? false}
              routeName={name.trim()}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('planner.schedule.needSave')} />
          )}
        </section>
        <section>
          <ZonePanel
            zones={zones}
            canEdit={canZones}
            editing={zoneDraft}
            onEdit={(z) => {
              setZoneDraft(z);
              setSelected(null);
            }}
            onChanged={data.zones.retry}
            onFocus={(pts) => map?.fit(pts)}
          />
        </section>
      </aside>
    </div>
  );
}
