/**
 * Glue between the fleet model and the globe: changed vehicles go straight from the store
 * into the vehicle layer (no React in between), focus highlights and follows, and the test
 * hooks on `window.__aerie` read what is drawn.
 */
import type { ConsoleDockStatus } from '@aerie/contracts';
import { api, type Page } from '../../lib/api.ts';
import type { Globe } from '../../lib/globe/globe.ts';
import type { Place } from '../../lib/globe/places-layer.ts';
import type { DrawLogEntry, DrawnVehicle, VehicleDrawState } from '../../lib/globe/vehicle-layer.ts';
import { onConsole } from '../../live/console-socket.ts';
import { fleetStore, focusedVehicle, onFocusChange, setFocus } from '../../live/fleet-model.ts';
import { drawHeightM } from '../../live/fleet-store.ts';

/** The test and benchmark hooks (see web-notes: drawnVehicles, drawLog, focus). */
export interface AerieTestHooks {
  drawnVehicles(): Record<string, DrawnVehicle>;
  /** Where a vehicle's arrow is on the globe now, CSS pixels from the globe's top left (null: not drawn). */
  screenPositionOf(vehicleId: string): { x: number; y: number } | null;
  drawLog: DrawLogEntry[];
  focus(vehicleId: string | null): Promise<unknown>;
  /** Keys of the labels on the globe now: vehicle ids, and `dock:<id>` / `site:<id>`. */
  shownLabels(): { vehicles: string[]; places: string[] };
}

declare global {
  interface Window {
    __aerie?: Partial<AerieTestHooks> & Record<string, unknown>;
  }
}

function drawState(id: string): VehicleDrawState | null {
  const v = fleetStore.vehicles.get(id);
  const s = v?.state;
  if (!v || !s || s.lat == null || s.lon == null) return null;
  return {
    name: v.name,
    lon: s.lon,
    lat: s.lat,
    heightM: drawHeightM(s),
    headingDeg: s.headingDeg ?? null,
    online: v.online,
    armed: s.armed ?? false,
    warning: (s.batteryPct != null && s.batteryPct < 30) || (s.systemStatus ?? 0) >= 5,
    stateAtMs: v.updatedAtMs,
  };
}

/** Draws the fleet on `globe` and keeps it drawn; returns the function that stops it. */
export function bindFleetToGlobe(globe: Globe, opts: { follow: () => boolean }): () => void {
  const layer = globe.vehicles;
  const apply = (id: string): boolean => {
    const s = drawState(id);
    if (!s) return false;
    layer.update(id, s, fleetStore.vehicles.get(id)?.trail ?? null);
    return true;
  };
  for (const id of fleetStore.vehicles.keys()) apply(id);
  layer.setFocused(focusedVehicle());

  // The vehicle layer draws on the overlay and asks it for a frame itself; the globe under it
  // is redrawn only when the camera moves (following the focused vehicle does move it).
  const offStore = fleetStore.subscribe((changed) => {
    const focused = focusedVehicle();
    let focusedMoved = false;
    for (const id of changed) if (apply(id) && id === focused) focusedMoved = true;
    if (focusedMoved && opts.follow()) globe.track();
  });
  const offFocus = onFocusChange((id) => {
    layer.setFocused(id);
    globe.follow(id && opts.follow() ? id : null);
  });

  const hooks: AerieTestHooks = {
    drawnVehicles: () => layer.snapshot(),
    screenPositionOf: (vehicleId) => layer.screenPositionOf(vehicleId),
    drawLog: layer.drawLog,
    focus: (vehicleId) => setFocus(vehicleId),
    shownLabels: () => ({ vehicles: layer.labels.shownKeys(), places: globe.places.labels.shownKeys() }),
  };
  window.__aerie = Object.assign(window.__aerie ?? {}, hooks);

  return () => {
    offStore();
    offFocus();
  };
}

interface DockRecord {
  id: string;
  name: string;
  latDeg: number;
  lonDeg: number;
}
interface SiteRecord extends DockRecord {}

function dockTone(d: ConsoleDockStatus | undefined): Place['tone'] {
  if (!d) return 'ok';
  if (!d.online) return 'offline';
  const st = d.status;
  if (!st) return 'ok';
  if (st.state === 'fault' || st.faults.length > 0) return 'fault';
  if (st.state === 'idle' || st.state === 'charging' || st.state === 'unknown') return 'ok';
  return 'busy';
}

/**
 * Draws docks and sites and keeps the docks' colour in step with their live status. Hands
 * their positions to `onLoaded` (for the first camera position) once they are loaded.
 */
export function bindPlacesToGlobe(
  globe: Globe,
  onLoaded: (points: Array<{ lon: number; lat: number }>) => void,
): () => void {
  let docks: DockRecord[] = [];
  let sites: SiteRecord[] = [];
  const status = new Map<string, ConsoleDockStatus>();
  let stopped = false;
  const draw = () => {
    if (stopped) return;
    globe.places.set([
      ...sites.map((s): Place => ({ id: s.id, kind: 'site', name: s.name, lon: s.lonDeg, lat: s.latDeg })),
      ...docks.map(
        (d): Place => ({
          id: d.id,
          kind: 'dock',
          name: d.name,
          lon: d.lonDeg,
          lat: d.latDeg,
          tone: dockTone(status.get(d.id)),
        }),
      ),
    ]);
  };
  void Promise.all([
    api.get<Page<DockRecord>>('/api/docks', { limit: 500 }).catch(() => null),
    api.get<Page<SiteRecord>>('/api/sites', { limit: 500 }).catch(() => null),
  ]).then(([d, s]) => {
    docks = d?.items ?? [];
    sites = s?.items ?? [];
    draw();
    onLoaded([...docks, ...sites].map((p) => ({ lon: p.lonDeg, lat: p.latDeg })));
  });
  const onStatus = (items: ConsoleDockStatus[]) => {
    let changed = false;
    for (const it of items) {
      const before = dockTone(status.get(it.dockId));
      status.set(it.dockId, it);
      if (dockTone(it) !== before) changed = true;
    }
    if (changed) draw();
  };
  let socketRef: { off(ev: 'dock.status', fn: typeof onStatus): unknown } | null = null;
  const unwire = onConsole((socket) => {
    socket.on('dock.status', onStatus);
    socketRef = socket;
  });
  return () => {
    stopped = true;
    unwire();
    socketRef?.off('dock.status', onStatus);
  };
}
