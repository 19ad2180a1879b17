/**
 * Aerie route JSON (`"format": "aerie.route", "version": 1`): the documented, hand-editable
 * route format. See missions/README.md for the full description. Items may leave out `altM`;
 * the route's `defaults.altM` fills it in during parsing, so the resulting Route is complete.
 */
import { z } from 'zod';
import type { Route, RouteItem } from '../route.ts';
import { DEFAULT_ROUTE_DEFAULTS } from '../route.ts';
import { type ParseResult, parseFail, zodMessage } from './parse-result.ts';

const between = (lo: number, hi: number) =>
  z
    .number({ error: (iss) => `must be a number, got ${JSON.stringify(iss.input) ?? 'nothing'}` })
    .min(lo, { error: (iss) => `must be between ${lo} and ${hi}, got ${String(iss.input)}` })
    .max(hi, { error: (iss) => `must be between ${lo} and ${hi}, got ${String(iss.input)}` });

const num = () =>
  z.number({ error: (iss) => `must be a number, got ${JSON.stringify(iss.input) ?? 'nothing'}` });
const nonNeg = () => num().min(0, { error: (iss) => `must be 0 or more, got ${String(iss.input)}` });
const positive = () => num().gt(0, { error: (iss) => `must be more than 0, got ${String(iss.input)}` });

/** Latitude in degrees. */
export const latSchema = between(-90, 90);
/** Longitude in degrees. */
export const lonSchema = between(-180, 180);
/** Altitude above home, metres: negative values are allowed here and caught by validation. */
const altSchema = num();

const takeoff = z.strictObject({
  type: z.literal('takeoff'),
  altM: altSchema.optional(),
  lat: latSchema.optional(),
  lon: lonSchema.optional(),
  pitchDeg: num().optional(),
  yawDeg: num().optional(),
});
const waypoint = z.strictObject({
  type: z.literal('waypoint'),
  lat: latSchema,
  lon: lonSchema,
  altM: altSchema.optional(),
  holdS: nonNeg().optional(),
  acceptRadiusM: nonNeg().optional(),
  passRadiusM: nonNeg().optional(),
  yawDeg: num().optional(),
});
const loiter = z
  .strictObject({
    type: z.literal('loiter'),
    lat: latSchema,
    lon: lonSchema,
    altM: altSchema.optional(),
    turns: positive().optional(),
    timeS: nonNeg().optional(),
    radiusM: nonNeg().optional(),
  })
  .refine((v) => v.turns === undefined || v.timeS === undefined, {
    message: 'give either turns or timeS, not both',
    path: ['turns'],
  });
const speed = z.strictObject({
  type: z.literal('speed'),
  mps: positive(),
  speedType: z.enum(['ground', 'air']).optional(),
});
const photo = z.strictObject({
  type: z.literal('photo'),
  distanceM: nonNeg().optional(),
  intervalS: positive().optional(),
  count: nonNeg().int().optional(),
  stop: z.boolean().optional(),
});
const gimbal = z.strictObject({
  type: z.literal('gimbal'),
  pitchDeg: between(-180, 180),
  yawDeg: between(-360, 360).optional(),
});
const video = z.strictObject({ type: z.literal('video'), action: z.enum(['start', 'stop']) });
const jump = z.strictObject({
  type: z.literal('jump'),
  toItem: nonNeg().int(),
  repeat: nonNeg().int(),
});
const rtl = z.strictObject({ type: z.literal('rtl') });
const land = z.strictObject({
  type: z.literal('land'),
  lat: latSchema.optional(),
  lon: lonSchema.optional(),
});
const param = z.union([num(), z.null()]);
const mavlink = z.strictObject({
  type: z.literal('mavlink'),
  command: nonNeg().int(),
  frame: nonNeg().int(),
  params: z.tuple([param, param, param, param, param, param, param], {
    error: 'must be an array of 7 numbers (null for unset)',
  }),
  autoContinue: z.boolean().optional(),
});

const ITEM_TYPES = [
  'takeoff',
  'waypoint',
  'loiter',
  'speed',
  'photo',
  'gimbal',
  'video',
  'jump',
  'rtl',
  'land',
  'mavlink',
] as const;

const item = z.discriminatedUnion(
  'type',
  [takeoff, waypoint, loiter, speed, photo, gimbal, video, jump, rtl, land, mavlink],
  {
    error: (iss) =>
      `type must be one of ${ITEM_TYPES.join(', ')}, got ${JSON.stringify((iss.input as { type?: unknown })?.type) ?? 'nothing'}`,
  },
);

const latLon = z.strictObject({ lat: latSchema, lon: lonSchema });

/** zod schema of an Aerie route file. */
export const aerieRouteSchema = z.strictObject({
  format: z.literal('aerie.route', { error: 'must be "aerie.route"' }),
  version: z.literal(1, { error: (iss) => `must be 1 (the only version), got ${JSON.stringify(iss.input)}` }),
  name: z.string().min(1, 'must not be empty'),
  home: z.strictObject({ lat: latSchema, lon: lonSchema, altAmslM: num().optional() }).optional(),
  vehicle: z.enum(['multicopter', 'fixedwing', 'vtol']).optional(),
  defaults: z.strictObject({ altM: altSchema.optional(), speedMps: positive().optional() }).optional(),
  items: z.array(item),
  fence: z
    .strictObject({
      polygons: z.array(
        z.strictObject({ inclusion: z.boolean(), points: z.array(latLon).min(3, 'needs 3 or more points') }),
      ),
      circles: z.array(z.strictObject({ inclusion: z.boolean(), center: latLon, radiusM: positive() })),
    })
    .optional(),
  rally: z.array(z.strictObject({ lat: latSchema, lon: lonSchema, altM: altSchema })).optional(),
});

export type AerieRouteFile = z.input<typeof aerieRouteSchema>;

/** Parses Aerie route JSON (already decoded) into a normalised Route. */
export function parseAerieRoute(json: unknown): ParseResult {
  const r = aerieRouteSchema.safeParse(json);
  if (!r.success) return parseFail('InvalidRoute', zodMessage(r.error));
  const f = r.data;
  const defaults = {
    altM: f.defaults?.altM ?? DEFAULT_ROUTE_DEFAULTS.altM,
    speedMps: f.defaults?.speedMps ?? DEFAULT_ROUTE_DEFAULTS.speedMps,
  };
  const items: RouteItem[] = [];
  for (const [i, it] of f.items.entries()) {
    switch (it.type) {
      case 'takeoff':
      case 'waypoint':
      case 'loiter':
        items.push({ ...it, altM: it.altM ?? defaults.altM } as RouteItem);
        break;
      case 'mavlink':
        items.push({
          type: 'mavlink',
          command: it.command,
          frame: it.frame,
          params: it.params.map((p) => p ?? Number.NaN) as [
            number,
            number,
            number,
            number,
            number,
            number,
            number,
          ],
          autoContinue: it.autoContinue ?? true,
        });
        break;
      case 'jump':
        if (it.toItem >= f.items.length)
          return parseFail(
            'InvalidRoute',
            `items[${i}].toItem: must name an item of this route (0-${f.items.length - 1}), got ${it.toItem}`,
          );
        items.push(it);
        break;
      default:
        items.push(it as RouteItem);
    }
    if ((it.type === 'takeoff' || it.type === 'land') && (it.lat === undefined) !== (it.lon === undefined))
      return parseFail(
        'InvalidRoute',
        `items[${i}].${it.lat === undefined ? 'lat' : 'lon'}: give both lat and lon, or neither`,
      );
  }
  const route: Route = { name: f.name, defaults, items };
  if (f.home) route.home = f.home;
  if (f.vehicle) route.vehicle = f.vehicle;
  if (f.fence) route.fence = f.fence;
  if (f.rally) route.rally = f.rally;
  return { ok: true, route, format: 'aerie' };
}

/** Writes a route as Aerie route JSON text (NaN params become null). */
export function writeAerieRoute(route: Route): string {
  const file = {
    format: 'aerie.route',
    version: 1,
    name: route.name,
    ...(route.home ? { home: route.home } : {}),
    ...(route.vehicle ? { vehicle: route.vehicle } : {}),
    defaults: route.defaults,
    items: route.items.map((it) =>
      it.type === 'mavlink' ? { ...it, params: it.params.map((p) => (Number.isFinite(p) ? p : null)) } : it,
    ),
    ...(route.fence ? { fence: route.fence } : {}),
    ...(route.rally ? { rally: route.rally } : {}),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
