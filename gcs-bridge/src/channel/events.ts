/**
 * The bridge channel: the typed event map between a bridge process and the server, over a
 * Socket.IO namespace (`/bridge`), typed once here and plugged into Socket.IO's generics on
 * both sides (`Server<...>` / `Socket<...>`). The web console's namespace reuses the payload
 * types (VehicleStatePayload, VehicleEventPayload) so a vehicle looks the same everywhere.
 *
 * Delivery contract (what makes "kill either side at any moment" safe):
 * - Every item the bridge sends carries a per-bridge sequence number `seq`, strictly
 *   increasing for the life of the bridge's buffer (it survives reconnects, not bridge
 *   restarts: a restarted bridge starts a new `epoch`).
 * - The bridge keeps items until the server acknowledges them. While disconnected it buffers,
 *   bounded: when full, the OLDEST TELEMETRY (vehicle.state) is dropped first; discrete events
 *   (vehicle.event) are kept.
 * - On (re)connect the bridge says hello with its epoch; the server answers with the last seq
 *   it has stored for that epoch; the bridge drops what is acknowledged and replays the rest in
 *   order.
 * - The server ingests idempotently: an item with seq <= the stored last seq of that epoch is
 *   ignored, and the new last seq is stored in the same transaction as the items, so a crash
 *   between the two cannot store an event twice or lose it.
 *
 * Commands go the other way with an acknowledgement and a timeout (emitWithAck); the answer
 * is the vehicle's coded result.
 */
import type { MissionItemInt } from '@aerie/missions';
import type { VehicleSnapshot } from '../bridge.ts';
import type { VehicleEvent } from '../vehicle/state.ts';

/** A vehicle's state as the server and console see it (the bridge's coalesced snapshot). */
export type VehicleStatePayload = VehicleSnapshot;

/**
 * Discrete things that happened to a vehicle. The bridge's own VehicleEvent types plus the
 * link-level ones (discovered, lost, found).
 */
export type VehicleEventPayload =
  | VehicleEvent
  | { type: 'discovered'; atMs: number }
  | { type: 'lost'; atMs: number }
  | { type: 'found'; atMs: number };

/** Where a dock is in its cycle (the bridge's dock state machine, see `gcs-bridge/src/dock`). */
export type DockState =
  | 'idle'
  | 'preparing'
  | 'ready'
  | 'aircraft_out'
  | 'awaiting_landing'
  | 'landed'
  | 'closing'
  | 'charging'
  | 'fault'
  | 'unknown';

/** Lid position as the dock reports it. */
export type DockLid = 'closed' | 'opening' | 'open' | 'closing' | 'jammed' | 'unknown';

/** Charger state as the dock reports it. */
export type DockCharger = 'idle' | 'charging' | 'full' | 'fault' | 'unknown';

/** Faults a dock can report; each one stops the dock's cycle until it clears. */
export type DockFaultCode = 'lid_jam' | 'charger_fault' | 'power_loss' | 'over_temperature' | 'sensor_fault';

/**
 * A dock's state as the server and console see it: what the dock's DOCK_STATUS said plus the
 * bridge's state machine. Units are in the field names. Weather readings are the dock's own
 * sensors; whether they ground a flight is the server's decision (its weather gate).
 */
export interface DockStatusPayload {
  sysid: number;
  compid: number;
  state: DockState;
  lid: DockLid;
  charger: DockCharger;
  aircraftParked: boolean;
  /** Parked aircraft's battery, null when no aircraft is parked or the dock cannot read it. */
  aircraftBatteryPct: number | null;
  temperatureC: number;
  humidityPct: number;
  windSpeedMps: number;
  windGustMps: number;
  rainMmPerH: number;
  /** Mains power present (false: running on the dock's backup battery). */
  mainsPower: boolean;
  faults: DockFaultCode[];
  /** Dock position as it reports it (WGS-84, metres above mean sea level). */
  lat: number;
  lon: number;
  altAmslM: number;
  /** When the bridge last heard the dock (epoch ms). */
  lastHeardMs: number;
}

/** Discrete things that happened to a dock. */
export type DockEventPayload =
  | { type: 'discovered'; atMs: number }
  | { type: 'lost'; atMs: number }
  | { type: 'found'; atMs: number }
  | { type: 'state_changed'; atMs: number; from: DockState; to: DockState }
  | { type: 'fault'; atMs: number; code: DockFaultCode; message: string }
  | { type: 'fault_cleared'; atMs: number; code: DockFaultCode };

/** One item in the bridge's outgoing stream. Dock items carry the dock controller's sysid. */
export type ChannelItem =
  | { seq: number; kind: 'state'; sysid: number; atMs: number; state: VehicleStatePayload }
  | { seq: number; kind: 'event'; sysid: number; atMs: number; event: VehicleEventPayload }
  | { seq: number; kind: 'dock_state'; sysid: number; atMs: number; dock: DockStatusPayload }
  | { seq: number; kind: 'dock_event'; sysid: number; atMs: number; event: DockEventPayload };

export interface BridgeHello {
  /** Chosen at bridge start (e.g. a random UUID); a new epoch restarts `seq` at 1. */
  epoch: string;
  /** The bridge software version. */
  version: string;
  /** The links it owns (URIs, no secrets). */
  links: string[];
}

export interface HelloAck {
  /** Last seq of this epoch the server has stored (0 when none): the bridge replays after it. */
  lastSeq: number;
  /** The bridge's id and name as the server knows them. */
  bridgeId: string;
  bridgeName: string;
}

/** What a pilot can ask of a vehicle. */
export type VehicleCommand =
  | { action: 'arm' }
  | { action: 'disarm'; force?: boolean }
  | { action: 'takeoff'; altRelM: number }
  | { action: 'hold' }
  | { action: 'resume' }
  | { action: 'return' }
  | { action: 'land' }
  | { action: 'goto'; lat: number; lon: number; altRelM: number }
  | { action: 'set_mode'; mode: string }
  | { action: 'start_mission' };

export interface CommandRequest {
  /** Server-side id of the command (the `commands` table row), for logs and audit. */
  requestId: string;
  sysid: number;
  command: VehicleCommand;
}

/** What the server can ask of a dock (the dock dialect's commands). */
export type DockCommand =
  | { action: 'open_lid' }
  | { action: 'close_lid' }
  | { action: 'start_charging' }
  | { action: 'stop_charging' }
  | { action: 'prepare_takeoff' }
  | { action: 'prepare_landing' };

export interface DockCommandRequest {
  requestId: string;
  /** The dock controller's system id on this bridge. */
  sysid: number;
  command: DockCommand;
}

/**
 * Lists to store on a vehicle before a sortie. Each list present replaces what the vehicle
 * holds (fence and rally optional); items use the wire form of `@aerie/missions`.
 */
export interface MissionUploadRequest {
  requestId: string;
  sysid: number;
  mission: MissionItemInt[];
  fence?: MissionItemInt[];
  rally?: MissionItemInt[];
}

/** Progress of an upload, sent by the bridge while it runs (at most a few per second). */
export interface MissionUploadProgress {
  requestId: string;
  sysid: number;
  missionType: 'mission' | 'fence' | 'rally';
  sent: number;
  total: number;
  atMs: number;
}

/**
 * The outcome of an upload: every list stored and the mission confirmed by the vehicle's
 * MISSION_CURRENT mission id where it reports one (`missionId` null when it does not).
 * Failure codes are the mission protocol's (e.g. 'Nack', 'Timeout', 'Busy', 'MissionIdMismatch').
 */
export type MissionUploadReply =
  | {
      ok: true;
      value: { missionId: number | null; counts: { mission: number; fence: number; rally: number } };
    }
  | {
      ok: false;
      error: {
        code: string;
        message: string;
        missionType?: 'mission' | 'fence' | 'rally';
        detail?: Record<string, unknown>;
      };
    };

/** The vehicle's answer, or why there was none. Codes are the bridge's stable result codes. */
export type CommandReply =
  | { ok: true; value: { command: number; sends: number } }
  | { ok: false; error: { code: string; message: string; detail?: Record<string, unknown> } };

/**
 * One chunk of a sortie's .tlog (the bridge records each vehicle from arm to disarm). An
 * upload is discrete and acknowledged: the bridge keeps it until the server answers the last
 * chunk, and sends it again from chunk 0 after a reconnect. Chunks keep every message well
 * under Socket.IO's 1 MB default `maxHttpBufferSize`.
 */
export interface TlogChunk {
  /** Chosen by the bridge, unique per recording; a re-sent upload keeps its id. */
  uploadId: string;
  sysid: number;
  /** The recording window (the arm and disarm events' times, ms since the epoch). */
  fromMs: number;
  toMs: number;
  /** 0-based; chunks go in order, one at a time. */
  index: number;
  count: number;
  /** Total bytes of the whole recording (a check on assembly). */
  totalBytes: number;
  /** True when the recording hit the bridge's size cap and stopped early. */
  truncated: boolean;
  chunk: Uint8Array;
}

/**
 * The server's answer to one chunk. `done` is set on the last chunk once the recording is
 * stored; codes: 'BadChunk' (malformed or inconsistent: do not resend as is), 'UnknownVehicle',
 * 'NoSortie' (no sortie of the vehicle overlaps the window), 'ServerError' (try again later).
 */
export type TlogChunkReply =
  | { ok: true; received: number; done?: { sortieId: string; sha256: string; bytes: number } }
  | { ok: false; error: { code: string; message: string } };

export interface BridgeToServerEvents {
  /** First thing after connecting; the ack says where to resume. */
  'bridge.hello': (hello: BridgeHello, ack: (reply: HelloAck) => void) => void;
  /** A batch of items in seq order; the ack carries the highest seq stored. */
  'bridge.items': (items: ChannelItem[], ack: (reply: { lastSeq: number }) => void) => void;
  /** One chunk of a sortie's .tlog; the ack on the last chunk says where it was stored. */
  'bridge.tlog': (chunk: TlogChunk, ack: (reply: TlogChunkReply) => void) => void;
  /** Progress of a running `mission.upload` (best effort, not buffered while disconnected). */
  'mission.upload_progress': (progress: MissionUploadProgress) => void;
}

export interface ServerToBridgeEvents {
  'vehicle.command': (request: CommandRequest, ack: (reply: CommandReply) => void) => void;
  /** A command to a dock controller; the reply is the dock's coded COMMAND_ACK result. */
  'dock.command': (request: DockCommandRequest, ack: (reply: CommandReply) => void) => void;
  /** Stores mission (and fence, rally) lists on a vehicle; answered once all are stored. */
  'mission.upload': (request: MissionUploadRequest, ack: (reply: MissionUploadReply) => void) => void;
}

/** Socket.IO namespace the bridges connect to. */
export const BRIDGE_NAMESPACE = '/bridge';
