/**
 * Aerie route JSON (`"format": "aerie.route", "version": 1`): the documented, hand-editable
 * route format. See missions/README.md for the full description. Items may leave out `altM`;
 * the route's `defaults.altM` fills it in during parsing, so the resulting Route is complete.
 */
import { type Static, type TLiteral, type TSchema, Type } from 'typebox';
import { captureProblem } from '../capture.ts';
import type { CaptureSetting, Route, RouteItem } from '../route.ts';
import { DEFAULT_ROUTE_DEFAULTS, paramsFromFile } from '../route.ts';
import { type ParseResult, parseFail } from './parse-result.ts';
import { schemaMessage } from './schema-message.ts';

const notNumber = (v: unknown) => `must be a number, got ${JSON.stringify(v) ?? 'nothing'}`;

const between = (lo: number, hi: number) =>
  Type.Number({
    minimum: lo,
    maximum: hi,
    errorMessage: (v: unknown) =>
      typeof v === 'number' ? `must be between ${lo} and ${hi}, got ${String(v)}` : notNumber(v),
  });

const num = () => Type.Number({ errorMessage: notNumber });
const nonNeg = () =>
  Type.Number({
    minimum: 0,
    errorMessage: (v: unknown) =>
      typeof v === 'number' ? `must be 0 or more, got ${String(v)}` : notNumber(v),
  });
const nonNegInt = () =>
  Type.Integer({
    minimum: 0,
    errorMessage: (v: unknown) =>
      typeof v !== 'number'
        ? notNumber(v)
        : Number.isInteger(v)
          ? `must be 0 or more, got ${String(v)}`
          : `must be a whole number, got ${String(v)}`,
  });
const positive = () =>
  Type.Number({
    exclusiveMinimum: 0,
    errorMessage: (v: unknown) =>
      typeof v === 'number' ? `must be more than 0, got ${String(v)}` : notNumber(v),
  });
const oneOf = <const T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v)) as TLiteral<T[number]>[], {
    errorMessage: (v: unknown) =>
      `must be one of ${values.join(', ')}, got ${JSON.stringify(v) ?? 'nothing'}`,
  });
const bool = () =>
  Type.Boolean({
    errorMessage: (v: unknown) => `must be true or false, got ${JSON.stringify(v) ?? 'nothing'}`,
  });
/** An object that rejects fields it does not name. */
const strict = <P extends Record<string, TSchema>>(props: P) =>
  Type.Object(props, { additionalProperties: false });

/** Latitude in degrees. */
export const latSchema = between(-90, 90);
/** Longitude in degrees. */
export const lonSchema = between(-180, 180);
/** Altitude above home, metres: negative values are allowed here and caught by validation. */
const altSchema = num();

const takeoff = strict({
  type: Type.Literal('takeoff'),
  altM: Type.Optional(altSchema),
  lat: Type.Optional(latSchema),
  lon: Type.Optional(lonSchema),
  pitchDeg: Type.Optional(num()),
  yawDeg: Type.Optional(num()),
});
const waypoint = strict({
  type: Type.Literal('waypoint'),
  lat: latSchema,
  lon: lonSchema,
  altM: Type.Optional(altSchema),
  holdS: Type.Optional(nonNeg()),
  acceptRadiusM: Type.Optional(nonNeg()),
  passRadiusM: Type.Optional(nonNeg()),
  yawDeg: Type.Optional(num()),
});
/** Also checked after the schema: not both turns and timeS. */
const loiter = strict({
  type: Type.Literal('loiter'),
  lat: latSchema,
  lon: lonSchema,
  altM: Type.Optional(altSchema),
  turns: Type.Optional(positive()),
  timeS: Type.Optional(nonNeg()),
  radiusM: Type.Optional(nonNeg()),
});
const speed = strict({
  type: Type.Literal('speed'),
  mps: positive(),
  speedType: Type.Optional(oneOf(['ground', 'air'])),
});
const photo = strict({
  type: Type.Literal('photo'),
  distanceM: Type.Optional(nonNeg()),
  intervalS: Type.Optional(positive()),
  count: Type.Optional(nonNegInt()),
  stop: Type.Optional(bool()),
});
const gimbal = strict({
  type: Type.Literal('gimbal'),
  pitchDeg: between(-180, 180),
  yawDeg: Type.Optional(between(-360, 360)),
});
const video = strict({ type: Type.Literal('video'), action: oneOf(['start', 'stop']) });
const jump = strict({
  type: Type.Literal('jump'),
  toItem: nonNegInt(),
  repeat: nonNegInt(),
});
const rtl = strict({ type: Type.Literal('rtl') });
const land = strict({
  type: Type.Literal('land'),
  lat: Type.Optional(latSchema),
  lon: Type.Optional(lonSchema),
});
const param = Type.Union([num(), Type.Null()], {
  errorMessage: (v: unknown) => `must be a number or null, got ${JSON.stringify(v) ?? 'nothing'}`,
});
const params7 = 'must be an array of 7 numbers (null for unset)';
const mavlink = strict({
  type: Type.Literal('mavlink'),
  command: nonNegInt(),
  frame: nonNegInt(),
  params: Type.Tuple([param, param, param, param, param, param, param], { errorMessage: params7 }),
  autoContinue: Type.Optional(bool()),
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

const item = Type.Union([takeoff, waypoint, loiter, speed, photo, gimbal, video, jump, rtl, land, mavlink], {
  discriminator: 'type',
  errorMessage: (v: unknown) =>
    `type must be one of ${ITEM_TYPES.join(', ')}, got ${JSON.stringify((v as { type?: unknown } | null)?.type) ?? 'nothing'}`,
});

const latLon = strict({ lat: latSchema, lon: lonSchema });

/** TypeBox schema of an Aerie route file. */
export const aerieRouteSchema = strict({
  format: Type.Literal('aerie.route', { errorMessage: 'must be "aerie.route"' }),
  version: Type.Literal(1, {
    errorMessage: (v: unknown) => `must be 1 (the only version), got ${JSON.stringify(v) ?? 'nothing'}`,
  }),
  name: Type.String({
    minLength: 1,
    errorMessage: (v: unknown) =>
      typeof v === 'string' ? 'must not be empty' : `must be a string, got ${JSON.stringify(v) ?? 'nothing'}`,
  }),
  home: Type.Optional(strict({ lat: latSchema, lon: lonSchema, altAmslM: Type.Optional(num()) })),
  vehicle: Type.Optional(oneOf(['multicopter', 'fixedwing', 'vtol'])),
  defaults: Type.Optional(strict({ altM: Type.Optional(altSchema), speedMps: Type.Optional(positive()) })),
  items: Type.Array(item),
  fence: Type.Optional(
    strict({
      polygons: Type.Array(
        strict({
          inclusion: bool(),
          points: Type.Array(latLon, { minItems: 3, errorMessage: 'needs 3 or more points' }),
        }),
      ),
      circles: Type.Array(strict({ inclusion: bool(), center: latLon, radiusM: positive() })),
    }),
  ),
  rally: Type.Optional(Type.Array(strict({ lat: latSchema, lon: lonSchema, altM: altSchema }))),
  /** Stills along the whole patrol: one of distanceM or intervalS (see CaptureSetting). */
  capture: Type.Optional(
    strict({ distanceM: Type.Optional(positive()), intervalS: Type.Optional(positive()) }),
  ),
});

export type AerieRouteFile = Static<typeof aerieRouteSchema>;

/** Parses Aerie route JSON (already decoded) into a normalised Route. */
export function parseAerieRoute(json: unknown): ParseResult {
  const bad = schemaMessage(aerieRouteSchema, json);
  if (bad !== null) return parseFail('InvalidRoute', bad);
  const f = json as AerieRouteFile;
  for (const [i, it] of f.items.entries())
    if (it.type === 'loiter' && it.turns !== undefined && it.timeS !== undefined)
      return parseFail('InvalidRoute', `items[${i}].turns: give either turns or timeS, not both`);
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
          params: paramsFromFile(it.params),
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
  if (f.capture) {
    const { distanceM, intervalS } = f.capture;
    if ((distanceM === undefined) === (intervalS === undefined))
      return parseFail('InvalidRoute', 'capture: give either distanceM or intervalS');
    const capture: CaptureSetting = distanceM !== undefined ? { distanceM } : { intervalS: intervalS! };
    const problem = captureProblem(route, capture);
    if (problem) return parseFail('InvalidRoute', problem);
    route.capture = capture;
  }
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
    ...(route.capture ? { capture: route.capture } : {}),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
