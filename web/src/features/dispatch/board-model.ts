/**
 * The dispatch board's model, pure: which column a sortie phase belongs to, today's sorties
 * merged with live `sortie.progress` updates, and a dock's readiness from its status.
 */

/** The board's columns. */
export type SortieColumn = 'planned' | 'flying' | 'done' | 'failed';

const PLANNED = new Set(['queued', 'dock_preparing', 'uploading', 'arming', 'starting']);
const FLYING = new Set(['in_progress', 'returning', 'landing']);
const DONE = new Set(['lid_closing', 'charging', 'closed']);

/** The column of an orchestrator phase; sorties seen only in the air use their status. */
export function columnOf(phase: string | null | undefined, status?: string | null): SortieColumn {
  if (phase) {
    if (PLANNED.has(phase)) return 'planned';
    if (FLYING.has(phase)) return 'flying';
    if (DONE.has(phase)) return 'done';
    return 'failed';
  }
  if (status === 'planned') return 'planned';
  if (status === 'running') return 'flying';
  if (status === 'aborted') return 'failed';
  return 'done';
}

/** A sortie as the board shows it (the REST list's fields the board reads). */
export interface BoardSortie {
  id: string;
  vehicleId: string;
  dockId: string | null;
  routeId: string | null;
  scheduleId: string | null;
  sortieClass: string | null;
  phase: string | null;
  status: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  /** The failure's figures, worded by failure-text.ts (null for failures recorded without). */
  failureParams: Record<string, string | number> | null;
  /** Latest progress message, if any. */
  message: string | null;
  /** When it fell due, started or was created (epoch ms): for ordering and "today". */
  atMs: number;
}

/** A `sortie.progress` event (server/src/patrol/orchestrator.ts SortieProgress). */
export interface SortieProgressEvent {
  sortieId: string;
  vehicleId: string;
  dockId: string | null;
  routeId: string | null;
  scheduleId: string | null;
  sortieClass: string;
  phase: string;
  message: string;
  failure: { code: string; message: string; params?: Record<string, string | number> } | null;
  atMs: number;
}

/** Applies a progress event: updates the sortie or adds it (a launch seen first on the socket). */
export function applyProgress(list: readonly BoardSortie[], p: SortieProgressEvent): BoardSortie[] {
  const i = list.findIndex((s) => s.id === p.sortieId);
  const prev = i >= 0 ? list[i] : undefined;
  const next: BoardSortie = {
    id: p.sortieId,
    vehicleId: p.vehicleId,
    dockId: p.dockId,
    routeId: p.routeId,
    scheduleId: p.scheduleId,
    sortieClass: p.sortieClass,
    phase: p.phase,
    status: prev?.status ?? null,
    failureCode: p.failure?.code ?? prev?.failureCode ?? null,
    failureMessage: p.failure?.message ?? prev?.failureMessage ?? null,
    failureParams: p.failure ? (p.failure.params ?? null) : (prev?.failureParams ?? null),
    message: p.message,
    atMs: prev?.atMs ?? p.atMs,
  };
  if (i < 0) return [next, ...list];
  const out = [...list];
  out[i] = next;
  return out;
}

/** Local midnight of the day `nowMs` falls in. */
export function startOfDay(nowMs: number): number {
  const d = new Date(nowMs);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Today's sorties, plus any older one still under way, newest first. */
export function todays(list: readonly BoardSortie[], nowMs: number): BoardSortie[] {
  const since = startOfDay(nowMs);
  return list
    .filter(
      (s) =>
        s.atMs >= since ||
        columnOf(s.phase, s.status) === 'planned' ||
        columnOf(s.phase, s.status) === 'flying',
    )
    .sort((a, b) => b.atMs - a.atMs);
}

/** What a dock can do now, from its live status. */
export type DockReadiness = 'offline' | 'ready' | 'busy' | 'charging' | 'fault' | 'grounded' | 'unknown';

export interface DockLiveStatus {
  state: string;
  lid: string;
  charger: string;
  aircraftParked: boolean;
  aircraftBatteryPct: number | null;
  windSpeedMps: number;
  windGustMps: number;
  rainMmPerH: number;
  temperatureC: number;
  faults: string[];
}

/** Wind (m/s, gusts) and rain (mm/h) above which the board shows a dock as grounded by weather. */
export const WEATHER_LIMITS = { windMps: 10, gustMps: 14, rainMmPerH: 2 };

export function dockReadiness(online: boolean, s: DockLiveStatus | null): DockReadiness {
  if (!online) return 'offline';
  if (!s) return 'unknown';
  if (s.faults.length > 0 || s.state === 'fault' || s.lid === 'jammed' || s.charger === 'fault')
    return 'fault';
  if (
    s.windSpeedMps > WEATHER_LIMITS.windMps ||
    s.windGustMps > WEATHER_LIMITS.gustMps ||
    s.rainMmPerH > WEATHER_LIMITS.rainMmPerH
  )
    return 'grounded';
  if (s.state === 'idle' || s.state === 'ready') return 'ready';
  if (s.state === 'charging') return 'charging';
  return 'busy';
}
