/**
 * What the dispatcher is drawing: a pattern (waypoint route, survey polygon, corridor
 * polyline, orbit) with its handles and settings, and the pure edits the map tools make to it.
 * The missions library turns a draft into a Route; nothing here knows the map or React.
 */
import {
  type CaptureSetting,
  type CorridorSide,
  captureProblem,
  type Home,
  type LatLon,
  planCorridor,
  planOrbit,
  planSurvey,
  type Route,
  type RouteItem,
} from '@aerie/missions';
import { type CaptureForm, captureOfForm, DEFAULT_CAPTURE_FORM, formOfCapture } from './capture-form.ts';

export type PatternKind = 'waypoint' | 'survey' | 'corridor' | 'orbit';
export const PATTERN_KINDS: readonly PatternKind[] = ['waypoint', 'survey', 'corridor', 'orbit'];

/** Camera behaviour along the route. */
export type CameraMode = 'none' | 'photo_distance' | 'photo_time' | 'video';

export interface PatternSettings {
  /** Height above the dock, metres. */
  altM: number;
  /** Cruise speed, m/s. */
  speedMps: number;
  camera: CameraMode;
  /** Metres between photos (photo_distance; survey computes its own from the overlap). */
  photoDistanceM: number;
  /** Seconds between photos (photo_time). */
  photoIntervalS: number;
  gimbalPitchDeg: number;
  /** Survey: side and forward overlap, percent. */
  sideOverlapPct: number;
  frontOverlapPct: number;
  /** Survey line direction, degrees from north; null lets the planner pick the fewest turns. */
  surveyAngleDeg: number | null;
  /** Corridor: offset from the centre line, metres, and which side(s). */
  corridorOffsetM: number;
  corridorSide: CorridorSide;
  /** Orbit: full circles. */
  orbitTurns: number;
  /** Stills over the whole patrol (the route's capture setting), instead of the pattern's own photos. */
  capture: CaptureForm;
}

export const DEFAULT_SETTINGS: PatternSettings = {
  altM: 80,
  speedMps: 8,
  camera: 'photo_distance',
  photoDistanceM: 30,
  photoIntervalS: 2,
  gimbalPitchDeg: -90,
  sideOverlapPct: 70,
  frontOverlapPct: 80,
  surveyAngleDeg: null,
  corridorOffsetM: 0,
  corridorSide: 'center',
  orbitTurns: 1,
  capture: DEFAULT_CAPTURE_FORM,
};

/**
 * Whether a pattern can take the route's capture setting: a survey spaces its own photos from
 * the overlap (its camera items would clash with the setting), the others can.
 */
export function canCapture(pattern: PatternKind): boolean {
  return pattern !== 'survey';
}

/** The camera actions the pattern offers: photo ones only while the route-wide capture is off. */
export function cameraModes(pattern: PatternKind, s: PatternSettings): CameraMode[] {
  const own: CameraMode[] =
    pattern === 'waypoint'
      ? ['none', 'photo_distance', 'photo_time', 'video']
      : pattern === 'corridor'
        ? ['none', 'photo_distance']
        : [];
  return s.capture.mode === 'off' ? own : own.filter((m) => m === 'none' || m === 'video');
}

/**
 * Settings made consistent for a pattern: no capture where the pattern cannot take it, and no
 * photo camera action of the pattern's own while the capture is on (a route may not have both).
 */
export function fitSettings(pattern: PatternKind, s: PatternSettings): PatternSettings {
  const capture = canCapture(pattern) ? s.capture : { ...s.capture, mode: 'off' as const };
  const fitted = { ...s, capture };
  const modes = cameraModes(pattern, fitted);
  return modes.length > 0 && !modes.includes(s.camera) ? { ...fitted, camera: 'none' } : fitted;
}

export interface Draft {
  pattern: PatternKind;
  /** Waypoints, survey polygon vertices (open ring) or corridor polyline. */
  points: LatLon[];
  /** Orbit centre and radius. */
  center: LatLon | null;
  radiusM: number;
  settings: PatternSettings;
}

export function emptyDraft(pattern: PatternKind, settings: PatternSettings = DEFAULT_SETTINGS): Draft {
  return { pattern, points: [], center: null, radiusM: 100, settings };
}

/** An edit the map tools make. */
export type DraftEdit =
  | { type: 'add'; at: LatLon }
  | { type: 'insert'; index: number; at: LatLon }
  | { type: 'move'; index: number; at: LatLon }
  | { type: 'remove'; index: number }
  | { type: 'center'; at: LatLon }
  | { type: 'radius'; at: LatLon };

function metresBetween(a: LatLon, b: LatLon): number {
  const r = 6_371_008.8;
  const dLat = ((b.lat - a.lat) * Math.PI) / 180;
  const dLon = ((b.lon - a.lon) * Math.PI) / 180;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos((a.lat * Math.PI) / 180) * Math.cos((b.lat * Math.PI) / 180) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Applies one edit; edits that make no sense for the pattern leave the draft as it is. */
export function applyEdit(draft: Draft, edit: DraftEdit): Draft {
  const pts = draft.points;
  switch (edit.type) {
    case 'add':
      if (draft.pattern === 'orbit') return { ...draft, center: edit.at };
      return { ...draft, points: [...pts, edit.at] };
    case 'insert':
      if (edit.index < 0 || edit.index > pts.length) return draft;
      return { ...draft, points: [...pts.slice(0, edit.index), edit.at, ...pts.slice(edit.index)] };
    case 'move':
      if (!pts[edit.index]) return draft;
      return { ...draft, points: pts.map((p, i) => (i === edit.index ? edit.at : p)) };
    case 'remove':
      if (!pts[edit.index]) return draft;
      return { ...draft, points: pts.filter((_, i) => i !== edit.index) };
    case 'center':
      return { ...draft, center: edit.at };
    case 'radius': {
      if (!draft.center) return draft;
      const r = Math.max(5, Math.round(metresBetween(draft.center, edit.at)));
      return { ...draft, radiusM: r };
    }
  }
}

/** The point on the orbit's circle due east of the centre, where its radius handle sits. */
export function radiusHandle(draft: Draft): LatLon | null {
  if (!draft.center) return null;
  const dLon = draft.radiusM / (111_320 * Math.cos((draft.center.lat * Math.PI) / 180)) || 0;
  return { lat: draft.center.lat, lon: draft.center.lon + dLon };
}

/** A draft turned into a route, with the geometry the map draws for it. */
export type BuildResult =
  | { ok: true; route: Route; paths: LatLon[][] }
  | { ok: false; reason: 'incomplete'; need: number }
  | { ok: false; reason: 'invalid'; message: string };

function cameraItems(s: PatternSettings): { start: RouteItem[]; end: RouteItem[] } {
  switch (s.camera) {
    case 'photo_distance':
      return {
        start: [{ type: 'photo', distanceM: s.photoDistanceM }],
        end: [{ type: 'photo', distanceM: 0 }],
      };
    case 'photo_time':
      return {
        start: [{ type: 'photo', intervalS: s.photoIntervalS }],
        end: [{ type: 'photo', stop: true }],
      };
    case 'video':
      return { start: [{ type: 'video', action: 'start' }], end: [{ type: 'video', action: 'stop' }] };
    default:
      return { start: [], end: [] };
  }
}

/**
 * Builds the route a draft describes (take-off from the dock, the pattern, return), with the
 * capture setting when it is on; a setting the route cannot take is refused with the missions
 * library's message (the one the server would answer).
 */
export function buildRoute(draft: Draft, name: string, home?: Home): BuildResult {
  const built = buildPattern(draft, name, home);
  const capture: CaptureSetting | undefined = captureOfForm(draft.settings.capture);
  if (!built.ok || !capture) return built;
  const problem = captureProblem(built.route, capture);
  if (problem) return { ok: false, reason: 'invalid', message: problem };
  return { ...built, route: { ...built.route, capture } };
}

function buildPattern(draft: Draft, name: string, home?: Home): BuildResult {
  const s = draft.settings;
  const withHome = home ? { home } : {};
  switch (draft.pattern) {
    case 'waypoint': {
      if (draft.points.length < 1) return { ok: false, reason: 'incomplete', need: 1 - draft.points.length };
      const cam = cameraItems(s);
      const items: RouteItem[] = [
        { type: 'takeoff', altM: s.altM },
        { type: 'speed', mps: s.speedMps },
        { type: 'gimbal', pitchDeg: s.gimbalPitchDeg },
      ];
      draft.points.forEach((p, i) => {
        items.push({ type: 'waypoint', lat: p.lat, lon: p.lon, altM: s.altM });
        if (i === 0) items.push(...cam.start);
      });
      items.push(...cam.end, { type: 'rtl' });
      return {
        ok: true,
        route: { name, ...withHome, defaults: { altM: s.altM, speedMps: s.speedMps }, items },
        paths: [draft.points],
      };
    }
    case 'survey': {
      if (draft.points.length < 3) return { ok: false, reason: 'incomplete', need: 3 - draft.points.length };
      const r = planSurvey({
        polygon: draft.points,
        altM: s.altM,
        sideOverlap: s.sideOverlapPct / 100,
        frontOverlap: s.frontOverlapPct / 100,
        speedMps: s.speedMps,
        gimbalPitchDeg: s.gimbalPitchDeg,
        ...(s.surveyAngleDeg !== null ? { angleDeg: s.surveyAngleDeg } : {}),
        ...withHome,
        name,
      });
      if (!r.ok) return { ok: false, reason: 'invalid', message: r.error.message };
      return { ok: true, route: r.plan.route, paths: [r.plan.lines.flatMap((l) => [l.start, l.end])] };
    }
    case 'corridor': {
      if (draft.points.length < 2) return { ok: false, reason: 'incomplete', need: 2 - draft.points.length };
      const r = planCorridor({
        line: draft.points,
        altM: s.altM,
        offsetM: s.corridorOffsetM,
        side: s.corridorOffsetM > 0 ? s.corridorSide : 'center',
        speedMps: s.speedMps,
        gimbalPitchDeg: s.gimbalPitchDeg,
        ...(s.camera === 'photo_distance' ? { photoDistanceM: s.photoDistanceM } : {}),
        ...withHome,
        name,
      });
      if (!r.ok) return { ok: false, reason: 'invalid', message: r.error.message };
      return { ok: true, route: r.plan.route, paths: r.plan.paths };
    }
    case 'orbit': {
      if (!draft.center) return { ok: false, reason: 'incomplete', need: 1 };
      const r = planOrbit({
        center: draft.center,
        radiusM: draft.radiusM,
        altM: s.altM,
        turns: s.orbitTurns,
        speedMps: s.speedMps,
        ...withHome,
        name,
      });
      if (!r.ok) return { ok: false, reason: 'invalid', message: r.error.message };
      return { ok: true, route: r.plan.route, paths: [r.plan.points] };
    }
  }
}

/** Where the map draws route item `index` (its own position, else the last position before it). */
export function itemAnchor(route: Route, index: number, home?: LatLon): LatLon | null {
  for (let i = Math.min(index, route.items.length - 1); i >= 0; i--) {
    const it = route.items[i];
    if (!it) continue;
    if ((it.type === 'waypoint' || it.type === 'loiter') && Number.isFinite(it.lat))
      return { lat: it.lat, lon: it.lon };
    if ((it.type === 'takeoff' || it.type === 'land') && it.lat !== undefined && it.lon !== undefined)
      return { lat: it.lat, lon: it.lon };
  }
  if (home) return home;
  // Take-off with no position and nothing before it: the first item that has one.
  for (const it of route.items)
    if (it.type === 'waypoint' || it.type === 'loiter') return { lat: it.lat, lon: it.lon };
  return null;
}

/**
 * A draft recovered from a route (an imported file or a saved route): its waypoints become an
 * editable waypoint route at the route's altitude and speed, with its capture setting.
 */
export function draftFromRoute(route: Route): Draft {
  const points: LatLon[] = [];
  for (const it of route.items)
    if (it.type === 'waypoint' || it.type === 'loiter') points.push({ lat: it.lat, lon: it.lon });
  const firstWp = route.items.find((i) => i.type === 'waypoint');
  const altM = firstWp && firstWp.type === 'waypoint' ? firstWp.altM : route.defaults.altM;
  return {
    ...emptyDraft('waypoint'),
    points,
    settings: {
      ...DEFAULT_SETTINGS,
      altM,
      speedMps: route.defaults.speedMps,
      camera: 'none',
      capture: formOfCapture(route.capture),
    },
  };
}
