/**
 * The bridge channel contract: the typed event map between a bridge process and the server over
 * the `/bridge` Socket.IO namespace, plugged into Socket.IO's generics on both sides, and the
 * TypeBox schemas of what the bridge sends, checked by the server at its edge (ingest). The web
 * console reuses the payload types (VehicleStatePayload, DockStatusPayload) so a vehicle looks
 * the same everywhere.
 *
 * The vehicle state on the wire is its own type, not the bridge's internal snapshot: the bridge
 * maps its snapshot to it field by field (gcs-bridge `channel/wire-state.ts`), so an internal
 * change is not a wire change, and a renamed or mistyped field is refused by the server with a
 * coded reason the bridge logs (`ItemsAck.rejected`).
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
 * - A malformed item is consumed (the cursor passes it, so it cannot block the stream) but not
 *   stored, and the ack names it with a code.
 *
 * Commands go the other way with an acknowledgement and a timeout (emitWithAck); the answer
 * is the vehicle's coded result.
 */
import type { MissionItemInt } from '@aerie/missions';
import { type Static, type TSchema, Type } from 'typebox';
import { Compile } from 'typebox/compile';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Finite = () => Type.Number();

/** Socket.IO namespace the bridges connect to. */
export const BRIDGE_NAMESPACE = '/bridge';

// ---- vehicle state ----------------------------------------------------------------------------

export const AutopilotName = Type.Union([
  Type.Literal('px4'),
  Type.Literal('ardupilot'),
  Type.Literal('generic'),
]);
export type AutopilotName = Static<typeof AutopilotName>;

/** A mode's role, the same across autopilots. */
export const ModeKindWire = Type.Enum([
  'manual',
  'assisted',
  'hold',
  'mission',
  'return',
  'land',
  'takeoff',
  'guided',
  'offboard',
  'other',
]);
export type ModeKindWire = Static<typeof ModeKindWire>;

export const LandedStateWire = Type.Enum(['unknown', 'on_ground', 'in_air', 'takeoff', 'landing']);
export type LandedStateWire = Static<typeof LandedStateWire>;

/** MAV_MISSION_STATE names, indexed by the value MISSION_CURRENT.mission_state carries. */
export const MISSION_STATE_NAMES = [
  'unknown',
  'no_mission',
  'not_started',
  'active',
  'paused',
  'complete',
] as const;
export const MissionStateWire = Type.Enum([...MISSION_STATE_NAMES]);
export type MissionStateWire = Static<typeof MissionStateWire>;

export const StatusTextWire = Type.Object({
  atMs: Finite(),
  /** MAV_SEVERITY: 0 emergency ... 7 debug. */
  severity: Type.Integer({ minimum: 0, maximum: 7 }),
  severityName: Type.String(),
  text: Type.String(),
});
export type StatusTextWire = Static<typeof StatusTextWire>;

/**
 * A vehicle's state as the server and console see it: the bridge's coalesced telemetry, units
 * in the field names. `null` means "not reported by this vehicle yet".
 */
export const VehicleStatePayload = Type.Object({
  sysid: Type.Integer({ minimum: 1, maximum: 255 }),
  compid: Type.Integer({ minimum: 0, maximum: 255 }),
  autopilot: AutopilotName,
  /** MAV_TYPE from HEARTBEAT (2 = quadrotor). */
  vehicleType: Type.Integer({ minimum: 0 }),
  online: Type.Boolean(),
  lastHeartbeatAtMs: Finite(),
  mode: Type.String(),
  modeKind: ModeKindWire,
  baseMode: Type.Integer({ minimum: 0 }),
  customMode: Type.Integer({ minimum: 0 }),
  armed: Type.Boolean(),
  /** MAV_STATE from HEARTBEAT (3 standby, 4 active, 5 critical, 6 emergency). */
  systemStatus: Type.Integer({ minimum: 0 }),
  lat: Nullable(Type.Number({ minimum: -90, maximum: 90 })),
  lon: Nullable(Type.Number({ minimum: -180, maximum: 180 })),
  altMslM: Nullable(Finite()),
  altRelM: Nullable(Finite()),
  headingDeg: Nullable(Finite()),
  groundSpeedMps: Nullable(Finite()),
  airSpeedMps: Nullable(Finite()),
  climbMps: Nullable(Finite()),
  vNorthMps: Nullable(Finite()),
  vEastMps: Nullable(Finite()),
  vDownMps: Nullable(Finite()),
  rollDeg: Nullable(Finite()),
  pitchDeg: Nullable(Finite()),
  yawDeg: Nullable(Finite()),
  /**
   * The camera gimbal's attitude (GIMBAL_DEVICE_ATTITUDE_STATUS): pitch and roll against the
   * horizon, yaw from the vehicle's heading (`yawFrame` 'vehicle') or from north ('earth').
   * Absent from bridges that predate it; null until the vehicle reports a gimbal.
   */
  gimbal: Type.Optional(
    Nullable(
      Type.Object({
        pitchDeg: Finite(),
        rollDeg: Finite(),
        yawDeg: Finite(),
        yawFrame: Type.Union([Type.Literal('vehicle'), Type.Literal('earth')]),
        atMs: Finite(),
      }),
    ),
  ),
  batteryPct: Nullable(Finite()),
  batteryV: Nullable(Finite()),
  batteryA: Nullable(Finite()),
  /** GPS_FIX_TYPE: 0/1 no fix, 2 2D, 3 3D, 4 DGPS, 5 RTK float, 6 RTK fixed. */
  gpsFixType: Type.Integer({ minimum: 0 }),
  satellites: Nullable(Type.Integer({ minimum: 0 })),
  hdop: Nullable(Finite()),
  landedState: LandedStateWire,
  /** True on the ground, false in the air, null until the vehicle says. */
  landed: Nullable(Type.Boolean()),
  home: Nullable(Type.Object({ lat: Finite(), lon: Finite(), altMslM: Finite() })),
  mission: Type.Object({
    currentSeq: Nullable(Type.Integer({ minimum: 0 })),
    total: Nullable(Type.Integer({ minimum: 0 })),
    state: MissionStateWire,
    /** MISSION_CURRENT.mission_id: the CRC of the mission the vehicle holds (0 when not reported). */
    missionId: Type.Integer({ minimum: 0 }),
    lastReachedSeq: Nullable(Type.Integer({ minimum: 0 })),
  }),
  /** The most recent status texts (a few), oldest first. */
  statusTexts: Type.Array(StatusTextWire),
  /** Time of the last message of any kind from this vehicle. */
  lastHeardAtMs: Finite(),
  updatedAtMs: Finite(),
  /** The bridge link the vehicle is heard on and its packet loss. */
  link: Type.Object({ id: Type.String(), lossPct: Finite() }),
});
export type VehicleStatePayload = Static<typeof VehicleStatePayload>;

/** Discrete things that happened to a vehicle, including the link-level ones. */
export const VehicleEventPayload = Type.Union([
  Type.Object({
    type: Type.Literal('mode_changed'),
    atMs: Finite(),
    from: Type.String(),
    to: Type.String(),
    kind: ModeKindWire,
  }),
  Type.Object({ type: Type.Literal('armed'), atMs: Finite() }),
  Type.Object({ type: Type.Literal('disarmed'), atMs: Finite() }),
  Type.Object({
    type: Type.Literal('landed_state_changed'),
    atMs: Finite(),
    from: LandedStateWire,
    to: LandedStateWire,
  }),
  Type.Object({ type: Type.Literal('takeoff'), atMs: Finite() }),
  Type.Object({ type: Type.Literal('landing'), atMs: Finite() }),
  Type.Object({ type: Type.Literal('mission_item_reached'), atMs: Finite(), seq: Type.Integer() }),
  Type.Object({
    type: Type.Literal('mission_current_changed'),
    atMs: Finite(),
    seq: Type.Integer(),
    total: Type.Integer(),
    state: MissionStateWire,
  }),
  Type.Object({
    type: Type.Literal('home_changed'),
    atMs: Finite(),
    lat: Finite(),
    lon: Finite(),
    altMslM: Finite(),
  }),
  Type.Object({
    type: Type.Literal('status_text'),
    atMs: Finite(),
    severity: Type.Integer(),
    severityName: Type.String(),
    text: Type.String(),
  }),
  Type.Object({ type: Type.Literal('discovered'), atMs: Finite() }),
  Type.Object({ type: Type.Literal('lost'), atMs: Finite() }),
  Type.Object({ type: Type.Literal('found'), atMs: Finite() }),
]);
export type VehicleEventPayload = Static<typeof VehicleEventPayload>;

// ---- docks ------------------------------------------------------------------------------------

/**
 * The states a dock passes through on one sortie, in order: from idle, preparing and opening
 * for the take-off, through the landing, to charging the returned aircraft.
 */
export const DOCK_SORTIE_STATES = [
  'idle',
  'preparing',
  'ready',
  'aircraft_out',
  'awaiting_landing',
  'landed',
  'closing',
  'charging',
] as const;

/** Where a dock is in its cycle (the bridge's dock state machine, see `gcs-bridge/src/dock`). */
export const DockState = Type.Enum([...DOCK_SORTIE_STATES, 'fault', 'unknown']);
export type DockState = Static<typeof DockState>;

/** Lid position as the dock reports it. */
export const DockLid = Type.Enum(['closed', 'opening', 'open', 'closing', 'jammed', 'unknown']);
export type DockLid = Static<typeof DockLid>;

/** Charger state as the dock reports it. */
export const DockCharger = Type.Enum(['idle', 'charging', 'full', 'fault', 'unknown']);
export type DockCharger = Static<typeof DockCharger>;

/** Faults a dock can report; each one stops the dock's cycle until it clears. */
export const DockFaultCode = Type.Enum([
  'lid_jam',
  'charger_fault',
  'power_loss',
  'over_temperature',
  'sensor_fault',
]);
export type DockFaultCode = Static<typeof DockFaultCode>;

/**
 * A dock's state as the server and console see it: what the dock's DOCK_STATUS said plus the
 * bridge's state machine. Units are in the field names. Weather readings are the dock's own
 * sensors; whether they ground a flight is the server's decision (its weather gate).
 */
export const DockStatusPayload = Type.Object({
  sysid: Type.Integer({ minimum: 1, maximum: 255 }),
  compid: Type.Integer({ minimum: 0, maximum: 255 }),
  state: DockState,
  lid: DockLid,
  charger: DockCharger,
  aircraftParked: Type.Boolean(),
  /** Parked aircraft's battery, null when no aircraft is parked or the dock cannot read it. */
  aircraftBatteryPct: Nullable(Finite()),
  temperatureC: Finite(),
  humidityPct: Finite(),
  windSpeedMps: Finite(),
  windGustMps: Finite(),
  rainMmPerH: Finite(),
  /** Mains power present (false: running on the dock's backup battery). */
  mainsPower: Type.Boolean(),
  faults: Type.Array(DockFaultCode),
  /** Dock position as it reports it (WGS-84, metres above mean sea level). */
  lat: Finite(),
  lon: Finite(),
  altAmslM: Finite(),
  /** When the bridge last heard the dock (epoch ms). */
  lastHeardMs: Finite(),
});
export type DockStatusPayload = Static<typeof DockStatusPayload>;

/** Discrete things that happened to a dock. */
export const DockEventPayload = Type.Union([
  Type.Object({ type: Type.Literal('discovered'), atMs: Finite() }),
  Type.Object({ type: Type.Literal('lost'), atMs: Finite() }),
  Type.Object({ type: Type.Literal('found'), atMs: Finite() }),
  Type.Object({ type: Type.Literal('state_changed'), atMs: Finite(), from: DockState, to: DockState }),
  Type.Object({ type: Type.Literal('fault'), atMs: Finite(), code: DockFaultCode, message: Type.String() }),
  Type.Object({ type: Type.Literal('fault_cleared'), atMs: Finite(), code: DockFaultCode }),
]);
export type DockEventPayload = Static<typeof DockEventPayload>;

// ---- cameras (MAVLink camera protocol) -------------------------------------------------------

/** VIDEO_STREAM_INFORMATION.type, by name (VIDEO_STREAM_TYPE). */
export const CameraStreamType = Type.Enum(['rtsp', 'rtp_udp', 'tcp_mpeg', 'mpeg_ts']);
export type CameraStreamType = Static<typeof CameraStreamType>;

/** VIDEO_STREAM_INFORMATION.encoding, by name (VIDEO_STREAM_ENCODING). */
export const CameraStreamEncoding = Type.Enum(['unknown', 'h264', 'h265']);
export type CameraStreamEncoding = Static<typeof CameraStreamEncoding>;

/** One video stream a camera announced in VIDEO_STREAM_INFORMATION. */
export const CameraStreamWire = Type.Object({
  streamId: Type.Integer({ minimum: 1, maximum: 255 }),
  name: Type.String(),
  /** The stream's URI as announced; its scheme says how to open it (rtsp://, http:// Motion-JPEG, ...). */
  uri: Type.String({ minLength: 1 }),
  type: CameraStreamType,
  encoding: CameraStreamEncoding,
  widthPx: Type.Integer({ minimum: 0 }),
  heightPx: Type.Integer({ minimum: 0 }),
  fps: Finite(),
  /** Horizontal field of view, degrees (0: the camera does not say). */
  hfovDeg: Finite(),
  bitrateKbps: Finite(),
});
export type CameraStreamWire = Static<typeof CameraStreamWire>;

/**
 * A camera component of a vehicle and the streams it announced: what CAMERA_INFORMATION and
 * VIDEO_STREAM_INFORMATION said, once the bridge's camera discovery finished (the item's sysid
 * is the vehicle's). A camera without video streams reports an empty `streams`.
 */
export const CameraStreamsPayload = Type.Object({
  compid: Type.Integer({ minimum: 1, maximum: 255 }),
  vendor: Type.String(),
  model: Type.String(),
  widthPx: Type.Integer({ minimum: 0 }),
  heightPx: Type.Integer({ minimum: 0 }),
  streams: Type.Array(CameraStreamWire),
});
export type CameraStreamsPayload = Static<typeof CameraStreamsPayload>;

/** MAV_COMP_ID_CAMERA .. MAV_COMP_ID_CAMERA6: the component ids of MAVLink cameras. */
export const CAMERA_COMPIDS = { first: 100, last: 105 } as const;

/**
 * Whether a still's reported attitude is the camera's own orientation (a camera component
 * reports it, as the MAVLink field says) rather than the vehicle's (the autopilot reports it).
 */
export function reportsCameraAttitude(compid: number): boolean {
  return compid >= CAMERA_COMPIDS.first && compid <= CAMERA_COMPIDS.last;
}

/**
 * One still a camera reported in CAMERA_IMAGE_CAPTURED: where and how it was taken and where
 * the camera stored it. The attitude is the quaternion's, as Euler angles: a camera component's
 * (`compid` 100-105) own orientation in NED, as the MAVLink field says (zero: level, looking
 * north); the vehicle's when the autopilot reports the still (PX4's camera_feedback).
 */
export const CameraImagePayload = Type.Object({
  compid: Type.Integer({ minimum: 1, maximum: 255 }),
  /** Capture time (epoch ms): time_utc when the camera knows it, else when the bridge heard it. */
  capturedAtMs: Finite(),
  imageIndex: Type.Integer(),
  /** capture_result: false means the camera tried and failed (no image at `fileUrl`). */
  ok: Type.Boolean(),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  altMslM: Finite(),
  altRelM: Finite(),
  rollDeg: Finite(),
  pitchDeg: Finite(),
  yawDeg: Finite(),
  /** Where the still is stored (may be empty when the camera keeps it only on its card). */
  fileUrl: Type.String(),
});
export type CameraImagePayload = Static<typeof CameraImagePayload>;

// ---- the item stream --------------------------------------------------------------------------

const ItemHead = {
  seq: Type.Integer({ minimum: 1 }),
  sysid: Type.Integer({ minimum: 1, maximum: 255 }),
  atMs: Finite(),
};

/**
 * One item in the bridge's outgoing stream. Dock items carry the dock controller's sysid; camera
 * items the sysid of the vehicle the camera is a component of.
 */
export const ChannelItem = Type.Union([
  Type.Object({ ...ItemHead, kind: Type.Literal('state'), state: VehicleStatePayload }),
  Type.Object({ ...ItemHead, kind: Type.Literal('event'), event: VehicleEventPayload }),
  Type.Object({ ...ItemHead, kind: Type.Literal('dock_state'), dock: DockStatusPayload }),
  Type.Object({ ...ItemHead, kind: Type.Literal('dock_event'), event: DockEventPayload }),
  Type.Object({ ...ItemHead, kind: Type.Literal('camera_streams'), camera: CameraStreamsPayload }),
  Type.Object({ ...ItemHead, kind: Type.Literal('camera_image'), image: CameraImagePayload }),
]);
export type ChannelItem = Static<typeof ChannelItem>;

/** Why the server refused an item: the envelope, or the payload of its kind. */
export type ItemRejectionCode =
  | 'MalformedItem'
  | 'MalformedState'
  | 'MalformedEvent'
  | 'MalformedDockStatus'
  | 'MalformedDockEvent'
  | 'MalformedCameraStreams'
  | 'MalformedCameraImage';

export interface ItemRejection {
  /** The item's seq when it had one. */
  seq: number | null;
  code: ItemRejectionCode;
  /** Names the first field that is wrong, e.g. `state/batteryPct: must be number`. */
  message: string;
}

/** The server's answer to a batch. */
export interface ItemsAck {
  /** The highest seq of this epoch that is stored (or consumed). */
  lastSeq: number;
  /** Items of this batch the server refused (consumed, not stored). Absent when none. */
  rejected?: ItemRejection[];
}

/** The compiled checks, built on first use (a type-only importer, like the web, never pays for them). */
let compiled: ReturnType<typeof compileChecks> | undefined;
function compileChecks() {
  return {
    head: Compile(Type.Object({ ...ItemHead, kind: Type.String() })),
    payload: {
      state: { field: 'state', code: 'MalformedState', check: Compile(VehicleStatePayload) },
      event: { field: 'event', code: 'MalformedEvent', check: Compile(VehicleEventPayload) },
      dock_state: { field: 'dock', code: 'MalformedDockStatus', check: Compile(DockStatusPayload) },
      dock_event: { field: 'event', code: 'MalformedDockEvent', check: Compile(DockEventPayload) },
      camera_streams: {
        field: 'camera',
        code: 'MalformedCameraStreams',
        check: Compile(CameraStreamsPayload),
      },
      camera_image: { field: 'image', code: 'MalformedCameraImage', check: Compile(CameraImagePayload) },
    } as const,
  };
}

function firstError(
  validator: { Errors(v: unknown): { instancePath: string; message: string }[] },
  v: unknown,
) {
  const e = validator.Errors(v)[0];
  return e ? `${e.instancePath || '/'}: ${e.message}` : 'does not match the contract';
}

/**
 * Checks one item from a bridge at the server's edge: the item, or why it cannot be stored,
 * with a code and the first wrong field (e.g. `MalformedState`, `state/batteryPct: ...`).
 */
export function checkChannelItem(
  item: unknown,
): { ok: true; value: ChannelItem } | { ok: false; error: ItemRejection } {
  const seqOf = (v: unknown): number | null => {
    const s = (v as { seq?: unknown } | null)?.seq;
    return typeof s === 'number' && Number.isSafeInteger(s) ? s : null;
  };
  compiled ??= compileChecks();
  const itemHead = compiled.head;
  const payloadChecks = compiled.payload;
  if (!itemHead.Check(item)) {
    return {
      ok: false,
      error: { seq: seqOf(item), code: 'MalformedItem', message: `item${firstError(itemHead, item)}` },
    };
  }
  const kind = item.kind as keyof typeof payloadChecks;
  const spec = payloadChecks[kind];
  if (!spec) {
    return {
      ok: false,
      error: {
        seq: item.seq,
        code: 'MalformedItem',
        message: `kind must be one of ${Object.keys(payloadChecks).join(', ')}, got ${JSON.stringify(item.kind)}`,
      },
    };
  }
  const payload = (item as Record<string, unknown>)[spec.field];
  if (!spec.check.Check(payload)) {
    const message = `${spec.field}${firstError(spec.check, payload)}`;
    return { ok: false, error: { seq: item.seq, code: spec.code, message } };
  }
  return { ok: true, value: item as unknown as ChannelItem };
}

// ---- handshake, commands, uploads -------------------------------------------------------------

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

const AltRelM = Type.Number({ minimum: 1, maximum: 500, description: 'metres above the home position' });
const variant = <A extends string, P extends Record<string, TSchema>>(action: A, props: P) =>
  Type.Object({ action: Type.Literal(action), ...props }, { additionalProperties: false, title: action });

/**
 * What a pilot can ask of a vehicle, one schema per action: the server's command route checks
 * a body against its action's schema (so an error names that action's field), and the type the
 * bridge runs is derived from the same schemas, so the two cannot drift.
 */
export const VehicleCommandVariants = {
  arm: variant('arm', {}),
  disarm: variant('disarm', {
    force: Type.Optional(Type.Boolean({ description: 'disarm even in flight (emergency stop)' })),
  }),
  takeoff: variant('takeoff', { altRelM: AltRelM }),
  hold: variant('hold', {}),
  resume: variant('resume', {}),
  return: variant('return', {}),
  land: variant('land', {}),
  goto: variant('goto', {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    altRelM: AltRelM,
  }),
  set_mode: variant('set_mode', {
    mode: Type.String({
      minLength: 1,
      maxLength: 32,
      pattern: '^[A-Za-z][A-Za-z0-9_ -]*$',
      description: 'flight mode name as the bridge reports it (e.g. HOLD, RTL, MISSION)',
    }),
  }),
  start_mission: variant('start_mission', {}),
};
const V = VehicleCommandVariants;
export const VehicleCommand = Type.Union(
  [V.arm, V.disarm, V.takeoff, V.hold, V.resume, V.return, V.land, V.goto, V.set_mode, V.start_mission],
  { description: 'A command for the vehicle, chosen by `action`' },
);
export type VehicleCommand = Static<typeof VehicleCommand>;

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

/** Every dock command's `action`, for checking and documenting requests. */
export const DOCK_ACTIONS = [
  'open_lid',
  'close_lid',
  'start_charging',
  'stop_charging',
  'prepare_takeoff',
  'prepare_landing',
] as const satisfies readonly DockCommand['action'][];

/**
 * The dock commands of a flight's own cycle: open the lid and prepare for take-off, prepare for
 * landing, close the lid and start charging after it. A pilot runs these for the flight they
 * fly; the rest (stopping a charge, which leaves a parked aircraft's battery short for the next
 * dispatch) is dock management and stays with dispatchers.
 */
export const DOCK_FLIGHT_ACTIONS = [
  'open_lid',
  'close_lid',
  'start_charging',
  'prepare_takeoff',
  'prepare_landing',
] as const satisfies readonly DockCommand['action'][];

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
 * under Socket.IO's 1 MB default `maxHttpBufferSize`. Checked by the server's chunk assembly.
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
  /** A batch of items in seq order; the ack carries the highest seq stored and any refusals. */
  'bridge.items': (items: ChannelItem[], ack: (reply: ItemsAck) => void) => void;
  /**
   * A preview of state items already queued for a batch, sent as they are queued (volatile, no
   * ack): the server shows them in the live state without waiting for the batch in flight or the
   * database, and stores them when their batch comes. Lost previews cost nothing but latency.
   */
  'bridge.live': (items: ChannelItem[]) => void;
  /** One chunk of a sortie's .tlog; the ack on the last chunk says where it was stored. */
  'bridge.tlog': (chunk: TlogChunk, ack: (reply: TlogChunkReply) => void) => void;
  /** Progress of a running `mission.upload` (best effort, not buffered while disconnected). */
  'mission.upload_progress': (progress: MissionUploadProgress) => void;
}

/**
 * What the server asks a bridge, by event name: the request, the reply (always a coded result;
 * `BridgeOffline` and `Timeout` when it could not be delivered or answered), and the progress
 * the bridge reports while it runs (`never` when it reports none).
 */
export interface BridgeRequests {
  'vehicle.command': { request: CommandRequest; reply: CommandReply; progress: never };
  'dock.command': { request: DockCommandRequest; reply: CommandReply; progress: never };
  'mission.upload': {
    request: MissionUploadRequest;
    reply: MissionUploadReply;
    progress: MissionUploadProgress;
  };
}
export type BridgeRequestKind = keyof BridgeRequests;

export interface ServerToBridgeEvents {
  'vehicle.command': (request: CommandRequest, ack: (reply: CommandReply) => void) => void;
  /** A command to a dock controller; the reply is the dock's coded COMMAND_ACK result. */
  'dock.command': (request: DockCommandRequest, ack: (reply: CommandReply) => void) => void;
  /** Stores mission (and fence, rally) lists on a vehicle; answered once all are stored. */
  'mission.upload': (request: MissionUploadRequest, ack: (reply: MissionUploadReply) => void) => void;
}
