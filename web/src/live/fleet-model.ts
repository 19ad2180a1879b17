/**
 * The fleet model of the page: one `FleetStore` fed by the `/console` socket, the focus of the
 * vehicle the user is looking at, and throttled snapshots for React.
 *
 * - Telemetry goes into the store as it arrives; the globe subscribes to the store and draws
 *   changed vehicles at once. React never sees individual messages: `useFleet()` re-renders
 *   at most every `SNAPSHOT_MS`.
 * - After a (re)connect the server sends its whole fleet again; the register
 *   (`GET /api/vehicles`) is read again too, for names and for vehicles added meanwhile, and
 *   the focused vehicle is focused again (focus lives in the server's socket, which is new).
 */
import { type ConsoleAck, decodeFleetRow } from '@aerie/contracts';
import { useSyncExternalStore } from 'react';
import { api, type Page } from '../lib/api.ts';
import { type ConsoleSocket, consoleSocket, onConsole } from './console-socket.ts';
import { FleetStore, type FleetVehicle, type VehicleRecord } from './fleet-store.ts';

/** How often React gets a new snapshot (4 Hz). */
export const SNAPSHOT_MS = 250;

/** What React renders: plain copies, stable between snapshots. */
export interface FleetSnapshot {
  version: number;
  vehicles: readonly FleetVehicleSnapshot[];
  byId: ReadonlyMap<string, FleetVehicleSnapshot>;
  alerts: FleetStore['alerts'];
  focusedId: string | null;
  /** Whether the register was read at least once (before that, "no vehicles" means "loading"). */
  loaded: boolean;
}

export type FleetVehicleSnapshot = Omit<FleetVehicle, 'trail' | 'rev'>;

export const fleetStore = new FleetStore();

let focusedId: string | null = null;
let loaded = false;
const focusListeners = new Set<(id: string | null) => void>();

async function loadDirectory(): Promise<void> {
  const records: VehicleRecord[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await api.get<Page<VehicleRecord>>('/api/vehicles', { limit: 500, offset });
    records.push(...page.items);
    if (records.length >= page.total || page.items.length === 0) break;
  }
  loaded = true;
  fleetStore.setDirectory(records, Date.now());
}

let directoryTimer: ReturnType<typeof setTimeout> | null = null;
function reloadDirectorySoon(delayMs = 300): void {
  if (directoryTimer) return;
  directoryTimer = setTimeout(() => {
    directoryTimer = null;
    loadDirectory().catch(() => reloadDirectorySoon(3000));
  }, delayMs);
}

function sendFocus(socket: ConsoleSocket, vehicleId: string): Promise<ConsoleAck> {
  return socket
    .timeout(5000)
    .emitWithAck('vehicle.focus', { vehicleId })
    .catch(
      () => ({ ok: false, error: { code: 'Internal', message: 'no answer to vehicle.focus' } }) as ConsoleAck,
    );
}

let wired = false;
/** Attaches the store to the console socket (once; idempotent). */
export function startFleetModel(): void {
  if (wired) return;
  wired = true;
  onConsole((socket) => {
    socket.on('fleet.state', (rows) => {
      fleetStore.applyFleet(rows.map(decodeFleetRow), Date.now());
      if (fleetStore.takeUnknown().length) reloadDirectorySoon();
    });
    socket.on('vehicle.state', (item) => fleetStore.applyVehicle(item, Date.now()));
    socket.on('vehicle.online', (l) => fleetStore.setOnline(l.vehicleId, true, l.atMs));
    socket.on('vehicle.offline', (l) => fleetStore.setOnline(l.vehicleId, false, l.atMs));
    socket.on('vehicle.alert', (alerts) => fleetStore.addAlerts(alerts));
    socket.on('connect', () => {
      reloadDirectorySoon(0);
      if (focusedId) void sendFocus(socket, focusedId);
    });
    if (socket.connected && focusedId) void sendFocus(socket, focusedId);
  });
  reloadDirectorySoon(0);
}

/** The focused vehicle (full-rate stream, panel, follow camera), or null. */
export function focusedVehicle(): string | null {
  return focusedId;
}

/** Listens for focus changes (the globe highlights and follows). */
export function onFocusChange(fn: (id: string | null) => void): () => void {
  focusListeners.add(fn);
  return () => focusListeners.delete(fn);
}

/**
 * Focuses `vehicleId` (null: none): the server then streams its full state at up to 10 Hz.
 * The previous one is unfocused. Resolves with the server's answer (ok while offline: the
 * focus is sent again on connect).
 */
export async function setFocus(vehicleId: string | null): Promise<ConsoleAck> {
  if (vehicleId === focusedId) return { ok: true };
  const prev = focusedId;
  focusedId = vehicleId;
  for (const l of focusListeners) l(vehicleId);
  publish();
  const socket = consoleSocket();
  if (prev) {
    fleetStore.dropFull(prev);
    socket?.emit('vehicle.unfocus', { vehicleId: prev });
  }
  if (!vehicleId || !socket?.connected) return { ok: true };
  return sendFocus(socket, vehicleId);
}

// ---- throttled snapshots for React ----

let snapshot: FleetSnapshot = {
  version: -1,
  vehicles: [],
  byId: new Map(),
  alerts: [],
  focusedId: null,
  loaded: false,
};
const reactListeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | null = null;
let lastPublishMs = 0;

function build(): FleetSnapshot {
  const vehicles: FleetVehicleSnapshot[] = [];
  const byId = new Map<string, FleetVehicleSnapshot>();
  for (const v of fleetStore.vehicles.values()) {
    const s: FleetVehicleSnapshot = {
      vehicleId: v.vehicleId,
      name: v.name,
      online: v.online,
      state: v.state,
      updatedAtMs: v.updatedAtMs,
      offlineSinceMs: v.offlineSinceMs,
      full: v.full,
      departmentId: v.departmentId,
      dockId: v.dockId,
    };
    vehicles.push(s);
    byId.set(v.vehicleId, s);
  }
  return { version: fleetStore.version, vehicles, byId, alerts: fleetStore.alerts, focusedId, loaded };
}

function publish(): void {
  if (timer) return;
  const wait = Math.max(0, lastPublishMs + SNAPSHOT_MS - Date.now());
  timer = setTimeout(() => {
    timer = null;
    lastPublishMs = Date.now();
    snapshot = build();
    for (const l of reactListeners) l();
  }, wait);
}

fleetStore.subscribe(() => {
  if (reactListeners.size) publish();
});

function subscribeReact(fn: () => void): () => void {
  reactListeners.add(fn);
  if (snapshot.version !== fleetStore.version) publish();
  return () => reactListeners.delete(fn);
}

/** The fleet as React sees it: a snapshot at most every `SNAPSHOT_MS`. */
export function useFleet(): FleetSnapshot {
  return useSyncExternalStore(subscribeReact, () => snapshot);
}
