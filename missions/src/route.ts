/**
 * The normalised in-memory route: what every importer produces and every exporter, converter
 * and check reads. Altitudes of typed items are metres above home (they become
 * MAV_FRAME_GLOBAL_RELATIVE_ALT_INT); anything Aerie has no typed item for is kept as a raw
 * `mavlink` item, so a QGroundControl plan passes through unchanged.
 */
import type { LatLon } from './geo.ts';

/** Where a route is flown from: a dock or the planned home. `altAmslM` only matters for AMSL items. */
export interface Home extends LatLon {
  altAmslM?: number;
}

/** Route-wide defaults applied when an item leaves them out. */
export interface RouteDefaults {
  /** Altitude above home, metres. */
  altM: number;
  /** Cruise speed, metres per second (used for duration estimates). */
  speedMps: number;
}

export type VehicleClass = 'multicopter' | 'fixedwing' | 'vtol';

export interface TakeoffItem {
  type: 'takeoff';
  altM: number;
  /** Where to take off; when absent the vehicle climbs where it stands (home on the wire). */
  lat?: number;
  lon?: number;
  /** Minimum pitch, fixed wing only. */
  pitchDeg?: number;
  yawDeg?: number;
}

export interface WaypointItem {
  type: 'waypoint';
  lat: number;
  lon: number;
  altM: number;
  holdS?: number;
  acceptRadiusM?: number;
  /** Pass-by radius (0 = fly through the point). */
  passRadiusM?: number;
  yawDeg?: number;
}

/** Loiter: `turns` (ArduPilot only), `timeS`, or neither (unlimited). */
export interface LoiterItem {
  type: 'loiter';
  lat: number;
  lon: number;
  altM: number;
  turns?: number;
  timeS?: number;
  radiusM?: number;
}

export interface SpeedItem {
  type: 'speed';
  mps: number;
  speedType?: 'ground' | 'air';
}

/**
 * Camera stills. `distanceM` > 0 starts distance triggering (DO_SET_CAM_TRIGG_DIST), 0 stops it;
 * `intervalS` starts timed capture (IMAGE_START_CAPTURE); `stop` ends timed capture; with none
 * of them a single photo is taken.
 */
export interface PhotoItem {
  type: 'photo';
  distanceM?: number;
  intervalS?: number;
  count?: number;
  stop?: boolean;
}

export interface GimbalItem {
  type: 'gimbal';
  pitchDeg: number;
  yawDeg?: number;
}

export interface VideoItem {
  type: 'video';
  action: 'start' | 'stop';
}

/** DO_JUMP to the route item at index `toItem`, `repeat` times. */
export interface JumpItem {
  type: 'jump';
  toItem: number;
  repeat: number;
}

export interface RtlItem {
  type: 'rtl';
}

/** Land at the given point, or where the previous position item left the vehicle. */
export interface LandItem {
  type: 'land';
  lat?: number;
  lon?: number;
}

/** The seven parameters of a MAVLink mission item; NaN means unset. */
export type MavParams = [number, number, number, number, number, number, number];

/** Parameters as plan files write them, null for unset, with NaN in its place. */
export function paramsFromFile(params: readonly (number | null)[]): MavParams {
  return params.map((p) => p ?? Number.NaN) as MavParams;
}

/** Any MAVLink mission item, as QGroundControl keeps it: params 5-7 are lat, lon, alt in global frames; NaN means unset. */
export interface MavlinkItem {
  type: 'mavlink';
  command: number;
  frame: number;
  params: MavParams;
  autoContinue: boolean;
}

export type RouteItem =
  | TakeoffItem
  | WaypointItem
  | LoiterItem
  | SpeedItem
  | PhotoItem
  | GimbalItem
  | VideoItem
  | JumpItem
  | RtlItem
  | LandItem
  | MavlinkItem;

export type RouteItemType = RouteItem['type'];

export interface FencePolygon {
  inclusion: boolean;
  points: LatLon[];
}

export interface FenceCircle {
  inclusion: boolean;
  center: LatLon;
  radiusM: number;
}

/** A geofence as QGroundControl stores it with a plan. */
export interface Fence {
  polygons: FencePolygon[];
  circles: FenceCircle[];
}

export interface RallyPoint extends LatLon {
  altM: number;
}

/**
 * Stills for the whole patrol, instead of photo items: one every `distanceM` metres flown
 * (distance triggering) or every `intervalS` seconds (timed capture), from the take-off to the
 * return or landing. `withCaptureItems` (capture.ts) turns it into the camera items.
 */
export type CaptureSetting = { distanceM: number } | { intervalS: number };

/** A route, normalised: defaults applied, every item complete. */
export interface Route {
  name: string;
  home?: Home;
  vehicle?: VehicleClass;
  defaults: RouteDefaults;
  items: RouteItem[];
  /** Stills along the whole route (see CaptureSetting); absent: only the route's own photo items. */
  capture?: CaptureSetting;
  fence?: Fence;
  rally?: RallyPoint[];
}

/** Defaults used when a file gives none. */
export const DEFAULT_ROUTE_DEFAULTS: RouteDefaults = { altM: 30, speedMps: 8 };

/** The position an item flies to, when it has one of its own. */
export function itemPosition(item: RouteItem): LatLon | null {
  switch (item.type) {
    case 'waypoint':
    case 'loiter':
      return { lat: item.lat, lon: item.lon };
    case 'takeoff':
    case 'land':
      return item.lat !== undefined && item.lon !== undefined ? { lat: item.lat, lon: item.lon } : null;
    default:
      return null;
  }
}
