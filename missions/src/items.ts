/**
 * A MAVLink mission item as it travels in MISSION_ITEM_INT, free of any wire library.
 * This is the contract between the planning library (which produces items) and the
 * bridge's mission protocol (which transfers them). Latitude and longitude are degrees
 * times 1e7 for global frames, as on the wire; `z` is metres in the item's frame.
 */
export interface MissionItemInt {
  seq: number;
  frame: number;
  command: number;
  current: number;
  autocontinue: number;
  param1: number;
  param2: number;
  param3: number;
  param4: number;
  x: number;
  y: number;
  z: number;
  missionType: MissionType;
}

/** MAV_MISSION_TYPE: the three lists a vehicle keeps, transferred by the same protocol. */
export const MissionType = { Mission: 0, Fence: 1, Rally: 2 } as const;
export type MissionType = (typeof MissionType)[keyof typeof MissionType];

/** The MAV_FRAME values Aerie produces. */
export const MavFrame = {
  Global: 0,
  Mission: 2,
  GlobalRelativeAlt: 3,
  GlobalInt: 5,
  GlobalRelativeAltInt: 6,
  GlobalTerrainAlt: 10,
  GlobalTerrainAltInt: 11,
} as const;

/** The MAV_CMD values Aerie plans with. */
export const MavCmd = {
  NavWaypoint: 16,
  NavLoiterUnlim: 17,
  NavLoiterTurns: 18,
  NavLoiterTime: 19,
  NavReturnToLaunch: 20,
  NavLand: 21,
  NavTakeoff: 22,
  DoChangeSpeed: 178,
  DoSetCamTriggDist: 206,
  DoMountControl: 205,
  DoGimbalManagerPitchYaw: 1000,
  ImageStartCapture: 2000,
  ImageStopCapture: 2001,
  VideoStartCapture: 2500,
  VideoStopCapture: 2501,
  NavFenceReturnPoint: 5000,
  NavFencePolygonVertexInclusion: 5001,
  NavFencePolygonVertexExclusion: 5002,
  NavFenceCircleInclusion: 5003,
  NavFenceCircleExclusion: 5004,
  NavRallyPoint: 5100,
} as const;

/** What an item says and where, without the list it stands in: what a vehicle stores of it. */
export type ItemBody = Omit<MissionItemInt, 'seq' | 'missionType'>;

/** The body fields of anything shaped like a mission item (a wire message, a stored item), and nothing else. */
export function itemBody(m: ItemBody): ItemBody {
  return {
    frame: m.frame,
    command: m.command,
    current: m.current,
    autocontinue: m.autocontinue,
    param1: m.param1,
    param2: m.param2,
    param3: m.param3,
    param4: m.param4,
    x: m.x,
    y: m.y,
    z: m.z,
  };
}

/** The four free parameters of an item; those not given are 0. */
export interface ItemParams {
  param1?: number;
  param2?: number;
  param3?: number;
  param4?: number;
}

/**
 * An item at a global position: x/y are the degrees times 1e7 as on the wire (rounded), z is
 * metres in the frame, autocontinue on, not current, and parameters 0 unless given.
 */
export function itemAt(
  frame: number,
  command: number,
  at: { lat: number; lon: number },
  z: number,
  params: ItemParams = {},
): ItemBody {
  return {
    frame,
    command,
    current: 0,
    autocontinue: 1,
    param1: params.param1 ?? 0,
    param2: params.param2 ?? 0,
    param3: params.param3 ?? 0,
    param4: params.param4 ?? 0,
    x: Math.round(at.lat * 1e7),
    y: Math.round(at.lon * 1e7),
    z,
  };
}
