/**
 * Open tickets on the globe: one pin per ticket in its category's colour, urgent ones larger
 * with a halo so a fire stands out among construction sites. Drawn on the overlay like docks
 * and vehicles (a ticket event repaints a few dozen pins in well under a millisecond, and never
 * the globe under them); a click on a pin picks `{ kind: 'ticket', id }`.
 */
import type { GlobeOverlay, OverlayLayer } from './overlay.ts';
import { ecef, nearFarScale, type ScreenPoint, type ScreenView } from './screen-view.ts';

export interface TicketMarker {
  id: string;
  lon: number;
  lat: number;
  /** CSS colour of the pin. */
  colour: string;
  /** Drawn larger, with a halo. */
  urgent: boolean;
}

interface Drawn {
  marker: TicketMarker;
  at: Float64Array;
  screenX: number;
  screenY: number;
  /** Radius of the pin's head on screen; 0 when not drawn this frame. */
  screenR: number;
}

const PIN_R = 6;
const URGENT_R = 9;
/** The pin's head sits this many radii above the point it marks. */
const STEM = 1.8;
const p: ScreenPoint = { x: 0, y: 0 };

export class TicketLayer implements OverlayLayer {
  private drawn: Drawn[] = [];
  private shown = true;

  constructor(private readonly overlay: GlobeOverlay) {}

  /** Replaces the markers (urgent ones are drawn last, on top). */
  set(markers: readonly TicketMarker[]): void {
    this.drawn = [...markers]
      .sort((a, b) => Number(a.urgent) - Number(b.urgent))
      .map((marker) => {
        const at = new Float64Array(3);
        ecef(marker.lon, marker.lat, 0, at);
        return { marker, at, screenX: 0, screenY: 0, screenR: 0 };
      });
    this.overlay.requestDraw();
  }

  /** Shows or hides the whole layer. */
  setVisible(visible: boolean): void {
    this.shown = visible;
    this.overlay.requestDraw();
  }

  get visible(): boolean {
    return this.shown;
  }

  /** Ids of the markers drawn in the last frame (for the tests' hooks). */
  drawnIds(): string[] {
    return this.drawn.filter((d) => d.screenR > 0).map((d) => d.marker.id);
  }

  /** Where a ticket's pin head was drawn in the last frame, CSS pixels; null when not drawn. */
  screenPositionOf(id: string): { x: number; y: number } | null {
    const d = this.drawn.find((x) => x.marker.id === id && x.screenR > 0);
    return d ? { x: d.screenX, y: d.screenY } : null;
  }

  draw(ctx: CanvasRenderingContext2D, view: ScreenView): void {
    for (const d of this.drawn) {
      d.screenR = 0;
      if (!this.shown) continue;
      const a = d.at;
      if (!view.project(a[0]!, a[1]!, a[2]!, p)) continue;
      if (p.x < -30 || p.y < -40 || p.x > view.width + 30 || p.y > view.height + 30) continue;
      const scale = nearFarScale(view.distance(a[0]!, a[1]!, a[2]!), 2_000, 1.2, 300_000, 0.6);
      const r = (d.marker.urgent ? URGENT_R : PIN_R) * scale;
      const headY = p.y - r * STEM;
      if (d.marker.urgent) {
        ctx.beginPath();
        ctx.arc(p.x, headY, r * 1.9, 0, 2 * Math.PI);
        ctx.fillStyle = withAlpha(d.marker.colour, 0.28);
        ctx.fill();
      }
      // Stem from the head down to the ground point, then the head.
      ctx.beginPath();
      ctx.moveTo(p.x - r * 0.6, headY + r * 0.5);
      ctx.lineTo(p.x, p.y);
      ctx.lineTo(p.x + r * 0.6, headY + r * 0.5);
      ctx.closePath();
      ctx.fillStyle = d.marker.colour;
      ctx.fill();
      ctx.beginPath();
      ctx.arc(p.x, headY, r, 0, 2 * Math.PI);
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#0b1e33';
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(p.x, headY, r * 0.38, 0, 2 * Math.PI);
      ctx.fillStyle = '#ffffff';
      ctx.fill();
      d.screenX = p.x;
      d.screenY = headY;
      d.screenR = r;
    }
  }

  /** The ticket whose pin head is under a CSS pixel (top pin first), or undefined. */
  pick(x: number, y: number): { kind: 'ticket'; id: string } | undefined {
    for (let i = this.drawn.length - 1; i >= 0; i--) {
      const d = this.drawn[i]!;
      if (d.screenR > 0 && Math.hypot(x - d.screenX, y - d.screenY) <= d.screenR + 3)
        return { kind: 'ticket', id: d.marker.id };
    }
    return undefined;
  }
}

/** `#rrggbb` with an alpha as rgba(); other colour strings are returned unchanged. */
export function withAlpha(colour: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!m) return colour;
  return `rgba(${parseInt(m[1]!, 16)},${parseInt(m[2]!, 16)},${parseInt(m[3]!, 16)},${alpha})`;
}
