/**
 * Live vehicles on the globe: a heading arrow, a trail and an altitude stalk per vehicle, and a
 * name label where it fits (see `globe-labels.ts`). Drawn on the globe's overlay
 * (`overlay.ts`), so a fleet update redraws this layer and not the globe under it. `update`
 * only records what changed and asks the overlay for a frame; all drawing happens in `draw`,
 * once per frame however many vehicles changed.
 *
 * Heights: vehicles are drawn at their height above home (`altRelM`) over the ellipsoid, which
 * is where the ground is on the default globe (no terrain).
 */
import { LabelSet, type WorldPoint } from './globe-labels.ts';
import type { GlobeOverlay, OverlayLayer } from './overlay.ts';
import { ecef, headingVector, nearFarScale, type ScreenPoint, type ScreenView } from './screen-view.ts';

/** What the layer needs of one vehicle. */
export interface VehicleDrawState {
  name: string;
  lon: number;
  lat: number;
  heightM: number;
  /** Degrees clockwise from north; null draws a heading-less marker pointing north. */
  headingDeg: number | null;
  online: boolean;
  armed: boolean;
  /** Low battery or critical state: drawn in the warning colour. */
  warning: boolean;
  /** The server's receive time of the state (for the draw log). */
  stateAtMs: number | null;
}

/** Where a drawn vehicle is (the `window.__aerie.drawnVehicles()` shape). */
export interface DrawnVehicle {
  lon: number;
  lat: number;
  heightM: number;
  headingDeg: number;
}

export interface DrawLogEntry {
  vehicleId: string;
  stateAtMs: number;
  drawnAtMs: number;
}

/** A trail as the fleet model keeps it (see `live/fleet-store.ts`'s Trail). */
export interface TrailSource {
  readonly count: number;
  readonly rev: number;
  at(i: number, out: { lon: number; lat: number; heightM: number }): void;
}

interface Drawn {
  state: VehicleDrawState;
  /** ECEF of the aircraft, of the ground under it, and the level unit vector of its heading. */
  top: Float64Array;
  ground: Float64Array;
  heading: Float64Array;
  /** ECEF of the trail's points, oldest first. */
  trail: Float64Array;
  trailRev: number;
  /** Where the arrow was drawn in the last frame (for `pick`); r 0 when it was not drawn. */
  screenX: number;
  screenY: number;
  screenR: number;
}

const DRAW_LOG_MAX = 5000;
const COLORS = {
  idle: '#3fa7ff',
  armed: '#52e07a',
  warning: '#ff9c3a',
  offline: '#7d8b99',
  focused: '#ffd54a',
};
const TRAIL_COLOR = 'rgba(63,167,255,0.75)';
const TRAIL_FOCUSED = 'rgba(255,213,74,0.9)';
const STALK_COLOR = 'rgba(255,255,255,0.35)';
const LABEL_OFFSET_X = 16;
const LABEL_OFFSET_Y = -4;
/** The arrow's size on screen, before scaling by distance. */
const ARROW_PX = 26;
/** The arrow's size on screen at the distances labels show at (26 px, scaled by distance). */
const MARKER_PX = 22;
/** Trail points drawn for a vehicle that is not focused (the focused one gets all it has). */
const TRAIL_POINTS = 40;
/** Label priorities: the focused vehicle's name first, then warnings, flying, idle, offline. */
const PRIORITY = { focused: 100, warning: 40, armed: 30, online: 20, offline: 10 };

const scratchPoint = { lon: 0, lat: 0, heightM: 0 };
const a: ScreenPoint = { x: 0, y: 0 };
const b: ScreenPoint = { x: 0, y: 0 };

function colorOf(s: VehicleDrawState, focused: boolean): string {
  if (!s.online) return COLORS.offline;
  if (focused) return COLORS.focused;
  if (s.warning) return COLORS.warning;
  return s.armed ? COLORS.armed : COLORS.idle;
}

export class VehicleLayer implements OverlayLayer {
  /** Name labels, placed and drawn by the globe's `LabelLayer`. */
  readonly labels = new LabelSet();
  private readonly drawn = new Map<string, Drawn>();
  private focused: string | null = null;
  private readonly pending: Array<{ vehicleId: string; stateAtMs: number }> = [];
  /** Ring of recent draws, for the latency benchmark and tests. */
  readonly drawLog: DrawLogEntry[] = [];

  constructor(private readonly overlay: GlobeOverlay) {}

  /** Draws or moves a vehicle on the next frame. */
  update(vehicleId: string, s: VehicleDrawState, trail: TrailSource | null): void {
    let d = this.drawn.get(vehicleId);
    const isNew = !d;
    if (!d) {
      d = {
        state: s,
        top: new Float64Array(3),
        ground: new Float64Array(3),
        heading: new Float64Array(3),
        trail: new Float64Array(0),
        trailRev: -1,
        screenX: 0,
        screenY: 0,
        screenR: 0,
      };
      this.drawn.set(vehicleId, d);
    }
    const prev = d.state;
    const moved = isNew || prev.lon !== s.lon || prev.lat !== s.lat || prev.heightM !== s.heightM;
    if (moved) {
      ecef(s.lon, s.lat, s.heightM, d.top);
      ecef(s.lon, s.lat, 0, d.ground);
    }
    if (moved || prev.headingDeg !== s.headingDeg) headingVector(s.lon, s.lat, s.headingDeg ?? 0, d.heading);
    d.state = s;
    if (trail && trail.rev !== d.trailRev) this.takeTrail(vehicleId, d, trail);
    this.label(vehicleId, d);
    // Logged only when the bridge's state is newer than what was drawn: a redraw for focus,
    // colour or a directory refresh is not a state change reaching the screen.
    if (s.stateAtMs !== null && (isNew || s.stateAtMs !== prev.stateAtMs))
      this.pending.push({ vehicleId, stateAtMs: s.stateAtMs });
    this.overlay.requestDraw();
  }

  private takeTrail(vehicleId: string, d: Drawn, trail: TrailSource): void {
    d.trailRev = trail.rev;
    const n = vehicleId === this.focused ? trail.count : Math.min(trail.count, TRAIL_POINTS);
    if (d.trail.length !== n * 3) d.trail = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) {
      trail.at(trail.count - n + i, scratchPoint);
      ecef(scratchPoint.lon, scratchPoint.lat, scratchPoint.heightM, d.trail, i * 3);
    }
  }

  private label(vehicleId: string, d: Drawn): void {
    const s = d.state;
    const focused = vehicleId === this.focused;
    this.labels.upsert(vehicleId, {
      position: { x: d.top[0]!, y: d.top[1]!, z: d.top[2]! },
      text: focused ? `${s.name}  ${Math.round(s.heightM)} m` : s.name,
      font: '13px sans-serif',
      fillColor: focused ? COLORS.focused : s.online ? '#ffffff' : COLORS.offline,
      offsetX: LABEL_OFFSET_X,
      offsetY: LABEL_OFFSET_Y,
      align: 'left',
      baseline: 'middle',
      priority: focused
        ? PRIORITY.focused
        : !s.online
          ? PRIORITY.offline
          : s.warning
            ? PRIORITY.warning
            : s.armed
              ? PRIORITY.armed
              : PRIORITY.online,
      maxDistanceM: focused ? Number.POSITIVE_INFINITY : 60_000,
      pickId: vehicleId,
      markerPx: MARKER_PX,
    });
  }

  draw(ctx: CanvasRenderingContext2D, view: ScreenView): void {
    this.flushDrawLog();
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    // Trails of one colour in one path, then the stalks, then the arrows over all of them.
    ctx.beginPath();
    for (const [id, d] of this.drawn) if (id !== this.focused) this.tracePath(ctx, view, d.trail);
    ctx.strokeStyle = TRAIL_COLOR;
    ctx.lineWidth = 2;
    ctx.stroke();
    const focused = this.focused ? this.drawn.get(this.focused) : undefined;
    if (focused) {
      ctx.beginPath();
      this.tracePath(ctx, view, focused.trail);
      ctx.strokeStyle = TRAIL_FOCUSED;
      ctx.lineWidth = 3;
      ctx.stroke();
    }
    ctx.beginPath();
    for (const d of this.drawn.values()) {
      if (d.state.heightM <= 1) continue;
      const t = d.top;
      const g = d.ground;
      if (!view.project(g[0]!, g[1]!, g[2]!, a) || !view.projectAny(t[0]!, t[1]!, t[2]!, b)) continue;
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
    }
    ctx.strokeStyle = STALK_COLOR;
    ctx.lineWidth = 1;
    ctx.stroke();
    for (const [id, d] of this.drawn) if (id !== this.focused) this.drawArrow(ctx, view, d, false);
    if (focused) this.drawArrow(ctx, view, focused, true);
  }

  /** Adds a trail to the current path, broken where a point cannot be seen. */
  private tracePath(ctx: CanvasRenderingContext2D, view: ScreenView, t: Float64Array): void {
    let pen = false;
    for (let i = 0; i < t.length; i += 3) {
      if (!view.project(t[i]!, t[i + 1]!, t[i + 2]!, a)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(a.x, a.y);
      else ctx.moveTo(a.x, a.y);
      pen = true;
    }
  }

  private drawArrow(ctx: CanvasRenderingContext2D, view: ScreenView, d: Drawn, focused: boolean): void {
    const t = d.top;
    d.screenR = 0;
    if (!view.project(t[0]!, t[1]!, t[2]!, a)) return;
    if (a.x < -ARROW_PX || a.y < -ARROW_PX || a.x > view.width + ARROW_PX || a.y > view.height + ARROW_PX)
      return;
    const dist = view.distance(t[0]!, t[1]!, t[2]!);
    // The heading on screen: where a point a little ahead of the aircraft is drawn.
    const ahead = Math.max(1, dist * 0.01);
    const h = d.heading;
    const angle = view.projectAny(t[0]! + h[0]! * ahead, t[1]! + h[1]! * ahead, t[2]! + h[2]! * ahead, b)
      ? Math.atan2(b.x - a.x, a.y - b.y)
      : 0;
    const size = ARROW_PX * nearFarScale(dist, 2_000, 1.2, 200_000, 0.6) * (focused ? 1.45 : 1);
    const k = size / 48;
    const dpr = window.devicePixelRatio || 1;
    const cos = Math.cos(angle) * k * dpr;
    const sin = Math.sin(angle) * k * dpr;
    ctx.setTransform(cos, sin, -sin, cos, a.x * dpr, a.y * dpr);
    // The arrow of a 48 px box, centred: tip up (the heading), notch at the tail.
    ctx.beginPath();
    ctx.moveTo(0, -20);
    ctx.lineTo(14, 16);
    ctx.lineTo(0, 8);
    ctx.lineTo(-14, 16);
    ctx.closePath();
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(0,0,0,0.85)';
    ctx.stroke();
    ctx.fillStyle = colorOf(d.state, focused);
    ctx.fill();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    d.screenX = a.x;
    d.screenY = a.y;
    d.screenR = size / 2;
  }

  /**
   * The draw log stamps the start of the next animation frame: the browser starts it only once
   * it has taken the frame being drawn now, which is when the change is on screen.
   */
  private flushDrawLog(): void {
    if (this.pending.length === 0) return;
    const drawn = this.pending.splice(0);
    requestAnimationFrame(() => {
      const now = Date.now();
      for (const p of drawn)
        this.drawLog.push({ vehicleId: p.vehicleId, stateAtMs: p.stateAtMs, drawnAtMs: now });
      if (this.drawLog.length > DRAW_LOG_MAX) this.drawLog.splice(0, this.drawLog.length - DRAW_LOG_MAX);
    });
  }

  /** The vehicle whose arrow is under a CSS pixel (the one drawn on top), or undefined. */
  pick(x: number, y: number): string | undefined {
    let best: string | undefined;
    let bestDist = Number.POSITIVE_INFINITY;
    for (const [id, d] of this.drawn) {
      if (d.screenR === 0) continue;
      const dist = Math.hypot(x - d.screenX, y - d.screenY);
      // Some slack around small arrows; the focused one wins where it overlaps others.
      if (dist > Math.max(d.screenR, 8) + 3) continue;
      if (id === this.focused) return id;
      if (dist <= bestDist) {
        best = id;
        bestDist = dist;
      }
    }
    return best;
  }

  /** Where a vehicle's arrow was drawn in the last frame (CSS pixels on the globe), or null. */
  screenPositionOf(vehicleId: string): ScreenPoint | null {
    const d = this.drawn.get(vehicleId);
    return d && d.screenR > 0 ? { x: d.screenX, y: d.screenY } : null;
  }

  /** Highlights one vehicle (its full trail and altitude label) or none. */
  setFocused(vehicleId: string | null): void {
    const prev = this.focused;
    this.focused = vehicleId;
    for (const id of [prev, vehicleId]) {
      const d = id ? this.drawn.get(id) : undefined;
      if (!d || !id) continue;
      d.trailRev = -1;
      this.label(id, d);
    }
    this.overlay.requestDraw();
  }

  remove(vehicleId: string): void {
    if (!this.drawn.delete(vehicleId)) return;
    this.labels.remove(vehicleId);
    this.overlay.requestDraw();
  }

  /** Where a vehicle is drawn now (ECEF, for the follow camera). */
  positionOf(vehicleId: string): WorldPoint | null {
    const t = this.drawn.get(vehicleId)?.top;
    return t ? { x: t[0]!, y: t[1]!, z: t[2]! } : null;
  }

  /** What is drawn now, keyed by vehicle id. */
  snapshot(): Record<string, DrawnVehicle> {
    const out: Record<string, DrawnVehicle> = {};
    for (const [id, d] of this.drawn) {
      out[id] = {
        lon: d.state.lon,
        lat: d.state.lat,
        heightM: d.state.heightM,
        headingDeg: d.state.headingDeg ?? 0,
      };
    }
    return out;
  }
}
