/**
 * Fixed places on the globe: docks (nests) and sites as rings with their names (placed with
 * the vehicles' names), plus the go-to target a pilot picked. Drawn on the overlay like the
 * vehicles: a dock changes colour with its live status, several times in a sortie, and that
 * should not cost a frame of the globe under it.
 */
import { LabelSet, type WorldPoint } from './globe-labels.ts';
import type { GlobeOverlay, OverlayLayer } from './overlay.ts';
import { ecef, nearFarScale, type ScreenPoint, type ScreenView } from './screen-view.ts';

export interface Place {
  id: string;
  kind: 'dock' | 'site';
  name: string;
  lon: number;
  lat: number;
  /** Dock state colour: ok (ready/charging), busy (cycle running), fault, offline. */
  tone?: 'ok' | 'busy' | 'fault' | 'offline';
}

/** Ring colours: [outline, fill]. */
const TONES = {
  ok: ['#52c41a', 'rgba(82,196,26,0.18)'],
  busy: ['#3fa7ff', 'rgba(63,167,255,0.18)'],
  fault: ['#ff4d4f', 'rgba(255,77,79,0.18)'],
  offline: ['#7d8b99', 'rgba(125,139,153,0.18)'],
} as const;
const SITE = ['#b37feb', 'rgba(179,127,235,0.35)'] as const;
const TARGET = ['#ff4dd2', 'rgba(255,77,210,0.6)'] as const;
const DOCK_LABEL = '#cfe3f7';
const DOCK_OFFSET_Y = 14;
const SITE_OFFSET_Y = -16;
const DOCK_PX = 16;
const SITE_PX = 14;

interface Drawn {
  pickId: { kind: 'dock' | 'site'; id: string };
  at: Float64Array;
  sizePx: number;
  colors: readonly [string, string];
  screenX: number;
  screenY: number;
  screenR: number;
}

const p: ScreenPoint = { x: 0, y: 0 };

export class PlacesLayer implements OverlayLayer {
  /** Dock and site names, placed and drawn by the globe's `LabelLayer` (after vehicle names). */
  readonly labels = new LabelSet();
  private places: Drawn[] = [];
  private target: Float64Array | null = null;

  constructor(private readonly overlay: GlobeOverlay) {}

  set(places: readonly Place[]): void {
    const keys = new Set<string>();
    this.places = places.map((place): Drawn => {
      const at = new Float64Array(3);
      ecef(place.lon, place.lat, 0, at);
      const dock = place.kind === 'dock';
      const key = `${place.kind}:${place.id}`;
      const pickId = { kind: place.kind, id: place.id };
      keys.add(key);
      this.labels.upsert(key, {
        position: { x: at[0]!, y: at[1]!, z: at[2]! } satisfies WorldPoint,
        text: place.name,
        font: dock ? '12px sans-serif' : 'bold 13px sans-serif',
        fillColor: dock ? DOCK_LABEL : SITE[0],
        offsetX: 0,
        offsetY: dock ? DOCK_OFFSET_Y : SITE_OFFSET_Y,
        align: 'center',
        baseline: dock ? 'top' : 'bottom',
        // Sites name areas and are few: they come before dock names.
        priority: dock ? 1 : 5,
        maxDistanceM: dock ? 6_000 : 150_000,
        pickId,
        markerPx: dock ? DOCK_PX : SITE_PX,
      });
      return {
        pickId,
        at,
        sizePx: dock ? DOCK_PX : SITE_PX,
        // A ring, so the aircraft parked on the dock shows through it.
        colors: dock ? TONES[place.tone ?? 'ok'] : SITE,
        screenX: 0,
        screenY: 0,
        screenR: 0,
      };
    });
    this.labels.retain(keys);
    this.overlay.requestDraw();
  }

  /** Shows the picked go-to point (null hides it). */
  setTarget(point: { lon: number; lat: number; heightM: number } | null): void {
    this.target = point ? new Float64Array(3) : null;
    if (point && this.target) ecef(point.lon, point.lat, point.heightM, this.target);
    this.overlay.requestDraw();
  }

  draw(ctx: CanvasRenderingContext2D, view: ScreenView): void {
    ctx.lineWidth = 2;
    for (const d of this.places) {
      d.screenR = 0;
      const a = d.at;
      if (!view.project(a[0]!, a[1]!, a[2]!, p)) continue;
      if (p.x < -20 || p.y < -20 || p.x > view.width + 20 || p.y > view.height + 20) continue;
      const r = (d.sizePx / 2) * nearFarScale(view.distance(a[0]!, a[1]!, a[2]!), 2_000, 1.2, 300_000, 0.5);
      ring(ctx, p.x, p.y, r, d.colors);
      d.screenX = p.x;
      d.screenY = p.y;
      d.screenR = r;
    }
    const t = this.target;
    if (t && view.project(t[0]!, t[1]!, t[2]!, p)) {
      ctx.lineWidth = 3;
      ring(ctx, p.x, p.y, 7, TARGET);
    }
  }

  /** The dock or site whose ring is under a CSS pixel, or undefined. */
  pick(x: number, y: number): Drawn['pickId'] | undefined {
    for (let i = this.places.length - 1; i >= 0; i--) {
      const d = this.places[i]!;
      if (d.screenR > 0 && Math.hypot(x - d.screenX, y - d.screenY) <= d.screenR + 2) return d.pickId;
    }
    return undefined;
  }
}

function ring(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  r: number,
  [stroke, fill]: readonly [string, string],
): void {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = stroke;
  ctx.stroke();
}
