/**
 * The planner's calls to the server: docks (homes for routes), airspace zones, routes,
 * schedules and on-demand sorties.
 */
import { type Route, writeAerieRoute, type Zone, type ZoneGeometry, type ZoneKind } from '@aerie/missions';
import { api, type Page } from '../../lib/api.ts';
import { loadMapSettings } from '../../lib/map/settings.ts';
import type { Draft } from './draft.ts';

export interface DockRecord {
  id: string;
  name: string;
  latDeg: number;
  lonDeg: number;
  altAmslM: number;
}

export interface ZoneRecord {
  id: string;
  name: string;
  kind: ZoneKind;
  geometry: ZoneGeometry;
  floorM?: number | null;
  ceilingM?: number | null;
}

export interface RouteRecord {
  id: string;
  name: string;
  kind?: string;
  /** The Aerie route file. */
  route?: unknown;
}

export const listRoutes = () =>
  api.get<Page<RouteRecord>>('/api/routes', { limit: 500 }).then((p) => p.items);
export const getRoute = (id: string) => api.get<RouteRecord>(`/api/routes/${id}`);

export interface ScheduleRecord {
  id: string;
}

/** What `POST /api/sorties` answers: the sortie and the dock and aircraft chosen for it. */
/** An aircraft with no dock (PX4 SITL, a field drone): it takes off from where it stands. */
export interface DocklessVehicle {
  id: string;
  name: string;
  online: boolean;
  /** Its home position (where it took off or will), or its position on the ground; null when unknown. */
  home: { lat: number; lon: number; altAmslM: number } | null;
}

interface VehicleRow {
  id: string;
  name: string;
  dockId: string | null;
  online: boolean;
  state: {
    home: { lat: number; lon: number; altMslM: number } | null;
    lat: number | null;
    lon: number | null;
    altMslM: number | null;
  } | null;
}

/** Where a dock-less aircraft takes off from: its home, else where it stands. */
export function docklessHome(state: VehicleRow['state']): DocklessVehicle['home'] {
  if (state?.home) return { lat: state.home.lat, lon: state.home.lon, altAmslM: state.home.altMslM };
  if (state && state.lat !== null && state.lon !== null && state.altMslM !== null)
    return { lat: state.lat, lon: state.lon, altAmslM: state.altMslM };
  return null;
}

/** The aircraft without a dock, with their take-off positions. */
export const listDocklessVehicles = () =>
  api
    .get<Page<VehicleRow>>('/api/vehicles', { limit: 500 })
    .then((p) =>
      p.items
        .filter((v) => v.dockId === null)
        .map((v) => ({ id: v.id, name: v.name, online: v.online, home: docklessHome(v.state) })),
    );

export interface LaunchRecord {
  sortieId: string;
  dockId: string | null;
  vehicleId: string;
  decision: string;
}

export function zoneOf(z: ZoneRecord): Zone {
  return {
    id: z.id,
    name: z.name,
    kind: z.kind,
    geometry: z.geometry,
    ...(z.floorM !== null && z.floorM !== undefined ? { floorM: z.floorM } : {}),
    ...(z.ceilingM !== null && z.ceilingM !== undefined ? { ceilingM: z.ceilingM } : {}),
  };
}

/** The planner's basemap (imagery server or the maps-folder basemap). */
export const loadSettings = loadMapSettings;

export const listDocks = () => api.get<Page<DockRecord>>('/api/docks', { limit: 500 }).then((p) => p.items);
export const listZones = () => api.get<Page<ZoneRecord>>('/api/zones', { limit: 500 }).then((p) => p.items);
export const createZone = (z: Omit<ZoneRecord, 'id'>) => api.post<ZoneRecord>('/api/zones', z);
export const updateZone = (id: string, z: Omit<ZoneRecord, 'id'>) =>
  api.patch<ZoneRecord>(`/api/zones/${id}`, z);
export const deleteZone = (id: string) => api.del(`/api/zones/${id}`);

/** Saves a route; the server re-checks it and refuses one that may not fly (422 RouteNotFlyable). */
export function saveRoute(name: string, route: Route, draft: Draft): Promise<RouteRecord> {
  return api.post<RouteRecord>('/api/routes', {
    name,
    kind: draft.pattern,
    route: JSON.parse(writeAerieRoute(route)) as unknown,
  });
}

/** The schedule as the server stores it. */
export interface ScheduleBody {
  name: string;
  routeId: string;
  kind: 'recurring' | 'once' | 'on_demand';
  rrule?: string;
  dtstart?: string;
  tz: string;
  windowS: number;
  priority: number;
  dockIds: string[] | null;
  enabled: boolean;
}

export const createSchedule = (body: ScheduleBody) => api.post<ScheduleRecord>('/api/schedules', body);

export const schedulePreview = (id: string, count = 5) =>
  api.get<{ runs: { dueAt?: string; dueMs?: number }[] }>(`/api/schedules/${id}/preview`, { count });

/** Launches the route now on the best dock (or `dockId`). */
export const launchNow = (routeId: string, dockId: string | null, priority = 80) =>
  api.post<LaunchRecord>('/api/sorties', { routeId, ...(dockId ? { dockIds: [dockId] } : {}), priority });

/** Launches the route now on a dock-less aircraft, from where it stands. */
export const launchOnVehicle = (routeId: string, vehicleId: string, priority = 80) =>
  api.post<LaunchRecord>('/api/sorties', { routeId, vehicleId, priority });
