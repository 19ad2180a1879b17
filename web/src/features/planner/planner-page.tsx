/**
 * The 2D route planner: draw a waypoint route, survey polygon, corridor or orbit on the map,
 * see the missions library's checks while editing (listed, and marked on the map at the item
 * they are about), save it, schedule it or launch it now; import and export .plan, GeoJSON and
 * KML. Administrators also draw the no-fly zones the checks use.
 */

import {
  type Home,
  parseAerieRoute,
  parseRouteFile,
  type Route,
  routeToGeoJson,
  routeToKml,
  writeQgcPlan,
} from '@aerie/missions';
import {
  AimOutlined,
  DeleteOutlined,
  DownloadOutlined,
  SaveOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { App, Button, Dropdown, Empty, Input, Segmented, Select, Space, Tag, Tooltip } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/errors.ts';
import { circleRing, type MapLatLon, PlannerMap } from '../../lib/map/planner-map.ts';
import type { ImagerySettings } from '../../lib/map/style.ts';
import { useCan } from '../auth/session.ts';
import {
  type DockRecord,
  getRoute,
  listDocks,
  listRoutes,
  listZones,
  loadSettings,
  type RouteRecord,
  saveRoute,
  type ZoneRecord,
  zoneOf,
} from './api.ts';
import { checkRoute } from './checks.ts';
import {
  applyEdit,
  buildRoute,
  type Draft,
  draftFromRoute,
  emptyDraft,
  PATTERN_KINDS,
  type PatternKind,
  radiusHandle,
} from './draft.ts';
import { formatDistance, formatDuration, formatPct } from './format.ts';
import { SchedulePanel } from './schedule-panel.tsx';
import { SettingsPanel } from './settings-panel.tsx';
import type { Handle } from './tool.ts';
import { useMapEditor } from './use-map-editor.ts';
import { type ZoneDraft, ZonePanel, zoneDraftShape } from './zone-panel.tsx';
import './planner.css';

const DEFAULT_CENTER = { lat: 23.03, lon: 113.15 };

function handlesOf(d: Draft, selected: Handle | null) {
  const same = (h: Handle) => JSON.stringify(h) === JSON.stringify(selected);
  if (d.pattern === 'orbit') {
    if (!d.center) return [];
    const r = radiusHandle(d)!;
    return [
      { at: d.center, handle: { kind: 'center' } as Handle, selected: same({ kind: 'center' }) },
      { at: r, handle: { kind: 'radius' } as Handle, selected: same({ kind: 'radius' }) },
    ];
  }
  return d.points.map((p, index) => {
    const handle: Handle = { kind: 'vertex', index };
    return { at: p, handle, selected: same(handle) };
  });
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export default function PlannerPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canWrite = useCan('routes.write');
  const canZones = useCan('zones.write');
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<PlannerMap | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const [imagery, setImagery] = useState<ImagerySettings | null | undefined>(undefined);
  const [docks, setDocks] = useState<DockRecord[]>([]);
  const [zones, setZones] = useState<ZoneRecord[]>([]);
  const [dockId, setDockId] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(() => emptyDraft('survey'));
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<Handle | null>(null);
  const [zoneDraft, setZoneDraft] = useState<ZoneDraft | null>(null);
  const [savedRouteId, setSavedRouteId] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [savedRoutes, setSavedRoutes] = useState<RouteRecord[]>([]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once when the page opens
  useEffect(() => {
    void loadSettings().then(setImagery);
    listDocks()
      .then((d) => {
        setDocks(d);
        setDockId((cur) => cur ?? d[0]?.id ?? null);
      })
      .catch(() => setDocks([]));
    reloadZones();
    listRoutes()
      .then(setSavedRoutes)
      .catch(() => setSavedRoutes([]));
  }, []);

  function reloadZones(): void {
    listZones()
      .then(setZones)
      .catch(() => setZones([]));
  }

  const dock = docks.find((d) => d.id === dockId) ?? null;
  const home: Home | undefined = useMemo(
    () => (dock ? { lat: dock.latDeg, lon: dock.lonDeg, altAmslM: dock.altAmslM } : undefined),
    [dock],
  );
  const built = useMemo(() => buildRoute(draft, name || t('planner.title'), home), [draft, name, home, t]);
  const check = useMemo(
    () =>
      built.ok ? checkRoute(built.route, { ...(home ? { home } : {}), zones: zones.map(zoneOf) }) : null,
    [built, home, zones],
  );

  const editingZone = zoneDraft !== null;
  const active = editingZone ? zoneDraft.draft : draft;
  const setActive = (d: Draft) => {
    if (editingZone) setZoneDraft((z) => (z ? { ...z, draft: d } : z));
    else {
      setDraft(d);
      setSavedRouteId(null);
    }
  };
  const editor = useMapEditor({ draft: active, setDraft: setActive, onSelect: setSelected, enabled: true });

  // The map is created once the imagery settings are known (a basemap cannot be swapped in later).
  const [map, setMap] = useState<PlannerMap | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is built once per imagery
  useEffect(() => {
    if (imagery === undefined || !container.current) return;
    const center = dock ? { lat: dock.latDeg, lon: dock.lonDeg } : DEFAULT_CENTER;
    const m = new PlannerMap({
      container: container.current,
      center,
      zoom: 15,
      imagery,
      onPointer: (e) => editor.onPointer(e),
      onContext: (h) => editor.onContext(h),
    });
    mapRef.current = m;
    setMap(m);
    return () => {
      m.destroy();
      mapRef.current = null;
      setMap(null);
    };
  }, [imagery]);

  // Centre on the dock when it is first known.
  const centred = useRef(false);
  useEffect(() => {
    if (!dock || !map || centred.current) return;
    centred.current = true;
    map.fit([{ lat: dock.latDeg, lon: dock.lonDeg }], 15);
  }, [dock, map]);

  useEffect(() => {
    const m = map;
    if (!m) return;
    const routeShape = draft.pattern === 'survey' ? 'polygon' : 'line';
    const editShape = editingZone ? zoneDraftShape(zoneDraft) : null;
    m.setOverlay({
      route: built.ok ? built.paths.map((p) => (home ? [home, ...p, home] : p)) : [],
      shape: editingZone
        ? editShape
        : draft.pattern === 'orbit'
          ? draft.center
            ? { type: 'polygon', points: circleRing(draft.center, draft.radiusM) }
            : null
          : { type: routeShape, points: draft.points },
      handles: handlesOf(active, selected),
      zones: zones.map((z) => ({
        id: z.id,
        kind: z.kind,
        label: z.name,
        selected: zoneDraft?.id === z.id,
        ring:
          z.geometry.type === 'polygon'
            ? z.geometry.points
            : circleRing(z.geometry.center, z.geometry.radiusM),
      })),
      marks:
        check?.issues
          .filter((i) => i.at)
          .map((i) => ({
            at: i.at as MapLatLon,
            code: i.code,
            severity: i.severity,
            title: `${t(`planner.issueCodes.${i.code}`)}: ${i.message}`,
          })) ?? [],
      docks: docks.map((d) => ({ id: d.id, label: d.name, at: { lat: d.latDeg, lon: d.lonDeg } })),
    });
  }, [built, check, draft, active, selected, zones, docks, home, zoneDraft, editingZone, t, map]);

  function pickTool(p: PatternKind): void {
    if (p === draft.pattern) return;
    // Keep what was drawn where it still makes sense (a polygon's corners as waypoints...).
    const next: Draft = { ...emptyDraft(p, draft.settings), points: p === 'orbit' ? [] : draft.points };
    if (p === 'orbit' && draft.points.length > 0) {
      const c = draft.points.reduce(
        (a, q) => ({ lat: a.lat + q.lat / draft.points.length, lon: a.lon + q.lon / draft.points.length }),
        { lat: 0, lon: 0 },
      );
      next.center = c;
    }
    setDraft(next);
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
      setSavedRoutes((cur) => [...cur.filter((x) => x.id !== r.id), r]);
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
    const text = await file.text();
    const r = parseRouteFile(text, file.name);
    if (!r.ok) {
      message.error({ content: t('planner.importError', { message: r.error.message }), duration: 8 });
      return;
    }
    const d = draftFromRoute(r.route);
    setDraft(d);
    setName(r.route.name);
    setSelected(null);
    setSavedRouteId(null);
    mapRef.current?.fit(d.points);
    message.success(t('planner.imported', { name: r.route.name, format: r.format, count: d.points.length }));
  }

  function onExport(format: 'plan' | 'geojson' | 'kml'): void {
    if (!built.ok) return;
    const route: Route = { ...built.route, name: name || built.route.name };
    const base = (name || 'route').replace(/[\\/:*?"<>|]+/g, '_');
    if (format === 'plan') download(`${base}.plan`, writeQgcPlan(route), 'application/json');
    else if (format === 'geojson')
      download(`${base}.geojson`, JSON.stringify(routeToGeoJson(route), null, 2), 'application/geo+json');
    else download(`${base}.kml`, routeToKml(route), 'application/vnd.google-earth.kml+xml');
  }

  const deleteSelected = () => {
    if (selected?.kind !== 'vertex') return;
    setActive(applyEdit(active, { type: 'remove', index: selected.index }));
    setSelected(null);
  };

  const errors = check?.issues.filter((i) => i.severity === 'error').length ?? 0;

  return (
    <div className="planner">
      <div className="planner-map-wrap">
        <div ref={container} className="planner-map" data-testid="planner-map" />
        <div className="planner-toolbar">
          <Segmented
            value={draft.pattern}
            disabled={editingZone}
            onChange={(v) => pickTool(v as PatternKind)}
            options={PATTERN_KINDS.map((p) => ({
              value: p,
              label: <span data-testid={`planner-tool-${p}`}>{t(`planner.tools.${p}`)}</span>,
            }))}
          />
          <Tooltip title={t('planner.actions.deletePoint')}>
            <Button
              icon={<DeleteOutlined />}
              disabled={selected?.kind !== 'vertex'}
              onClick={deleteSelected}
            />
          </Tooltip>
          <Tooltip title={t('planner.actions.fit')}>
            <Button
              icon={<AimOutlined />}
              onClick={() => mapRef.current?.fit(built.ok ? built.paths.flat() : active.points)}
            />
          </Tooltip>
          <Button onClick={() => setActive({ ...emptyDraft(active.pattern, active.settings) })}>
            {t('planner.actions.clear')}
          </Button>
        </div>
        <div className="planner-hint">{t(`planner.hint.${editingZone ? 'zone' : draft.pattern}`)}</div>
      </div>
      <aside className="planner-side">
        <section>
          <Space.Compact style={{ width: '100%' }}>
            <Input
              data-testid="route-name"
              placeholder={t('planner.routeNamePlaceholder')}
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-label={t('planner.routeName')}
            />
          </Space.Compact>
          <div className="planner-row">
            <span className="planner-label">{t('planner.open')}</span>
            <Select
              size="small"
              style={{ flex: 1 }}
              value={savedRouteId ?? undefined}
              placeholder={t('planner.openPlaceholder')}
              onChange={(v: string) => void onOpen(v)}
              options={savedRoutes.map((r) => ({ value: r.id, label: r.name }))}
              showSearch={{ optionFilterProp: 'label' }}
              data-testid="planner-open"
            />
          </div>
          <div className="planner-row">
            <span className="planner-label">{t('planner.dock')}</span>
            <Select
              size="small"
              style={{ flex: 1 }}
              value={dockId ?? undefined}
              placeholder={t('planner.noDock')}
              onChange={(v) => setDockId(v)}
              options={docks.map((d) => ({ value: d.id, label: d.name }))}
              data-testid="planner-dock"
            />
          </div>
        </section>
        <section>
          <h4>{t('planner.settings.title')}</h4>
          <SettingsPanel draft={draft} onChange={(d) => setDraft(d)} />
        </section>
        <section data-testid="planner-summary" data-ok={check ? String(check.flyable) : 'false'}>
          <h4>{t('planner.summary.title')}</h4>
          {!built.ok ? (
            <div className="planner-muted">
              {built.reason === 'incomplete'
                ? active.points.length === 0 && !active.center
                  ? t('planner.summary.empty')
                  : t('planner.summary.incomplete', { count: built.need })
                : t('planner.summary.invalid', { message: built.message })}
            </div>
          ) : check ? (
            <div className="planner-figures">
              <Figure
                label={t('planner.summary.distance')}
                value={formatDistance(check.summary.distanceM)}
                id="distance"
              />
              <Figure
                label={t('planner.summary.duration')}
                value={formatDuration(check.summary.durationS)}
                id="duration"
              />
              <Figure
                label={t('planner.summary.battery')}
                value={formatPct(check.batteryUsePct)}
                id="battery"
              />
              <Figure
                label={t('planner.summary.batteryLeft')}
                value={formatPct(check.batteryLeftPct)}
                id="battery-left"
              />
              <Figure
                label={t('planner.summary.maxAlt')}
                value={`${Math.round(check.summary.maxAltM)} m`}
                id="max-alt"
              />
              <Figure
                label={t('planner.summary.items')}
                value={String(check.summary.missionItemCount)}
                id="items"
              />
            </div>
          ) : null}
        </section>
        <section>
          <h4>
            {t('planner.issues.title')}{' '}
            {check ? errors > 0 ? <Tag color="error">{errors}</Tag> : <Tag color="success">OK</Tag> : null}
          </h4>
          <ul className="planner-issues" data-testid="planner-issues" data-count={check?.issues.length ?? 0}>
            {check && check.issues.length === 0 ? (
              <li className="planner-muted">{t('planner.issues.none')}</li>
            ) : null}
            {check?.issues.map((i) => (
              <li
                key={`${i.code}-${i.item}-${i.message}`}
                data-testid="planner-issue"
                data-code={i.code}
                data-severity={i.severity}
                className={`planner-issue planner-issue-${i.severity}`}
                onClick={() => i.at && map?.fit([i.at], 17)}
                onKeyDown={(e) => e.key === 'Enter' && i.at && map?.fit([i.at], 17)}
              >
                <div>
                  <Tag color={i.severity === 'error' ? 'error' : 'warning'}>
                    {t(`planner.issues.${i.severity}`)}
                  </Tag>
                  <b>{t(`planner.issueCodes.${i.code}`)}</b>
                  <span className="planner-muted">
                    {' · '}
                    {i.item === null
                      ? t('planner.issues.route')
                      : t('planner.issues.item', { n: i.item + 1 })}
                  </span>
                </div>
                <div className="planner-issue-message">{i.message}</div>
              </li>
            ))}
          </ul>
        </section>
        <section className="planner-actions">
          <Button
            type="primary"
            icon={<SaveOutlined />}
            data-testid="planner-save"
            loading={saving}
            disabled={!canWrite || !built.ok}
            onClick={() => void onSave()}
          >
            {t('planner.actions.save')}
          </Button>
          <Button icon={<UploadOutlined />} onClick={() => fileInput.current?.click()}>
            {t('planner.actions.import')}
          </Button>
          <input
            ref={fileInput}
            type="file"
            accept=".plan,.json,.geojson,.kml"
            data-testid="planner-import"
            style={{ display: 'none' }}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void onImport(f);
            }}
          />
          <Dropdown
            disabled={!built.ok}
            menu={{
              items: [
                {
                  key: 'plan',
                  label: <span data-testid="planner-export-plan">{t('planner.actions.exportPlan')}</span>,
                },
                {
                  key: 'geojson',
                  label: (
                    <span data-testid="planner-export-geojson">{t('planner.actions.exportGeoJson')}</span>
                  ),
                },
                {
                  key: 'kml',
                  label: <span data-testid="planner-export-kml">{t('planner.actions.exportKml')}</span>,
                },
              ],
              onClick: ({ key }) => onExport(key as 'plan' | 'geojson' | 'kml'),
            }}
          >
            <Button icon={<DownloadOutlined />} data-testid="planner-export">
              {t('planner.actions.export')}
            </Button>
          </Dropdown>
        </section>
        <section>
          <h4>{t('planner.schedule.title')}</h4>
          {savedRouteId ? (
            <SchedulePanel routeId={savedRouteId} docks={docks} routeName={name.trim()} />
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
            onChanged={reloadZones}
            onFocus={(pts) => mapRef.current?.fit(pts)}
          />
        </section>
      </aside>
    </div>
  );
}

function Figure({ label, value, id }: { label: string; value: string; id: string }) {
  return (
    <div className="planner-figure" data-testid={`planner-summary-${id}`}>
      <div className="planner-figure-value">{value}</div>
      <div className="planner-figure-label">{label}</div>
    </div>
  );
}
