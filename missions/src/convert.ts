/**
 * Route <-> MAVLink mission items.
 *
 * Every route item becomes exactly one mission item, so an item's route index is its sequence
 * number minus the flavour's offset (PX4: 0, the first real item is seq 0; ArduPilot: 1, seq 0
 * is the home position, which ArduPilot overwrites with its own home on upload). Keeping the
 * mapping 1:1 is what lets validation and vehicle NACKs name route items.
 */
import type { LatLon } from './geo.ts';
import { MavCmd, MavFrame, type MissionItemInt, MissionType } from './items.ts';
import type { Home, LandItem, MavlinkItem, MavParams, Route, RouteItem, TakeoffItem } from './route.ts';
import { DEFAULT_ROUTE_DEFAULTS, itemPosition } from './route.ts';

/** Which autopilot the items are for: they differ in the home item and a few commands. */
export type Flavour = 'px4' | 'ardupilot';

export interface ToMissionItemsOptions {
  flavour: Flavour;
  /** The dock or planned home; overrides `route.home`. */
  home?: Home;
}

/** Further MAV_CMD values the converter and the checks need by name. */
export const MavCmdExtra = {
  NavLoiterToAlt: 31,
  NavRoi: 80,
  NavSplineWaypoint: 82,
  NavVtolTakeoff: 84,
  NavVtolLand: 85,
  NavDelay: 93,
  ConditionDelay: 112,
  ConditionDistance: 114,
  DoJump: 177,
  DoSetHome: 179,
  DoSetServo: 183,
  DoLandStart: 189,
  DoSetRoiLocation: 195,
  DoSetRoiWpnextOffset: 196,
  DoSetRoiNone: 197,
  DoControlVideo: 200,
  DoSetRoi: 201,
  DoDigicamControl: 203,
  DoMountConfigure: 204,
  DoSetCamTriggInterval: 214,
  ObliqueSurvey: 260,
  SetCameraMode: 530,
  SetCameraZoom: 531,
  SetCameraFocus: 532,
  DoGimbalManagerConfigure: 1001,
  DoTriggerControl: 2003,
  DoVtolTransition: 3000,
  ConditionGate: 4501,
} as const;

/** MAV_MOUNT_MODE_MAVLINK_TARGETING: DO_MOUNT_CONTROL angles come from the command. */
const MOUNT_MODE_MAVLINK_TARGETING = 2;

const GLOBAL_FRAMES: ReadonlySet<number> = new Set([
  MavFrame.Global,
  MavFrame.GlobalRelativeAlt,
  MavFrame.GlobalInt,
  MavFrame.GlobalRelativeAltInt,
  MavFrame.GlobalTerrainAlt,
  MavFrame.GlobalTerrainAltInt,
]);

/** Whether x/y of items in this frame are latitude/longitude. */
export function isGlobalFrame(frame: number): boolean {
  return GLOBAL_FRAMES.has(frame);
}

/** Commands whose coordinates are a place the vehicle flies to (not a camera target). */
export const NAV_POSITION_COMMANDS: ReadonlySet<number> = new Set([
  MavCmd.NavWaypoint,
  MavCmd.NavLoiterUnlim,
  MavCmd.NavLoiterTurns,
  MavCmd.NavLoiterTime,
  MavCmd.NavLand,
  MavCmd.NavTakeoff,
  MavCmdExtra.NavLoiterToAlt,
  MavCmdExtra.NavSplineWaypoint,
  MavCmdExtra.NavVtolTakeoff,
  MavCmdExtra.NavVtolLand,
]);

/**
 * One mission item before wire encoding: params 5-7 are lat/lon degrees and altitude for
 * global frames, NaN where unset. `routeIndex` is the route item it came from (null for the
 * ArduPilot home item).
 */
export interface MissionStep {
  routeIndex: number | null;
  command: number;
  frame: number;
  params: MavParams;
  autoContinue: boolean;
}

/** Sequence number of route item 0 for this flavour. */
export function seqOffset(flavour: Flavour): number {
  return flavour === 'ardupilot' ? 1 : 0;
}

function takeoffPosition(item: TakeoffItem, home: Home | undefined): LatLon | null {
  if (item.lat !== undefined && item.lon !== undefined) return { lat: item.lat, lon: item.lon };
  return home ? { lat: home.lat, lon: home.lon } : null;
}

/** Where a land item without a position comes down: where the previous position item left the vehicle. */
function landPosition(route: Route, index: number, home: Home | undefined): LatLon | null {
  const item = route.items[index] as LandItem | MavlinkItem;
  if (item.type === 'land' && item.lat !== undefined && item.lon !== undefined)
    return { lat: item.lat, lon: item.lon };
  for (let i = index - 1; i >= 0; i--) {
    const prev = route.items[i]!;
    const p = prev.type === 'takeoff' ? takeoffPosition(prev, home) : itemPosition(prev);
    if (p) return p;
    if (prev.type === 'mavlink' && NAV_POSITION_COMMANDS.has(prev.command) && isGlobalFrame(prev.frame)) {
      if (Number.isFinite(prev.params[4]) && Number.isFinite(prev.params[5]))
        return { lat: prev.params[4], lon: prev.params[5] };
    }
    if (prev.type === 'rtl') break;
  }
  return home ? { lat: home.lat, lon: home.lon } : null;
}

const P = (
  p1: number,
  p2: number,
  p3: number,
  p4: number,
  p5: number,
  p6: number,
  p7: number,
): MissionStep['params'] => [p1, p2, p3, p4, p5, p6, p7];

function stepFor(route: Route, index: number, flavour: Flavour, home: Home | undefined): MissionStep {
  const item: RouteItem = route.items[index]!;
  const rel = MavFrame.GlobalRelativeAltInt;
  const mission = MavFrame.Mission;
  const step = (command: number, frame: number, params: MissionStep['params']): MissionStep => ({
    routeIndex: index,
    command,
    frame,
    params,
    autoContinue: true,
  });
  switch (item.type) {
    case 'takeoff': {
      const p = takeoffPosition(item, home);
      return step(
        MavCmd.NavTakeoff,
        rel,
        P(
          item.pitchDeg ?? 0,
          0,
          0,
          item.yawDeg ?? Number.NaN,
          p?.lat ?? Number.NaN,
          p?.lon ?? Number.NaN,
          item.altM,
        ),
      );
    }
    case 'waypoint':
      return step(
        MavCmd.NavWaypoint,
        rel,
        P(
          item.holdS ?? 0,
          item.acceptRadiusM ?? 0,
          item.passRadiusM ?? 0,
          item.yawDeg ?? Number.NaN,
          item.lat,
          item.lon,
          item.altM,
        ),
      );
    case 'loiter':
      if (item.turns !== undefined)
        return step(
          MavCmd.NavLoiterTurns,
          rel,
          P(item.turns, 0, item.radiusM ?? 0, 0, item.lat, item.lon, item.altM),
        );
      if (item.timeS !== undefined)
        return step(
          MavCmd.NavLoiterTime,
          rel,
          P(item.timeS, 0, item.radiusM ?? 0, 0, item.lat, item.lon, item.altM),
        );
      return step(
        MavCmd.NavLoiterUnlim,
        rel,
        P(0, 0, item.radiusM ?? 0, Number.NaN, item.lat, item.lon, item.altM),
      );
    case 'speed':
      // MAV_SPEED_TYPE: 0 airspeed, 1 ground speed; throttle -1 = no change.
      return step(
        MavCmd.DoChangeSpeed,
        mission,
        P(item.speedType === 'air' ? 0 : 1, item.mps, -1, 0, 0, 0, 0),
      );
    case 'photo':
      if (item.distanceM !== undefined)
        // param3 = 1 takes the first photo at once instead of after the first interval.
        return step(
          MavCmd.DoSetCamTriggDist,
          mission,
          P(item.distanceM, 0, item.distanceM > 0 ? 1 : 0, 0, 0, 0, 0),
        );
      if (item.stop) return step(MavCmd.ImageStopCapture, mission, P(0, 0, 0, 0, 0, 0, 0));
      if (item.intervalS !== undefined)
        return step(MavCmd.ImageStartCapture, mission, P(0, item.intervalS, item.count ?? 0, 0, 0, 0, 0));
      return step(MavCmd.ImageStartCapture, mission, P(0, 0, 1, 0, 0, 0, 0));
    case 'gimbal':
      // ArduPilot has flown DO_MOUNT_CONTROL in missions for years; PX4 prefers the gimbal v2 command.
      if (flavour === 'ardupilot')
        return step(
          MavCmd.DoMountControl,
          mission,
          P(item.pitchDeg, 0, item.yawDeg ?? 0, 0, 0, 0, MOUNT_MODE_MAVLINK_TARGETING),
        );
      return step(
        MavCmd.DoGimbalManagerPitchYaw,
        mission,
        P(item.pitchDeg, item.yawDeg ?? Number.NaN, Number.NaN, Number.NaN, 0, 0, 0),
      );
    case 'video':
      return step(
        item.action === 'start' ? MavCmd.VideoStartCapture : MavCmd.VideoStopCapture,
        mission,
        P(0, 0, 0, 0, 0, 0, 0),
      );
    case 'jump':
      return step(
        MavCmdExtra.DoJump,
        mission,
        P(item.toItem + seqOffset(flavour), item.repeat, 0, 0, 0, 0, 0),
      );
    case 'rtl':
      return step(MavCmd.NavReturnToLaunch, mission, P(0, 0, 0, 0, 0, 0, 0));
    case 'land': {
      const p = landPosition(route, index, home);
      return step(MavCmd.NavLand, rel, P(0, 0, 0, Number.NaN, p?.lat ?? Number.NaN, p?.lon ?? Number.NaN, 0));
    }
    case 'mavlink': {
      const params: MissionStep['params'] = [...item.params];
      // MISSION_ITEM_INT cannot carry NaN in x/y: an unset take-off or landing position would go
      // out as 0,0. Fill it as for typed items (home; where the vehicle was); everything else is 1:1.
      if (isGlobalFrame(item.frame) && (!Number.isFinite(params[4]) || !Number.isFinite(params[5]))) {
        const fill =
          item.command === MavCmd.NavTakeoff || item.command === MavCmdExtra.NavVtolTakeoff
            ? home
            : item.command === MavCmd.NavLand || item.command === MavCmdExtra.NavVtolLand
              ? landPosition(route, index, home)
              : null;
        if (fill) {
          params[4] = fill.lat;
          params[5] = fill.lon;
        }
      }
      return {
        routeIndex: index,
        command: item.command,
        frame: item.frame,
        params,
        autoContinue: item.autoContinue,
      };
    }
  }
}

/**
 * Route items as mission steps (floating point, NaN kept), in upload order, including the
 * ArduPilot home item. Validation and summaries read these.
 */
export function routeToSteps(route: Route, options: ToMissionItemsOptions): MissionStep[] {
  const home = options.home ?? route.home;
  const steps: MissionStep[] = [];
  if (options.flavour === 'ardupilot') {
    steps.push({
      routeIndex: null,
      command: MavCmd.NavWaypoint,
      frame: MavFrame.Global,
      params: P(0, 0, 0, 0, home?.lat ?? 0, home?.lon ?? 0, home?.altAmslM ?? 0),
      autoContinue: true,
    });
  }
  for (let i = 0; i < route.items.length; i++) steps.push(stepFor(route, i, options.flavour, home));
  return steps;
}

/** x/y of MISSION_ITEM_INT: degrees * 1e7 in global frames, metres * 1e4 in local ones, the value itself otherwise. */
function encodeXY(value: number, frame: number): number {
  if (!Number.isFinite(value)) return 0;
  if (isGlobalFrame(frame)) return Math.round(value * 1e7);
  if (frame === MavFrame.Mission) return Math.round(value);
  return Math.round(value * 1e4);
}

function decodeXY(value: number, frame: number): number {
  if (isGlobalFrame(frame)) return value / 1e7;
  if (frame === MavFrame.Mission) return value;
  return value / 1e4;
}

/** Encodes mission steps as MISSION_ITEM_INT contents of the given list type. */
export function stepsToItems(
  steps: readonly MissionStep[],
  missionType: MissionType = MissionType.Mission,
): MissionItemInt[] {
  return steps.map((s, seq) => ({
    seq,
    frame: s.frame,
    command: s.command,
    // MAVSDK and QGroundControl mark the first item current; autopilots start from it.
    current: seq === 0 ? 1 : 0,
    autocontinue: s.autoContinue ? 1 : 0,
    param1: s.params[0],
    param2: s.params[1],
    param3: s.params[2],
    param4: s.params[3],
    x: encodeXY(s.params[4], s.frame),
    y: encodeXY(s.params[5], s.frame),
    z: s.params[6],
    missionType,
  }));
}

/**
 * The mission items (mission_type 0) to upload for a route. PX4: seq 0 is the first route
 * item; ArduPilot: seq 0 is the home item. Positions are GLOBAL_RELATIVE_ALT_INT, RTL and
 * other commands without a position MAV_FRAME_MISSION; raw items keep their frame and NaN params.
 */
export function toMissionItems(route: Route, options: ToMissionItemsOptions): MissionItemInt[] {
  return stepsToItems(routeToSteps(route, options));
}

export interface FromMissionItemsOptions {
  flavour: Flavour;
  name?: string;
}

const isRelative = (frame: number): boolean =>
  frame === MavFrame.GlobalRelativeAlt || frame === MavFrame.GlobalRelativeAltInt;
const nanToUndef = (v: number): number | undefined => (Number.isFinite(v) ? v : undefined);

function itemFromStep(s: MissionStep, flavour: Flavour): RouteItem {
  const [p1, p2, p3, p4, lat, lon, alt] = s.params;
  const raw = (): MavlinkItem => ({
    type: 'mavlink',
    command: s.command,
    frame: s.frame,
    params: [...s.params],
    autoContinue: s.autoContinue,
  });
  if (!s.autoContinue) return raw();
  const rel = isRelative(s.frame);
  const mission = s.frame === MavFrame.Mission;
  const zeroAt = (...idx: number[]): boolean => idx.every((i) => s.params[i] === 0);
  switch (s.command) {
    case MavCmd.NavTakeoff:
      if (!rel || p2 !== 0 || p3 !== 0) return raw();
      return dropUndefined<TakeoffItem>({
        type: 'takeoff',
        altM: alt,
        lat: nanToUndef(lat),
        lon: nanToUndef(lon),
        pitchDeg: p1 === 0 ? undefined : p1,
        yawDeg: nanToUndef(p4),
      });
    case MavCmd.NavWaypoint:
      if (!rel) return raw();
      return dropUndefined({
        type: 'waypoint',
        lat,
        lon,
        altM: alt,
        holdS: p1 === 0 ? undefined : p1,
        acceptRadiusM: p2 === 0 ? undefined : p2,
        passRadiusM: p3 === 0 ? undefined : p3,
        yawDeg: nanToUndef(p4),
      });
    case MavCmd.NavLoiterTurns:
    case MavCmd.NavLoiterTime:
      if (!rel || p2 !== 0 || p4 !== 0) return raw();
      return dropUndefined({
        type: 'loiter',
        lat,
        lon,
        altM: alt,
        ...(s.command === MavCmd.NavLoiterTurns ? { turns: p1 } : { timeS: p1 }),
        radiusM: p3 === 0 ? undefined : p3,
      });
    case MavCmd.NavLoiterUnlim:
      if (!rel || !Number.isNaN(p4)) return raw();
      return dropUndefined({ type: 'loiter', lat, lon, altM: alt, radiusM: p3 === 0 ? undefined : p3 });
    case MavCmd.NavReturnToLaunch:
      return mission && zeroAt(0, 1, 2, 3) ? { type: 'rtl' } : raw();
    case MavCmd.NavLand:
      if (!rel || p1 !== 0 || p2 !== 0 || p3 !== 0 || !Number.isNaN(p4)) return raw();
      return dropUndefined<LandItem>({ type: 'land', lat: nanToUndef(lat), lon: nanToUndef(lon) });
    case MavCmd.DoChangeSpeed:
      if (!mission || (p1 !== 0 && p1 !== 1) || p3 !== -1 || p4 !== 0) return raw();
      return { type: 'speed', mps: p2, speedType: p1 === 0 ? 'air' : 'ground' };
    case MavCmd.DoSetCamTriggDist:
      if (!mission || p2 !== 0 || p3 !== (p1 > 0 ? 1 : 0)) return raw();
      return { type: 'photo', distanceM: p1 };
    case MavCmd.ImageStartCapture:
      if (!mission || p1 !== 0 || p4 !== 0) return raw();
      if (p2 === 0 && p3 === 1) return { type: 'photo' };
      return dropUndefined({ type: 'photo', intervalS: p2, count: p3 === 0 ? undefined : p3 });
    case MavCmd.ImageStopCapture:
      return mission && zeroAt(0) ? { type: 'photo', stop: true } : raw();
    case MavCmd.VideoStartCapture:
    case MavCmd.VideoStopCapture:
      return mission && zeroAt(0, 1)
        ? { type: 'video', action: s.command === MavCmd.VideoStartCapture ? 'start' : 'stop' }
        : raw();
    case MavCmd.DoGimbalManagerPitchYaw:
      if (!mission || !Number.isNaN(p3) || !Number.isNaN(p4)) return raw();
      return dropUndefined({ type: 'gimbal', pitchDeg: p1, yawDeg: nanToUndef(p2) });
    case MavCmd.DoMountControl:
      if (!mission || p2 !== 0 || s.params[6] !== MOUNT_MODE_MAVLINK_TARGETING) return raw();
      return dropUndefined({ type: 'gimbal', pitchDeg: p1, yawDeg: p3 === 0 ? undefined : p3 });
    case MavCmdExtra.DoJump:
      return mission ? { type: 'jump', toItem: p1 - seqOffset(flavour), repeat: p2 } : raw();
    default:
      return raw();
  }
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** Decodes MISSION_ITEM_INT contents back to mission steps (sorted by seq). */
export function itemsToSteps(items: readonly MissionItemInt[]): MissionStep[] {
  return [...items]
    .sort((a, b) => a.seq - b.seq)
    .map((it) => ({
      routeIndex: null,
      command: it.command,
      frame: it.frame,
      params: P(
        it.param1,
        it.param2,
        it.param3,
        it.param4,
        decodeXY(it.x, it.frame),
        decodeXY(it.y, it.frame),
        it.z,
      ),
      autoContinue: it.autocontinue !== 0,
    }));
}

/**
 * A route from a downloaded mission (mission_type 0). ArduPilot's seq 0 becomes `home`;
 * items Aerie has a typed form for become typed items, the rest stay raw.
 */
export function fromMissionItems(items: readonly MissionItemInt[], options: FromMissionItemsOptions): Route {
  const steps = itemsToSteps(items);
  const route: Route = {
    name: options.name ?? 'downloaded mission',
    defaults: { ...DEFAULT_ROUTE_DEFAULTS },
    items: [],
  };
  let rest = steps;
  if (options.flavour === 'ardupilot' && steps.length > 0) {
    const h = steps[0]!;
    rest = steps.slice(1);
    if (h.params[4] !== 0 || h.params[5] !== 0)
      route.home = { lat: h.params[4], lon: h.params[5], altAmslM: h.params[6] };
  }
  route.items = rest.map((s) => itemFromStep(s, options.flavour));
  const firstAlt = route.items.find((i) => i.type === 'takeoff' || i.type === 'waypoint');
  if (firstAlt && 'altM' in firstAlt) route.defaults.altM = firstAlt.altM;
  return route;
}

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A deterministic CRC-32 of the items as they travel (float params at float32 precision, NaN
 * canonical), so two missions that would upload identically have the same checksum. This is
 * Aerie's own fingerprint, not PX4's opaque_id (which hashes PX4's internal storage).
 */
export function missionChecksum(items: readonly MissionItemInt[]): number {
  const buf = new DataView(new ArrayBuffer(items.length * 40));
  let o = 0;
  const f32 = (v: number): void => {
    buf.setFloat32(o, Number.isNaN(v) ? Number.NaN : v, true);
    if (Number.isNaN(v)) buf.setUint32(o, 0x7fc00000, true);
    o += 4;
  };
  for (const it of [...items].sort((a, b) => a.seq - b.seq)) {
    buf.setUint16(o, it.seq, true);
    buf.setUint16(o + 2, it.command, true);
    buf.setUint8(o + 4, it.frame);
    buf.setUint8(o + 5, it.autocontinue);
    buf.setUint8(o + 6, it.missionType);
    buf.setUint8(o + 7, 0);
    o += 8;
    f32(it.param1);
    f32(it.param2);
    f32(it.param3);
    f32(it.param4);
    buf.setInt32(o, it.x, true);
    buf.setInt32(o + 4, it.y, true);
    o += 8;
    f32(it.z);
  }
  return crc32(new Uint8Array(buf.buffer, 0, o));
}
