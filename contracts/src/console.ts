/**
 * The console contract: the typed event map between the server and the web console over the
 * `/console` Socket.IO namespace, plugged into Socket.IO's generics on both sides
 * (`Namespace<ConsoleClientToServer, ConsoleServerToClient>` in the server's live fan-out,
 * `Socket<ConsoleServerToClient, ConsoleClientToServer>` in the browser). Types, and the codec
 * of the fleet's compact rows; the server produces these payloads from states it has already
 * checked at ingest.
 *
 * Delivery rules (what a console can rely on):
 * - On connect the client gets one `fleet.state` with every vehicle it may see that has
 *   reported since the server started; after that `fleet.state` carries only vehicles that
 *   changed, at most every `fleetIntervalMs` (~2 Hz), with the `FLEET_FIELDS` of each state,
 *   each vehicle a positional `ConsoleFleetRow` (`decodeFleetRow` makes it a `ConsoleFleetItem`).
 * - `vehicle.focus` adds a vehicle to the socket's focus (up to `MAX_FOCUS`); its state then
 *   comes as `vehicle.state` at the vehicle's own rate, at most one per `focusIntervalMs`
 *   (10 Hz) on average, starting with the current state right after the ack (two may come as
 *   little as half an interval apart, so the jitter of a vehicle reporting at 10 Hz holds none
 *   of its states back; over any second at most 12 come).
 * - State is a snapshot, never a queue: a client that reads slowly (or not at all) gets the
 *   NEWEST state of each vehicle once its connection drains, and states in between are
 *   skipped. Nothing piles up on the server for it.
 * - `vehicle.online` / `vehicle.offline` are discrete and sent as they happen.
 * - Department officers see only their department's vehicles, in every event.
 * - `vehicle.alert`: on connect the recent alerts (newest last, up to `RECENT_ALERTS`) of the
 *   vehicles the user may see, then each new alert as it is derived (low battery, link lost,
 *   failsafe, status texts of severity warning or worse).
 * - `dock.status`: on connect every registered dock the user may see that reported since the
 *   server started, then the docks that changed (batched, at most every ~500 ms). Department
 *   officers see only their department's docks.
 */
import type { DockStatusPayload, VehicleStatePayload } from './channel.ts';

/** Namespace the web console connects to. */
export const CONSOLE_NAMESPACE = '/console';

/** How many vehicles one console socket may focus at once. */
export const MAX_FOCUS = 8;

/** One vehicle's live state as the console sees it. */
export interface ConsoleVehicleState {
  vehicleId: string;
  online: boolean;
  /** The bridge's coalesced snapshot; null when the vehicle never reported since start. */
  state: VehicleStatePayload | null;
  /** When the server received this state from the bridge (epoch ms), null if never. */
  updatedAtMs: number | null;
}

/**
 * What the fleet view shows of each vehicle: enough for the map and the fleet list. The full
 * snapshot (attitude, GPS detail, mission progress, status texts, ...) comes with focus; this
 * keeps the whole-fleet stream about five times smaller.
 */
export const FLEET_FIELDS = [
  'sysid',
  'lat',
  'lon',
  'altRelM',
  'headingDeg',
  'groundSpeedMps',
  'mode',
  'modeKind',
  'armed',
  'landed',
  'batteryPct',
  'gpsFixType',
  'systemStatus',
  'link',
] as const satisfies readonly (keyof VehicleStatePayload)[];

export type FleetVehicleSummary = Pick<VehicleStatePayload, (typeof FLEET_FIELDS)[number]>;

/** One vehicle in a `fleet.state` batch, decoded (`decodeFleetRow`). */
export interface ConsoleFleetItem {
  vehicleId: string;
  online: boolean;
  /** The fleet fields of the newest snapshot; null when the vehicle never reported since start. */
  state: FleetVehicleSummary | null;
  /** When the server received that snapshot from the bridge (epoch ms), null if never. */
  updatedAtMs: number | null;
}

/**
 * One vehicle in a `fleet.state` batch on the wire: a positional row instead of an object, so
 * a batch of the whole fleet is a third of the bytes and of every console's parsing (500
 * vehicles: ~75 kB instead of ~210 kB, twice a second, for each console). Booleans are 0/1; the
 * map's numbers are rounded to what a map shows (position 1e-7 degrees, about 1 cm; altitude,
 * heading, speed and battery 0.1); the full-precision snapshot comes with focus. `state` null:
 * the row ends after `updatedAtMs`.
 */
export type ConsoleFleetRow =
  | [vehicleId: string, online: 0 | 1, updatedAtMs: number | null]
  | [
      vehicleId: string,
      online: 0 | 1,
      updatedAtMs: number | null,
      sysid: number,
      lat: number | null,
      lon: number | null,
      altRelM: number | null,
      headingDeg: number | null,
      groundSpeedMps: number | null,
      mode: string,
      modeKind: FleetVehicleSummary['modeKind'],
      armed: 0 | 1,
      landed: 0 | 1 | null,
      batteryPct: number | null,
      gpsFixType: number,
      systemStatus: number,
      linkId: string,
      linkLossPct: number,
    ];

const round = (x: number | null, k: number): number | null => (x === null ? null : Math.round(x * k) / k);

/** The wire row of one vehicle's fleet fields (the server's side of `fleet.state`). */
export function encodeFleetRow(
  vehicleId: string,
  online: boolean,
  s: FleetVehicleSummary | null,
  updatedAtMs: number | null,
): ConsoleFleetRow {
  if (!s) return [vehicleId, online ? 1 : 0, updatedAtMs];
  return [
    vehicleId,
    online ? 1 : 0,
    updatedAtMs,
    s.sysid,
    round(s.lat, 1e7),
    round(s.lon, 1e7),
    round(s.altRelM, 10),
    round(s.headingDeg, 10),
    round(s.groundSpeedMps, 10),
    s.mode,
    s.modeKind,
    s.armed ? 1 : 0,
    s.landed === null ? null : s.landed ? 1 : 0,
    round(s.batteryPct, 10),
    s.gpsFixType,
    s.systemStatus,
    s.link.id,
    round(s.link.lossPct, 10) ?? 0,
  ];
}

/** The fleet item of one wire row (the console's side of `fleet.state`). */
export function decodeFleetRow(row: ConsoleFleetRow): ConsoleFleetItem {
  const [vehicleId, online, updatedAtMs] = row;
  if (row.length === 3) return { vehicleId, online: online === 1, state: null, updatedAtMs };
  const [
    ,
    ,
    ,
    sysid,
    lat,
    lon,
    altRelM,
    headingDeg,
    groundSpeedMps,
    mode,
    modeKind,
    armed,
    landed,
    batteryPct,
    gpsFixType,
    systemStatus,
    linkId,
    lossPct,
  ] = row;
  return {
    vehicleId,
    online: online === 1,
    state: {
      sysid,
      lat,
      lon,
      altRelM,
      headingDeg,
      groundSpeedMps,
      mode,
      modeKind,
      armed: armed === 1,
      landed: landed === null ? null : landed === 1,
      batteryPct,
      gpsFixType,
      systemStatus,
      link: { id: linkId, lossPct },
    },
    updatedAtMs,
  };
}

/** A discrete link change of one vehicle. */
export interface ConsoleVehicleLink {
  vehicleId: string;
  /** When the server saw the change (epoch ms). */
  atMs: number;
}

/** Coded answer to a client request. */
export type ConsoleAck = { ok: true } | { ok: false; error: { code: ConsoleErrorCode; message: string } };

/** Why a console request was refused. */
export type ConsoleErrorCode =
  | 'ValidationFailed'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'TooManyFocused'
  | 'Internal';

/** One dock's live status as the console sees it. */
export interface ConsoleDockStatus {
  dockId: string;
  /** Its bridge hears it now. */
  online: boolean;
  /** The bridge's dock status (lid, charger, parked aircraft, weather, faults, cycle state). */
  status: DockStatusPayload | null;
  /** When the server received that status (epoch ms), null if never. */
  updatedAtMs: number | null;
}

/** How many recent alerts a console gets when it connects. */
export const RECENT_ALERTS = 100;
/** ... of which at most this many of one vehicle, so one vehicle never pushes out the others. */
export const RECENT_ALERTS_PER_VEHICLE = 20;

/** What an alert is about. */
export type ConsoleAlertKind =
  | 'battery_low'
  | 'battery_critical'
  | 'link_lost'
  | 'link_restored'
  | 'failsafe'
  | 'status_text'
  /** A sortie closed because its aircraft stayed silent in the air past the lost timeout. */
  | 'sortie_lost'
  /**
   * A fire/smoke ticket filed or recurring, whatever filed it (detector, API, triage, citizen):
   * text is the ticket number; `ticket` says which; vehicleId is null when no vehicle saw it.
   */
  | 'fire_smoke';

/** A discrete thing about a vehicle a person should notice. */
export interface ConsoleVehicleAlert {
  /** Unique per server run (for de-duplication after a reconnect). */
  id: string;
  /** The vehicle it is about; null for a ticket alert no vehicle saw (a citizen's report). */
  vehicleId: string | null;
  /** When it happened (epoch ms; the vehicle's event time where there is one). */
  atMs: number;
  kind: ConsoleAlertKind;
  level: 'info' | 'warning' | 'critical';
  /** The vehicle's own words (status text) or the figure that crossed (battery %). */
  text: string | null;
  batteryPct?: number;
  /** The sortie an alert is about (`sortie_lost`). */
  sortieId?: string;
  /**
   * The ticket a `fire_smoke` alert is about; its department decides who sees the alert (as for
   * `ticket.changed`), not the vehicle.
   */
  ticket?: { id: string; number: string; departmentId: string | null };
  /**
   * Set on a storm's summary (see the server's console-alerts.ts): the alert stands for `count`
   * alerts of its kind from this vehicle within `windowMs` ("link flapping, 40 times in 10 s");
   * kind, level and text are the latest one's.
   */
  repeat?: { count: number; windowMs: number };
}

/**
 * A sortie's phase change from the orchestrator (queued, dock_preparing, uploading, arming,
 * starting, in_progress, returning, landing, lid_closing, charging, closed, failed, aborted),
 * with the failure's code and reason once it failed. Department officers get their
 * department's sorties only.
 */
export interface ConsoleSortieProgress {
  sortieId: string;
  vehicleId: string;
  dockId: string | null;
  routeId: string | null;
  scheduleId: string | null;
  departmentId: string | null;
  sortieClass: 'scheduled' | 'on_demand' | 'emergency';
  phase: string;
  message: string;
  failure: { code: string; message: string; params?: Record<string, string | number> } | null;
  atMs: number;
}

/**
 * Progress of a mission upload to a vehicle before a sortie, as its bridge reports it (a few a
 * second at most), to consoles that may see the vehicle.
 */
export interface ConsoleUploadProgress {
  vehicleId: string;
  missionType: 'mission' | 'fence' | 'rally';
  /** Items the vehicle has taken so far, of `total`. */
  sent: number;
  total: number;
  atMs: number;
}

/** What a map needs of a ticket to draw it: where it is, what it is, how far along. */
export interface TicketPlace {
  number: string;
  category: string;
  status: string;
  urgent: boolean;
  lat: number;
  lon: number;
}

/** The `TicketPlace` fields of a larger ticket record (nothing else is copied). */
export function ticketPlace(t: TicketPlace): TicketPlace {
  return {
    number: t.number,
    category: t.category,
    status: t.status,
    urgent: t.urgent,
    lat: t.lat,
    lon: t.lon,
  };
}

/**
 * A ticket that was created or changed (transition, new occurrence, alert, evidence), as the
 * globe's ticket layer needs it; department officers get their department's tickets only.
 */
export interface ConsoleTicketChange extends TicketPlace {
  ticketId: string;
  departmentId: string | null;
  /** What happened: ticket.created, ticket.transition, ticket.occurrence, ticket.alert, ticket.evidence. */
  event: string;
  atMs: number;
}

export interface ConsoleServerToClient {
  /** Tickets as they are created or change. */
  'ticket.changed': (change: ConsoleTicketChange) => void;
  /** Mission uploads' progress (orchestrated sorties), as the bridge reports it. */
  'mission.upload_progress': (progress: ConsoleUploadProgress) => void;
  /** Orchestrated sorties' phase changes, as they happen. */
  'sortie.progress': (progress: ConsoleSortieProgress) => void;
  /** Alerts: the recent ones on connect, then each new one. */
  'vehicle.alert': (alerts: ConsoleVehicleAlert[]) => void;
  /** Docks' live status: all the user may see on connect, then those that changed. */
  'dock.status': (items: ConsoleDockStatus[]) => void;
  /** Changed vehicles of the whole fleet the user may see, batched (~2 Hz), fleet fields only. */
  /** Rows, one per vehicle (`decodeFleetRow` reads one). */
  'fleet.state': (rows: ConsoleFleetRow[]) => void;
  /** A focused vehicle's state at full rate (up to 10 Hz). */
  'vehicle.state': (item: ConsoleVehicleState) => void;
  'vehicle.online': (link: ConsoleVehicleLink) => void;
  'vehicle.offline': (link: ConsoleVehicleLink) => void;
}

export interface ConsoleClientToServer {
  /** Starts full-rate `vehicle.state` for the vehicle. */
  'vehicle.focus': (request: { vehicleId: string }, ack: (reply: ConsoleAck) => void) => void;
  /** Stops it again (ok also when it was not focused). */
  'vehicle.unfocus': (request: { vehicleId: string }, ack?: (reply: ConsoleAck) => void) => void;
}
