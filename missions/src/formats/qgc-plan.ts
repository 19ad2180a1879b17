/**
 * QGroundControl `.plan` files (fileType "Plan", version 1; mission version 2).
 *
 * What QGroundControl writes, from its MissionItem::save / SimpleMissionItem::save and
 * PlanMasterController: each SimpleItem carries command, frame, params[7] (null = NaN),
 * autoContinue and doJumpId (the item's number at save time, counting from 1); items that
 * specify an altitude also carry AltitudeMode (QGC's AltMode enum: 1 relative, 2 AMSL,
 * 3 calculated above terrain, 4 terrain frame), Altitude and AMSLAltAboveTerrain. DO_JUMP's
 * param1 names a doJumpId, not a position, so jumps are resolved to route indices on read and
 * back to doJumpIds on write. ComplexItems (survey, corridor scan, structure scan) are
 * rejected until Aerie can expand them exactly as QGroundControl does.
 */
import { type Static, Type } from 'typebox';
import type { Flavour } from '../convert.ts';
import { isGlobalFrame, MavCmdExtra, NAV_POSITION_COMMANDS, routeToSteps } from '../convert.ts';
import { MavFrame } from '../items.ts';
import type { Fence, Home, RallyPoint, Route, RouteItem, VehicleClass } from '../route.ts';
import { DEFAULT_ROUTE_DEFAULTS, itemPosition, paramsFromFile } from '../route.ts';
import { type ParseResult, parseFail } from './parse-result.ts';
import { schemaMessage } from './schema-message.ts';

const got = (v: unknown) => JSON.stringify(v) ?? 'nothing';
const numOrNull = () =>
  Type.Union([Type.Number(), Type.Null()], {
    errorMessage: (v: unknown) => `must be a number or null, got ${got(v)}`,
  });
const latLonPair = Type.Tuple([Type.Number(), Type.Number()], {
  errorMessage: 'must be [latitude, longitude]',
});

const simpleItem = Type.Object({
  type: Type.Literal('SimpleItem'),
  command: Type.Integer({ minimum: 0 }),
  frame: Type.Integer({ minimum: 0 }),
  params: Type.Array(numOrNull(), { minItems: 7, maxItems: 7, errorMessage: 'must have 7 entries' }),
  autoContinue: Type.Boolean(),
  doJumpId: Type.Optional(Type.Integer()),
  AltitudeMode: Type.Optional(Type.Number()),
  Altitude: Type.Optional(numOrNull()),
  AMSLAltAboveTerrain: Type.Optional(numOrNull()),
});

const planSchema = Type.Object({
  fileType: Type.Literal('Plan', { errorMessage: (v: unknown) => `must be "Plan", got ${got(v)}` }),
  version: Type.Literal(1, { errorMessage: (v: unknown) => `must be 1, got ${got(v)}` }),
  groundStation: Type.Optional(Type.String()),
  mission: Type.Object({
    version: Type.Literal(2, {
      errorMessage: (v: unknown) => `must be 2 (QGroundControl 3.2 and later), got ${got(v)}`,
    }),
    firmwareType: Type.Optional(Type.Number()),
    vehicleType: Type.Optional(Type.Number()),
    cruiseSpeed: Type.Optional(Type.Number()),
    hoverSpeed: Type.Optional(Type.Number()),
    globalPlanAltitudeMode: Type.Optional(Type.Number()),
    plannedHomePosition: Type.Array(numOrNull(), {
      minItems: 2,
      maxItems: 3,
      errorMessage: 'must be [latitude, longitude] or [latitude, longitude, altitude]',
    }),
    items: Type.Array(Type.Object({ type: Type.String() })),
  }),
  geoFence: Type.Optional(
    Type.Object({
      version: Type.Optional(Type.Number()),
      polygons: Type.Optional(
        Type.Array(
          Type.Object({
            inclusion: Type.Optional(Type.Boolean()),
            polygon: Type.Array(latLonPair, { minItems: 3, errorMessage: 'needs 3 or more vertices' }),
          }),
        ),
      ),
      circles: Type.Optional(
        Type.Array(
          Type.Object({
            inclusion: Type.Optional(Type.Boolean()),
            circle: Type.Object({ center: latLonPair, radius: Type.Number({ exclusiveMinimum: 0 }) }),
          }),
        ),
      ),
    }),
  ),
  rallyPoints: Type.Optional(
    Type.Object({
      version: Type.Optional(Type.Number()),
      points: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 3 })),
    }),
  ),
});

type SimpleItem = Static<typeof simpleItem>;
type Plan = Static<typeof planSchema>;

/** MAV_AUTOPILOT values QGroundControl writes as firmwareType. */
const FIRMWARE = { px4: 12, ardupilot: 3 } as const;

function vehicleFromMavType(t: number | undefined): VehicleClass | undefined {
  if (t === undefined) return undefined;
  if (t === 1) return 'fixedwing';
  if (t >= 19 && t <= 25) return 'vtol';
  return 'multicopter';
}

const MAV_TYPE_FOR: Record<VehicleClass, number> = { multicopter: 2, fixedwing: 1, vtol: 20 };

/**
 * Plans saved by QGroundControl before 3.3 keep params 5-7 in a separate `coordinate`
 * [lat, lon, alt] and only four `params`; QGroundControl still opens them (its
 * MissionItem::_convertJsonV2ToV3), so Aerie does too.
 */
function fromItemV2(raw: Record<string, unknown>): Record<string, unknown> {
  const { coordinate, params } = raw;
  if (Array.isArray(coordinate) && coordinate.length === 3 && Array.isArray(params) && params.length === 4) {
    const { coordinate: _c, ...rest } = raw;
    return { ...rest, params: [...params, ...coordinate] };
  }
  return raw;
}

/** Parses a QGroundControl plan (JSON text already decoded) into a Route. */
export function parseQgcPlan(json: unknown, name = 'QGroundControl plan'): ParseResult {
  const bad = schemaMessage(planSchema, json);
  if (bad !== null) return parseFail('InvalidPlan', bad);
  const plan = json as Plan;
  const rawItems = plan.mission.items;
  const parsed: SimpleItem[] = [];
  for (const [i, raw] of rawItems.entries()) {
    if (raw.type === 'ComplexItem') {
      const kind = (raw as { complexItemType?: unknown }).complexItemType;
      return parseFail(
        'UnsupportedItem',
        `mission.items[${i}]: complex item "${String(kind)}" is not supported yet (complexItemType ${JSON.stringify(kind)}); expand it to simple items in QGroundControl or plan it with aerie plan survey`,
      );
    }
    if (raw.type !== 'SimpleItem')
      return parseFail(
        'InvalidPlan',
        `mission.items[${i}].type: must be "SimpleItem" or "ComplexItem", got ${JSON.stringify(raw.type)}`,
      );
    const item = fromItemV2(raw);
    const badItem = schemaMessage(simpleItem, item, ['mission', 'items', i]);
    if (badItem !== null) return parseFail('InvalidPlan', badItem);
    parsed.push(item as SimpleItem);
  }
  const byJumpId = new Map<number, number>();
  parsed.forEach((it, i) => {
    if (it.doJumpId !== undefined && !byJumpId.has(it.doJumpId)) byJumpId.set(it.doJumpId, i);
  });
  const items: RouteItem[] = [];
  for (const [i, it] of parsed.entries()) {
    const params = paramsFromFile(it.params);
    if (it.command === MavCmdExtra.DoJump) {
      const target = byJumpId.get(params[0]);
      if (target === undefined)
        return parseFail(
          'InvalidPlan',
          `mission.items[${i}].params[0]: DO_JUMP names doJumpId ${params[0]}, which no item has`,
        );
      items.push({ type: 'jump', toItem: target, repeat: params[1] });
      continue;
    }
    if (isGlobalFrame(it.frame) && NAV_POSITION_COMMANDS.has(it.command)) {
      const [lat, lon] = [params[4], params[5]];
      if (Number.isFinite(lat) && (lat < -90 || lat > 90))
        return parseFail(
          'InvalidPlan',
          `mission.items[${i}].params[4]: latitude must be between -90 and 90, got ${lat}`,
        );
      if (Number.isFinite(lon) && (lon < -180 || lon > 180))
        return parseFail(
          'InvalidPlan',
          `mission.items[${i}].params[5]: longitude must be between -180 and 180, got ${lon}`,
        );
    }
    items.push({
      type: 'mavlink',
      command: it.command,
      frame: it.frame,
      params,
      autoContinue: it.autoContinue,
    });
  }

  const m = plan.mission;
  const vehicle = vehicleFromMavType(m.vehicleType);
  const speed = vehicle === 'fixedwing' ? (m.cruiseSpeed ?? m.hoverSpeed) : (m.hoverSpeed ?? m.cruiseSpeed);
  const firstAlt = parsed.find(
    (it) => isGlobalFrame(it.frame) && NAV_POSITION_COMMANDS.has(it.command) && it.params[6] !== null,
  );
  const route: Route = {
    name,
    defaults: {
      altM: (firstAlt?.params[6] as number | undefined) ?? DEFAULT_ROUTE_DEFAULTS.altM,
      speedMps: speed && speed > 0 ? speed : DEFAULT_ROUTE_DEFAULTS.speedMps,
    },
    items,
  };
  const [hLat, hLon, hAlt] = m.plannedHomePosition;
  if (typeof hLat === 'number' && typeof hLon === 'number' && !(hLat === 0 && hLon === 0)) {
    if (hLat < -90 || hLat > 90)
      return parseFail(
        'InvalidPlan',
        `mission.plannedHomePosition[0]: latitude must be between -90 and 90, got ${hLat}`,
      );
    if (hLon < -180 || hLon > 180)
      return parseFail(
        'InvalidPlan',
        `mission.plannedHomePosition[1]: longitude must be between -180 and 180, got ${hLon}`,
      );
    const home: Home = { lat: hLat, lon: hLon };
    if (typeof hAlt === 'number') home.altAmslM = hAlt;
    route.home = home;
  }
  if (vehicle) route.vehicle = vehicle;
  const gf = plan.geoFence;
  if (gf && ((gf.polygons?.length ?? 0) > 0 || (gf.circles?.length ?? 0) > 0)) {
    const fence: Fence = {
      polygons: (gf.polygons ?? []).map((p) => ({
        inclusion: p.inclusion ?? true,
        points: p.polygon.map(([lat, lon]) => ({ lat, lon })),
      })),
      circles: (gf.circles ?? []).map((c) => ({
        inclusion: c.inclusion ?? true,
        center: { lat: c.circle.center[0], lon: c.circle.center[1] },
        radiusM: c.circle.radius,
      })),
    };
    route.fence = fence;
  }
  if (plan.rallyPoints && plan.rallyPoints.points.length > 0) {
    route.rally = plan.rallyPoints.points.map(
      (p): RallyPoint => ({ lat: p[0]!, lon: p[1]!, altM: p[2] ?? route.defaults.altM }),
    );
  }
  return { ok: true, route, format: 'qgc-plan' };
}

export interface WritePlanOptions {
  /** Firmware the plan is for (sets firmwareType and the gimbal command). Default px4. */
  flavour?: Flavour;
}

/** QGroundControl's planner shows relative altitudes only for the non-INT frames. */
function qgcFrame(frame: number): number {
  if (frame === MavFrame.GlobalInt) return MavFrame.Global;
  if (frame === MavFrame.GlobalRelativeAltInt) return MavFrame.GlobalRelativeAlt;
  if (frame === MavFrame.GlobalTerrainAltInt) return MavFrame.GlobalTerrainAlt;
  return frame;
}

function altitudeMode(frame: number): number {
  if (frame === MavFrame.Global) return 2;
  if (frame === MavFrame.GlobalTerrainAlt) return 4;
  return 1;
}

const jsonNum = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The plan as a JSON-ready object, in QGroundControl's layout. */
export function planObject(route: Route, options: WritePlanOptions = {}): Record<string, unknown> {
  const flavour = options.flavour ?? 'px4';
  const all = routeToSteps(route, { flavour, ...(route.home ? { home: route.home } : {}) });
  const steps = flavour === 'ardupilot' ? all.slice(1) : all;
  const items = steps.map((s, i) => {
    const frame = qgcFrame(s.frame);
    const params = s.params.map(jsonNum);
    const src = route.items[i]!;
    if (src.type === 'jump') params[0] = src.toItem + 1;
    const out: Record<string, unknown> = {};
    // QGroundControl insists Altitude is a number when present; without one it falls back to param7.
    if (isGlobalFrame(frame) && NAV_POSITION_COMMANDS.has(s.command) && Number.isFinite(s.params[6])) {
      out.AMSLAltAboveTerrain = null;
      out.Altitude = jsonNum(s.params[6]);
      out.AltitudeMode = altitudeMode(frame);
    }
    Object.assign(out, {
      autoContinue: s.autoContinue,
      command: s.command,
      doJumpId: i + 1,
      frame,
      params,
      type: 'SimpleItem',
    });
    return out;
  });
  let home: [number, number, number] = [0, 0, 0];
  if (route.home) home = [route.home.lat, route.home.lon, route.home.altAmslM ?? 0];
  else {
    const first = route.items.map(itemPosition).find((p) => p !== null);
    if (first) home = [first.lat, first.lon, 0];
  }
  return {
    fileType: 'Plan',
    geoFence: {
      circles: (route.fence?.circles ?? []).map((c) => ({
        circle: { center: [c.center.lat, c.center.lon], radius: c.radiusM },
        inclusion: c.inclusion,
        version: 1,
      })),
      polygons: (route.fence?.polygons ?? []).map((p) => ({
        inclusion: p.inclusion,
        polygon: p.points.map((q) => [q.lat, q.lon]),
        version: 1,
      })),
      version: 2,
    },
    groundStation: 'Aerie',
    mission: {
      cruiseSpeed: route.defaults.speedMps,
      firmwareType: FIRMWARE[flavour],
      globalPlanAltitudeMode: 1,
      hoverSpeed: route.defaults.speedMps,
      items,
      plannedHomePosition: home,
      vehicleType: MAV_TYPE_FOR[route.vehicle ?? 'multicopter'],
      version: 2,
    },
    rallyPoints: { points: (route.rally ?? []).map((r) => [r.lat, r.lon, r.altM]), version: 2 },
    version: 1,
  };
}

/** Writes a route as a QGroundControl `.plan` file that QGroundControl can open. */
export function writeQgcPlan(route: Route, options: WritePlanOptions = {}): string {
  return `${JSON.stringify(planObject(route, options), null, 4)}\n`;
}
