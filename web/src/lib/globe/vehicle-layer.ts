/**
 * Live vehicles on the globe, drawn with primitive collections (one billboard, one trail and
 * one altitude stalk per vehicle, and a name label where it fits, see `globe-labels.ts`; no
 * Entities), updated only when a vehicle changes. Nothing runs per frame except the `postRender` hook that time-stamps the drawing of
 * updates for `window.__aerie.drawLog`.
 *
 * Heights: vehicles are drawn at their height above home (`altRelM`) over the ellipsoid, which
 * is where the ground is on the default globe (no terrain).
 */
import {
  type Billboard,
  BillboardCollection,
  BlendOption,
  Cartesian2,
  Cartesian3,
  Color,
  HorizontalOrigin,
  Material,
  NearFarScalar,
  type Polyline,
  PolylineCollection,
  type Scene,
  VerticalOrigin,
} from 'cesium';
import { LabelSet } from './globe-labels.ts';

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
  billboard: Billboard;
  trail: Polyline;
  stalk: Polyline;
  stalkPositions: [Cartesian3, Cartesian3];
  state: VehicleDrawState;
  trailRev: number;
  colorKey: string;
}

const DRAW_LOG_MAX = 5000;
const COLORS = {
  idle: Color.fromCssColorString('#3fa7ff'),
  armed: Color.fromCssColorString('#52e07a'),
  warning: Color.fromCssColorString('#ff9c3a'),
  offline: Color.fromCssColorString('#7d8b99'),
  focused: Color.fromCssColorString('#ffd54a'),
};
const TRAIL_COLOR = Color.fromCssColorString('#3fa7ff').withAlpha(0.75);
const TRAIL_FOCUSED = Color.fromCssColorString('#ffd54a').withAlpha(0.9);
const STALK_COLOR = Color.WHITE.withAlpha(0.35);
const LABEL_OFFSET = new Cartesian2(16, -4);
/** The arrow's size on screen at the distances labels show at (26 px, scaled by distance). */
const MARKER_PX = 22;
/** Label priorities: the focused vehicle's name first, then warnings, flying, idle, offline. */
const PRIORITY = { focused: 100, warning: 40, armed: 30, online: 20, offline: 10 };

/** The arrow every vehicle is drawn with: white, tinted per billboard. */
function arrowImage(): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = 48;
  c.height = 48;
  const g = c.getContext('2d')!;
  g.translate(24, 24);
  g.beginPath();
  g.moveTo(0, -20);
  g.lineTo(14, 16);
  g.lineTo(0, 8);
  g.lineTo(-14, 16);
  g.closePath();
  g.fillStyle = '#ffffff';
  g.strokeStyle = 'rgba(0,0,0,0.85)';
  g.lineWidth = 3;
  g.stroke();
  g.fill();
  return c;
}

const scratchPoint = { lon: 0, lat: 0, heightM: 0 };

export class VehicleLayer {
  private readonly billboards: BillboardCollection;
  /** Name labels, placed by the globe's `LabelPlacer`. */
  readonly labels: LabelSet;
  // Trails and stalks in collections of their own: a PolylineCollection draws consecutive
  // polylines of one colour in one call, and interleaved trail and stalk colours cost a draw
  // call per polyline (400 for 200 aircraft, the most expensive part of a frame on a software
  // renderer).
  private readonly trails: PolylineCollection;
  private readonly stalks: PolylineCollection;
  private readonly drawn = new Map<string, Drawn>();
  private readonly image = arrowImage();
  private focused: string | null = null;
  private readonly pending: Array<{ vehicleId: string; stateAtMs: number }> = [];
  /** Ring of recent draws, for the latency benchmark and tests. */
  readonly drawLog: DrawLogEntry[] = [];
  private readonly removePostRender: () => void;

  constructor(private readonly scene: Scene) {
    this.trails = scene.primitives.add(new PolylineCollection());
    this.stalks = scene.primitives.add(new PolylineCollection());
    // One translucent pass (the arrow's edges are translucent) instead of an opaque and a
    // translucent pass over every billboard.
    this.billboards = scene.primitives.add(
      new BillboardCollection({ scene, blendOption: BlendOption.TRANSLUCENT }),
    );
    this.labels = new LabelSet(scene);
    this.removePostRender = scene.postRender.addEventListener(() => this.onPostRender());
  }

  private onPostRender(): void {
    if (this.pending.length === 0) return;
    const drawn = this.pending.splice(0);
    // postRender runs when the frame's drawing commands were issued, which on a busy or
    // software renderer is well before they are on screen. The browser starts the next
    // animation frame only once it has taken the frame drawn, so that is the time logged.
    requestAnimationFrame(() => {
      const now = Date.now();
      for (const p of drawn)
        this.drawLog.push({ vehicleId: p.vehicleId, stateAtMs: p.stateAtMs, drawnAtMs: now });
      if (this.drawLog.length > DRAW_LOG_MAX) this.drawLog.splice(0, this.drawLog.length - DRAW_LOG_MAX);
    });
  }

  /** Draws or moves a vehicle (cheap when nothing visible changed). */
  update(vehicleId: string, s: VehicleDrawState, trail: TrailSource | null): void {
    let d = this.drawn.get(vehicleId);
    const isNew = !d;
    if (!d) {
      const position = Cartesian3.fromDegrees(s.lon, s.lat, s.heightM);
      const ground = Cartesian3.fromDegrees(s.lon, s.lat, 0);
      d = {
        billboard: this.billboards.add({
          id: vehicleId,
          image: this.image,
          position,
          width: 26,
          height: 26,
          alignedAxis: Cartesian3.UNIT_Z,
          scaleByDistance: new NearFarScalar(2_000, 1.2, 200_000, 0.6),
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        }),
        trail: this.trails.add({
          id: vehicleId,
          positions: [],
          width: 2,
          material: Material.fromType('Color', { color: TRAIL_COLOR }),
        }),
        stalk: this.stalks.add({
          id: vehicleId,
          positions: [ground, position],
          width: 1,
          material: Material.fromType('Color', { color: STALK_COLOR }),
        }),
        stalkPositions: [ground, position.clone()],
        state: s,
        trailRev: -1,
        colorKey: '',
      };
      this.drawn.set(vehicleId, d);
    }
    const prev = d.state;
    const moved =
      !d.billboard.position || prev.lon !== s.lon || prev.lat !== s.lat || prev.heightM !== s.heightM;
    if (moved || d.colorKey === '') {
      const [ground, top] = d.stalkPositions;
      Cartesian3.fromDegrees(s.lon, s.lat, s.heightM, undefined, top);
      Cartesian3.fromDegrees(s.lon, s.lat, 0, undefined, ground);
      d.billboard.position = top;
      d.stalk.positions = d.stalkPositions;
      d.stalk.show = s.heightM > 1;
    }
    d.billboard.rotation = -CesiumMathToRadians(s.headingDeg ?? 0);
    this.style(vehicleId, d, s);
    if (moved) this.label(vehicleId, d, s);
    if (trail && trail.rev !== d.trailRev) {
      d.trailRev = trail.rev;
      const n = vehicleId === this.focused ? trail.count : Math.min(trail.count, 40);
      const positions: Cartesian3[] = new Array(n);
      for (let i = 0; i < n; i++) {
        trail.at(trail.count - n + i, scratchPoint);
        positions[i] = Cartesian3.fromDegrees(scratchPoint.lon, scratchPoint.lat, scratchPoint.heightM);
      }
      d.trail.positions = positions;
    }
    d.state = s;
    // Logged only when the bridge's state is newer than what was drawn: a redraw for focus,
    // colour or a directory refresh is not a state change reaching the screen.
    if (s.stateAtMs !== null && (isNew || s.stateAtMs !== prev.stateAtMs))
      this.pending.push({ vehicleId, stateAtMs: s.stateAtMs });
  }

  private style(vehicleId: string, d: Drawn, s: VehicleDrawState): void {
    const focused = vehicleId === this.focused;
    const key = `${focused}|${s.online}|${s.armed}|${s.warning}|${s.name}|${focused ? Math.round(s.heightM) : ''}`;
    if (key === d.colorKey) return;
    d.colorKey = key;
    const color = !s.online
      ? COLORS.offline
      : focused
        ? COLORS.focused
        : s.warning
          ? COLORS.warning
          : s.armed
            ? COLORS.armed
            : COLORS.idle;
    d.billboard.color = color;
    d.billboard.scale = focused ? 1.45 : 1;
    this.label(vehicleId, d, s);
    d.trail.material.uniforms.color = focused ? TRAIL_FOCUSED : TRAIL_COLOR;
    d.trail.width = focused ? 3 : 2;
  }

  private label(vehicleId: string, d: Drawn, s: VehicleDrawState): void {
    const focused = vehicleId === this.focused;
    this.labels.upsert(vehicleId, {
      position: d.stalkPositions[1],
      text: focused ? `${s.name}  ${Math.round(s.heightM)} m` : s.name,
      font: '13px sans-serif',
      fillColor: focused ? COLORS.focused : s.online ? Color.WHITE : COLORS.offline,
      pixelOffset: LABEL_OFFSET,
      horizontalOrigin: HorizontalOrigin.LEFT,
      verticalOrigin: VerticalOrigin.CENTER,
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

  /** Highlights one vehicle (its full trail and altitude label) or none. */
  setFocused(vehicleId: string | null): void {
    const prev = this.focused;
    this.focused = vehicleId;
    for (const id of [prev, vehicleId]) {
      const d = id ? this.drawn.get(id) : undefined;
      if (!d || !id) continue;
      d.trailRev = -1;
      this.style(id, d, d.state);
    }
  }

  remove(vehicleId: string): void {
    const d = this.drawn.get(vehicleId);
    if (!d) return;
    this.billboards.remove(d.billboard);
    this.labels.remove(vehicleId);
    this.trails.remove(d.trail);
    this.stalks.remove(d.stalk);
    this.drawn.delete(vehicleId);
  }

  /** Where a vehicle is drawn now (Cartesian, for the follow camera). */
  positionOf(vehicleId: string): Cartesian3 | null {
    return this.drawn.get(vehicleId)?.stalkPositions[1] ?? null;
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

  destroy(): void {
    this.removePostRender();
    this.labels.destroy();
    if (!this.scene.isDestroyed()) {
      this.scene.primitives.remove(this.billboards);
      this.scene.primitives.remove(this.trails);
      this.scene.primitives.remove(this.stalks);
    }
  }
}

function CesiumMathToRadians(deg: number): number {
  return (deg * Math.PI) / 180;
}
