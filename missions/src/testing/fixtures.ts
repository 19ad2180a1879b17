/**
 * Test fixtures: a QGroundControl plan as QGroundControl 4.x saves it (key order, null for
 * NaN params, AltitudeMode on items that specify an altitude), and an Aerie route.
 */
import { destination, type LatLon } from '../geo.ts';
import type { Route } from '../route.ts';

/** Dock in Hangzhou's Xihu district: the home used across the tests. */
export const DOCK = { lat: 30.2741, lon: 120.1551 };

/**
 * A square with edges north-south and east-west, `half` metres from its centre to each edge,
 * centred `dist` metres from the dock along `bearing`: four corners from the south-west, anticlockwise.
 */
export function squareNearDock(half: number, bearing = 0, dist = 0): LatLon[] {
  const c = destination(DOCK, bearing, dist);
  const n = destination(c, 0, half).lat;
  const s = destination(c, 180, half).lat;
  const e = destination(c, 90, half).lon;
  const w = destination(c, 270, half).lon;
  return [
    { lat: s, lon: w },
    { lat: s, lon: e },
    { lat: n, lon: e },
    { lat: n, lon: w },
  ];
}

export const QGC_PLAN = {
  fileType: 'Plan',
  geoFence: {
    circles: [{ circle: { center: [30.2745, 120.158], radius: 40.5 }, inclusion: false, version: 1 }],
    polygons: [
      {
        inclusion: true,
        polygon: [
          [30.27, 120.15],
          [30.28, 120.15],
          [30.28, 120.162],
          [30.27, 120.162],
        ],
        version: 1,
      },
    ],
    version: 2,
  },
  groundStation: 'QGroundControl',
  mission: {
    cruiseSpeed: 15,
    firmwareType: 12,
    globalPlanAltitudeMode: 1,
    hoverSpeed: 5,
    items: [
      {
        AMSLAltAboveTerrain: null,
        Altitude: 30,
        AltitudeMode: 1,
        autoContinue: true,
        command: 22,
        doJumpId: 1,
        frame: 3,
        params: [0, 0, 0, null, 30.2741, 120.1551, 30],
        type: 'SimpleItem',
      },
      {
        AMSLAltAboveTerrain: null,
        Altitude: 40,
        AltitudeMode: 1,
        autoContinue: true,
        command: 16,
        doJumpId: 2,
        frame: 3,
        params: [0, 0, 0, null, 30.2755, 120.1562, 40],
        type: 'SimpleItem',
      },
      {
        autoContinue: true,
        command: 178,
        doJumpId: 3,
        frame: 2,
        params: [1, 6, -1, 0, 0, 0, 0],
        type: 'SimpleItem',
      },
      {
        AMSLAltAboveTerrain: null,
        Altitude: 40,
        AltitudeMode: 1,
        autoContinue: true,
        command: 16,
        doJumpId: 4,
        frame: 3,
        params: [5, 0, 0, null, 30.2762, 120.1549, 40],
        type: 'SimpleItem',
      },
      {
        autoContinue: true,
        command: 177,
        doJumpId: 5,
        frame: 2,
        params: [2, 1, 0, 0, 0, 0, 0],
        type: 'SimpleItem',
      },
      {
        autoContinue: true,
        command: 20,
        doJumpId: 6,
        frame: 2,
        params: [0, 0, 0, 0, 0, 0, 0],
        type: 'SimpleItem',
      },
    ],
    plannedHomePosition: [30.2741, 120.1551, 12.3],
    vehicleType: 2,
    version: 2,
  },
  rallyPoints: { points: [[30.2738, 120.1557, 25]], version: 2 },
  version: 1,
};

/** A patrol: take off, two waypoints ~150 m apart, RTL. */
export function patrolRoute(): Route {
  return {
    name: 'patrol',
    home: { ...DOCK },
    defaults: { altM: 30, speedMps: 8 },
    items: [
      { type: 'takeoff', altM: 30 },
      { type: 'waypoint', lat: 30.2755, lon: 120.1551, altM: 30 },
      { type: 'waypoint', lat: 30.2755, lon: 120.1567, altM: 40, holdS: 5 },
      { type: 'rtl' },
    ],
  };
}
