/**
 * `aerie plan ...`: the thin I/O adapter over the planning library. Commands read files,
 * call the pure functions and print JSON; exit codes: 0 fine, 1 the route may not fly,
 * 2 a file or argument could not be read or parsed (the message names the item and field).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Flavour } from '../convert.ts';
import { toMissionItems } from '../convert.ts';
import { writeAerieRoute } from '../formats/aerie-route.ts';
import { parseGeoJsonPolygon, parseGeoJsonZones, routeToGeoJson } from '../formats/geojson.ts';
import { parseKmlPolygon, parseKmlZones, routeToKml } from '../formats/kml.ts';
import { parseRouteFile } from '../formats/parse.ts';
import { writeQgcPlan } from '../formats/qgc-plan.ts';
import type { LatLon } from '../geo.ts';
import { type CameraSpec, STANDARD_CAMERA } from '../patterns/camera.ts';
import { planSurvey } from '../patterns/survey.ts';
import { summarizeRoute } from '../summary.ts';
import { isFlyable, type ValidateOptions, validateRoute } from '../validate.ts';
import type { Zone } from '../zones.ts';

/** What a command produced: exit code and the text for stdout and stderr. */
export interface CliOutcome {
  code: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

/** File access, passed in so the commands can be driven from tests. */
export interface CliIo {
  readText(path: string): Promise<string>;
}

const nodeIo: CliIo = { readText: (p) => readFile(p, 'utf8') };

class UsageError extends Error {}

function parseDock(s: string): LatLon {
  const parts = s.split(',').map((v) => Number(v.trim()));
  const [lat, lon] = parts;
  if (
    parts.length !== 2 ||
    lat === undefined ||
    lon === undefined ||
    !Number.isFinite(lat) ||
    !Number.isFinite(lon)
  )
    throw new UsageError(`--dock: expected LAT,LON in degrees, got "${s}"`);
  if (lat < -90 || lat > 90) throw new UsageError(`--dock: latitude must be between -90 and 90, got ${lat}`);
  if (lon < -180 || lon > 180)
    throw new UsageError(`--dock: longitude must be between -180 and 180, got ${lon}`);
  return { lat, lon };
}

function parseFlavour(s: string | undefined): Flavour {
  if (s === undefined || s === 'px4' || s === 'ardupilot') return s ?? 'px4';
  throw new UsageError(`--flavour: must be px4 or ardupilot, got "${s}"`);
}

function parseNumber(
  flag: string,
  s: string | undefined,
  check: (n: number) => boolean,
  rule: string,
): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`${flag}: must be ${rule}, got "${s}"`);
  return n;
}

/** Overlap given in percent (70) or as a fraction (0.7). */
function parseOverlap(flag: string, s: string | undefined, fallback: number): number {
  const n = parseNumber(flag, s, (v) => v >= 0 && v < 100, 'a percentage from 0 up to 100') ?? fallback;
  return n >= 1 ? n / 100 : n;
}

async function read(io: CliIo, path: string, what: string): Promise<string> {
  try {
    return await io.readText(path);
  } catch (err) {
    throw new UsageError(
      `${what} ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

async function readZones(io: CliIo, path: string): Promise<Zone[]> {
  const text = await read(io, path, '--zones');
  const isXml = text.trimStart().startsWith('<') || path.toLowerCase().endsWith('.kml');
  let r: ReturnType<typeof parseGeoJsonZones>;
  if (isXml) r = parseKmlZones(text);
  else {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`--zones ${path}: not valid JSON: ${(err as Error).message}`);
    }
    r = parseGeoJsonZones(json);
  }
  if (!r.ok) throw new UsageError(`--zones ${path}: ${r.error.message}`);
  return r.zones;
}

export interface ValidateCliOptions {
  zones?: string;
  dock?: string;
  flavour?: string;
  ceiling?: string;
  maxDistance?: string;
  endurance?: string;
  wind?: string;
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/** `aerie plan validate FILE`: prints `{ ok, issues, summary }`. */
export async function runPlanValidate(
  file: string,
  opts: ValidateCliOptions,
  io: CliIo = nodeIo,
): Promise<CliOutcome> {
  try {
    const flavour = parseFlavour(opts.flavour);
    const vopts: ValidateOptions = { flavour };
    if (opts.dock) vopts.home = parseDock(opts.dock);
    const ceiling = parseNumber('--ceiling', opts.ceiling, (n) => n > 0, 'more than 0 metres');
    if (ceiling !== undefined) vopts.ceilingM = ceiling;
    const maxDist = parseNumber('--max-distance', opts.maxDistance, (n) => n > 0, 'more than 0 metres');
    if (maxDist !== undefined) vopts.maxDistanceFromHomeM = maxDist;
    const endurance = parseNumber('--endurance', opts.endurance, (n) => n > 0, 'more than 0 seconds');
    const wind = parseNumber('--wind', opts.wind, (n) => n >= 0, '0 or more m/s');
    if (endurance !== undefined)
      vopts.battery = { enduranceS: endurance, ...(wind !== undefined ? { windMps: wind } : {}) };
    if (opts.zones) vopts.zones = await readZones(io, opts.zones);
    const text = await read(io, file, 'route file');
    const parsed = parseRouteFile(text, file);
    if (!parsed.ok) {
      return {
        code: 2,
        stdout: json({ ok: false, error: parsed.error }),
        stderr: `aerie plan validate: ${file}: ${parsed.error.message}\n`,
      };
    }
    const issues = validateRoute(parsed.route, vopts);
    const flyable = isFlyable(issues);
    const summary = summarizeRoute(parsed.route, { flavour, ...(vopts.home ? { home: vopts.home } : {}) });
    return {
      code: flyable ? 0 : 1,
      stdout: json({ ok: flyable, format: parsed.format, issues, summary }),
      stderr: flyable
        ? ''
        : `aerie plan validate: ${file}: ${issues.filter((i) => i.severity === 'error').length} error(s); the route may not fly\n`,
    };
  } catch (err) {
    if (err instanceof UsageError)
      return {
        code: 2,
        stdout: json({ ok: false, error: { code: 'BadInput', message: err.message } }),
        stderr: `aerie plan validate: ${err.message}\n`,
      };
    throw err;
  }
}

export interface SurveyCliOptions {
  polygon: string;
  alt: string;
  sideOverlap?: string;
  frontOverlap?: string;
  angle?: string;
  speed?: string;
  dock?: string;
  flavour?: string;
  format?: string;
  name?: string;
  /** Sensor size, `WxH` millimetres (default 13.2x8.8). */
  sensorMm?: string;
  /** Lens focal length, millimetres (default 8.8). */
  focalMm?: string;
  /** Image size, `WxH` pixels (default 5472x3648). */
  imagePx?: string;
}

function parsePair(flag: string, s: string): [number, number] {
  const m = /^\s*([0-9.]+)\s*[xX*]\s*([0-9.]+)\s*$/.exec(s);
  const a = Number(m?.[1]);
  const b = Number(m?.[2]);
  if (!m || !(a > 0) || !(b > 0))
    throw new UsageError(`${flag}: expected WIDTHxHEIGHT with positive numbers, got "${s}"`);
  return [a, b];
}

function cameraFrom(opts: SurveyCliOptions): CameraSpec {
  const cam: CameraSpec = { ...STANDARD_CAMERA };
  if (opts.sensorMm) [cam.sensorWidthMm, cam.sensorHeightMm] = parsePair('--sensor-mm', opts.sensorMm);
  if (opts.imagePx) [cam.imageWidthPx, cam.imageHeightPx] = parsePair('--image-px', opts.imagePx);
  const focal = parseNumber('--focal-mm', opts.focalMm, (n) => n > 0, 'more than 0 millimetres');
  if (focal !== undefined) cam.focalLengthMm = focal;
  if (opts.sensorMm || opts.imagePx || focal !== undefined) delete cam.name;
  return cam;
}

/** `aerie plan survey`: prints the generated mission as a .plan, Aerie route JSON or MAVLink items. */
export async function runPlanSurvey(opts: SurveyCliOptions, io: CliIo = nodeIo): Promise<CliOutcome> {
  try {
    const flavour = parseFlavour(opts.flavour);
    const format = opts.format ?? 'plan';
    if (!['plan', 'json', 'items'].includes(format))
      throw new UsageError(`--format: must be plan, json or items, got "${format}"`);
    const altM = parseNumber('--alt', opts.alt, (n) => n > 0, 'more than 0 metres')!;
    const angle = parseNumber('--angle', opts.angle, () => true, 'a number of degrees');
    const speed = parseNumber('--speed', opts.speed, (n) => n > 0, 'more than 0 m/s');
    const text = await read(io, opts.polygon, '--polygon');
    let poly: ReturnType<typeof parseGeoJsonPolygon>;
    if (text.trimStart().startsWith('<') || opts.polygon.toLowerCase().endsWith('.kml'))
      poly = parseKmlPolygon(text);
    else {
      let parsedJson: unknown;
      try {
        parsedJson = JSON.parse(text);
      } catch (err) {
        throw new UsageError(`--polygon ${opts.polygon}: not valid JSON: ${(err as Error).message}`);
      }
      poly = parseGeoJsonPolygon(parsedJson);
    }
    if (!poly.ok) throw new UsageError(`--polygon ${opts.polygon}: ${poly.error.message}`);
    const r = planSurvey({
      polygon: poly.polygon,
      altM,
      camera: cameraFrom(opts),
      sideOverlap: parseOverlap('--side-overlap', opts.sideOverlap, 0.7),
      frontOverlap: parseOverlap('--front-overlap', opts.frontOverlap, 0.8),
      ...(angle !== undefined ? { angleDeg: angle } : {}),
      ...(speed !== undefined ? { speedMps: speed } : {}),
      ...(opts.dock ? { home: parseDock(opts.dock) } : {}),
      name: opts.name ?? (typeof poly.properties.name === 'string' ? poly.properties.name : 'survey'),
    });
    if (!r.ok) throw new UsageError(r.error.message);
    const p = r.plan;
    const s = summarizeRoute(p.route, { flavour });
    const out =
      format === 'plan'
        ? writeQgcPlan(p.route, { flavour })
        : format === 'json'
          ? writeAerieRoute(p.route)
          : json(itemsJson(toMissionItems(p.route, { flavour })));
    const note =
      `survey: ${p.lineCount} lines ${p.lineSpacingM.toFixed(1)} m apart at ${p.angleDeg.toFixed(1)} deg, ` +
      `photo every ${p.triggerDistanceM.toFixed(1)} m (~${p.photoCount} photos, GSD ${p.gsdCmPerPx.toFixed(2)} cm/px), ` +
      `${(s.distanceM / 1000).toFixed(2)} km${s.distanceM > 0 && p.route.home ? '' : ' (without the way to and from the dock)'}, ~${Math.round(s.durationS / 60)} min\n`;
    return { code: 0, stdout: out, stderr: note };
  } catch (err) {
    if (err instanceof UsageError)
      return { code: 2, stdout: '', stderr: `aerie plan survey: ${err.message}\n` };
    throw err;
  }
}

export interface ConvertCliOptions {
  to?: string;
  flavour?: string;
  dock?: string;
}

/** `aerie plan convert FILE --to plan|json|geojson|kml|items`: rewrites a route in another format. */
export async function runPlanConvert(
  file: string,
  opts: ConvertCliOptions,
  io: CliIo = nodeIo,
): Promise<CliOutcome> {
  try {
    const flavour = parseFlavour(opts.flavour);
    const to = opts.to ?? 'json';
    if (!['plan', 'json', 'geojson', 'kml', 'items'].includes(to))
      throw new UsageError(`--to: must be plan, json, geojson, kml or items, got "${to}"`);
    const text = await read(io, file, 'route file');
    const parsed = parseRouteFile(text, file);
    if (!parsed.ok)
      return { code: 2, stdout: '', stderr: `aerie plan convert: ${file}: ${parsed.error.message}\n` };
    const route = parsed.route;
    if (opts.dock) route.home = { ...route.home, ...parseDock(opts.dock) };
    let out: string;
    if (to === 'plan') out = writeQgcPlan(route, { flavour });
    else if (to === 'json') out = writeAerieRoute(route);
    else if (to === 'geojson') out = json(routeToGeoJson(route));
    else if (to === 'kml') out = routeToKml(route);
    else out = json(itemsJson(toMissionItems(route, { flavour })));
    return { code: 0, stdout: out, stderr: '' };
  } catch (err) {
    if (err instanceof UsageError)
      return { code: 2, stdout: '', stderr: `aerie plan convert: ${err.message}\n` };
    throw err;
  }
}

/** MISSION_ITEM_INT contents as JSON: NaN params become null. */
function itemsJson(items: ReturnType<typeof toMissionItems>): unknown[] {
  return items.map((i) => ({
    ...i,
    param1: Number.isNaN(i.param1) ? null : i.param1,
    param2: Number.isNaN(i.param2) ? null : i.param2,
    param3: Number.isNaN(i.param3) ? null : i.param3,
    param4: Number.isNaN(i.param4) ? null : i.param4,
    z: Number.isNaN(i.z) ? null : i.z,
  }));
}

function emit(o: CliOutcome): void {
  if (o.stdout) process.stdout.write(o.stdout);
  if (o.stderr) process.stderr.write(o.stderr);
  process.exitCode = o.code;
}

/** Adds `aerie plan validate`, `aerie plan survey` and `aerie plan convert` to the program. */
export function registerCommands(program: Command): void {
  const plan = program
    .command('plan')
    .description('route planning: validate routes, generate survey missions');
  plan
    .command('validate')
    .description(
      'check a route (.plan, Aerie route JSON, GeoJSON or KML); exit 1 if it may not fly, 2 if unreadable',
    )
    .argument('<file>', 'route file')
    .option('--zones <file>', 'no-fly / controlled / operating-area zones (GeoJSON or KML)')
    .option('--dock <lat,lon>', 'dock (home) position, degrees')
    .option('--flavour <px4|ardupilot>', 'autopilot the mission is for', 'px4')
    .option('--ceiling <m>', 'altitude ceiling above home, metres (default 120)')
    .option('--max-distance <m>', 'furthest distance from the dock, metres (default 5000)')
    .option('--endurance <s>', 'battery endurance at cruise, seconds: enables the endurance check')
    .option('--wind <mps>', 'wind to plan against for the endurance check, m/s')
    .action(async (file: string, o: ValidateCliOptions) => {
      emit(await runPlanValidate(file, o));
    });
  plan
    .command('survey')
    .description('generate a lawnmower survey mission over a polygon')
    .requiredOption('--polygon <file>', 'area to survey (GeoJSON or KML polygon)')
    .requiredOption('--alt <m>', 'flight height above home, metres')
    .option('--side-overlap <percent>', 'side overlap between lines', '70')
    .option('--front-overlap <percent>', 'forward overlap between photos', '80')
    .option('--angle <deg>', 'line direction, degrees from north (default: fewest turns)')
    .option('--speed <mps>', 'survey speed, m/s')
    .option('--dock <lat,lon>', 'dock (home) position, degrees')
    .option('--flavour <px4|ardupilot>', 'autopilot the mission is for', 'px4')
    .option(
      '--format <plan|json|items>',
      'output: QGroundControl .plan, Aerie route JSON or MAVLink items',
      'plan',
    )
    .option('--name <name>', 'route name')
    .action(async (o: SurveyCliOptions) => {
      emit(await runPlanSurvey(o));
    });
  plan
    .command('convert')
    .description('rewrite a route as a QGroundControl plan, Aerie route JSON, GeoJSON, KML or MAVLink items')
    .argument('<file>', 'route file (.plan, Aerie route JSON, GeoJSON or KML)')
    .option('--to <format>', 'plan, json, geojson, kml or items', 'json')
    .option('--flavour <px4|ardupilot>', 'autopilot, for plan and items output', 'px4')
    .option('--dock <lat,lon>', 'dock (home) position, degrees')
    .action(async (file: string, o: ConvertCliOptions) => {
      emit(await runPlanConvert(file, o));
    });
}
