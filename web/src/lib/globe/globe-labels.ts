/**
 * Text labels on the globe, decluttered and drawn on the overlay (`overlay.ts`). Layers keep
 * their labels in a `LabelSet` (every label they would like to show, keyed); the globe's one
 * `LabelLayer` decides which of them fit on screen (`label-placement.ts`) and draws those.
 * Overlapping names were unreadable anyway.
 *
 * Placement runs when the camera, the canvas or a label moved, at most every `intervalMs`
 * (a pass put off asks the overlay for a frame later, so a view that is otherwise still
 * catches up). Between passes the shown labels follow their anchors on every frame.
 */
import { type LabelBox, type Obstacle, placeLabels } from './label-placement.ts';
import type { GlobeOverlay, OverlayLayer } from './overlay.ts';
import type { ScreenPoint, ScreenView } from './screen-view.ts';

/** An earth-fixed point (ECEF metres); Cesium's `Cartesian3` is one. */
export interface WorldPoint {
  x: number;
  y: number;
  z: number;
}

/** One label as a layer wants it drawn. */
export interface LabelSpec {
  /** Where the label is anchored (copied). */
  position: WorldPoint;
  text: string;
  /** CSS font; its pixel size is the label's height. */
  font: string;
  /** CSS colour of the text (it is outlined in black). */
  fillColor: string;
  /** Screen offset from the anchor in CSS pixels (x right, y down). */
  offsetX: number;
  offsetY: number;
  /** Which side of the (offset) anchor the text starts from. */
  align: 'left' | 'center' | 'right';
  /** Which edge of the text sits on the (offset) anchor. */
  baseline: 'top' | 'middle' | 'bottom';
  /** Placed first when labels collide. */
  priority: number;
  /** Not shown farther than this from the camera, in metres. */
  maxDistanceM: number;
  /** What a click on the label picks (`GlobeOverlay.pick`). */
  pickId?: unknown;
  /**
   * The size in pixels of the symbol drawn at the anchor (an aircraft's arrow, a dock's ring):
   * no label is placed over it, whether or not its own label is shown.
   */
  markerPx?: number;
}

const OUTLINE_PX = 3;

interface Entry {
  spec: LabelSpec;
  shown: boolean;
}

/** A layer's labels: all the ones it wants, of which the placer shows some. */
export class LabelSet {
  private readonly entries = new Map<string, Entry>();
  /** Bumped whenever a change may change the placement (a label added, moved or retitled). */
  version = 0;

  /** Adds a label or changes one. */
  upsert(key: string, spec: LabelSpec): void {
    const e = this.entries.get(key);
    const position = { x: spec.position.x, y: spec.position.y, z: spec.position.z };
    if (!e) {
      this.entries.set(key, { spec: { ...spec, position }, shown: false });
      this.version++;
      return;
    }
    const old = e.spec;
    const moved =
      old.position.x !== position.x || old.position.y !== position.y || old.position.z !== position.z;
    if (moved || old.text !== spec.text || old.font !== spec.font || old.priority !== spec.priority)
      this.version++;
    e.spec = { ...spec, position };
  }

  remove(key: string): void {
    if (!this.entries.delete(key)) return;
    this.version++;
  }

  /** Removes every label whose key is not in `keep` (after upserting a new full list). */
  retain(keep: ReadonlySet<string>): void {
    for (const key of [...this.entries.keys()]) if (!keep.has(key)) this.remove(key);
  }

  /** Every wanted label (for the placer). */
  forEach(fn: (key: string, spec: LabelSpec, shown: boolean) => void): void {
    for (const [key, e] of this.entries) fn(key, e.spec, e.shown);
  }

  /** Shows the labels `show` says yes to. */
  apply(show: (key: string) => boolean): void {
    for (const [key, e] of this.entries) e.shown = show(key);
  }

  /** Keys of the labels shown now (for tests and the console's test hooks). */
  shownKeys(): string[] {
    return [...this.entries].filter(([, e]) => e.shown).map(([k]) => k);
  }
}

/** Text widths by font, measured once (the placer asks for hundreds a pass). */
class TextMetrics {
  private readonly cache = new Map<string, number>();
  private ctx: CanvasRenderingContext2D | null | undefined;
  width(font: string, text: string): number {
    const key = `${font}\u0000${text}`;
    let w = this.cache.get(key);
    if (w === undefined) {
      // No document (unit tests): a rough width per character.
      this.ctx ??= typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
      if (this.ctx) {
        this.ctx.font = font;
        w = this.ctx.measureText(text).width;
      } else w = text.length * 8;
      if (this.cache.size > 5000) this.cache.clear();
      this.cache.set(key, w);
    }
    return w;
  }
}

/** The pixel size of a CSS font ('bold 13px sans-serif' -> 13). */
function fontPx(font: string): number {
  const m = /(\d+(?:\.\d+)?)px/.exec(font);
  return m ? Number(m[1]) : 14;
}

/** Where a label's box is on screen when its anchor is at `at`. */
function labelBox(spec: LabelSpec, at: ScreenPoint, textWidth: number) {
  const w = textWidth + 2 * OUTLINE_PX;
  const h = fontPx(spec.font) + 2 * OUTLINE_PX;
  const x = at.x + spec.offsetX;
  const y = at.y + spec.offsetY;
  const left = spec.align === 'left' ? x : spec.align === 'right' ? x - w : x - w / 2;
  const top = spec.baseline === 'top' ? y : spec.baseline === 'middle' ? y - h / 2 : y - h;
  return { left, top, right: left + w, bottom: top + h };
}

/** Places and draws the labels of its sets on the overlay (one per globe, above the symbols). */
export class LabelLayer implements OverlayLayer {
  private readonly metrics = new TextMetrics();
  private readonly lastView = new Float64Array(16);
  private lastVersions: number[] = [];
  private lastSize = '';
  private lastPlacedAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The boxes drawn in the last frame, for `pick`. */
  private drawnBoxes: Array<{ left: number; top: number; right: number; bottom: number; pickId: unknown }> =
    [];
  /** Passes run so far (for tests). */
  passes = 0;
  private covers: () => readonly Obstacle[] = () => [];

  constructor(
    private readonly overlay: GlobeOverlay,
    private readonly sets: LabelSet[],
    private readonly intervalMs = 200,
  ) {}

  draw(ctx: CanvasRenderingContext2D, view: ScreenView): void {
    this.maybePlace(view);
    const boxes: typeof this.drawnBoxes = [];
    ctx.lineWidth = OUTLINE_PX;
    ctx.lineJoin = 'round';
    ctx.strokeStyle = 'rgba(0,0,0,0.9)';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    for (const set of this.sets) {
      set.forEach((_key, spec, shown) => {
        if (!shown) return;
        const p = spec.position;
        if (!view.project(p.x, p.y, p.z, scratch)) return;
        const b = labelBox(spec, scratch, this.metrics.width(spec.font, spec.text));
        ctx.font = spec.font;
        ctx.fillStyle = spec.fillColor;
        const x = b.left + OUTLINE_PX;
        const y = (b.top + b.bottom) / 2;
        ctx.strokeText(spec.text, x, y);
        ctx.fillText(spec.text, x, y);
        if (spec.pickId !== undefined) boxes.push({ ...b, pickId: spec.pickId });
      });
    }
    this.drawnBoxes = boxes;
  }

  /**
   * Areas of the canvas the page covers (side panels, in CSS pixels of the canvas): no name is
   * placed there, where it would only show dimmed through the panel and take another's place.
   * Read on every placement pass.
   */
  setCovers(covers: () => readonly Obstacle[]): void {
    this.covers = covers;
    this.lastSize = '';
    this.overlay.requestDraw();
  }

  pick(x: number, y: number): unknown {
    for (let i = this.drawnBoxes.length - 1; i >= 0; i--) {
      const b = this.drawnBoxes[i]!;
      if (x >= b.left && x <= b.right && y >= b.top && y <= b.bottom) return b.pickId;
    }
    return undefined;
  }

  private maybePlace(view: ScreenView): void {
    const size = `${view.width}x${view.height}`;
    const versions = this.sets.map((s) => s.version);
    let changed = size !== this.lastSize || versions.some((v, i) => v !== this.lastVersions[i]);
    for (let i = 0; i < 16 && !changed; i++) changed = view.matrix[i] !== this.lastView[i];
    if (!changed) return;
    const wait = this.lastPlacedAt + this.intervalMs - performance.now();
    if (wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.overlay.requestDraw();
      }, wait);
      return;
    }
    this.lastSize = size;
    this.lastVersions = versions;
    this.lastView.set(view.matrix);
    this.lastPlacedAt = performance.now();
    this.place(view);
  }

  /** One placement pass over every set. */
  place(view: ScreenView): void {
    this.passes++;
    const boxes: LabelBox[] = [];
    const markers: Obstacle[] = [...this.covers()];
    this.sets.forEach((set, i) => {
      set.forEach((key, spec, shown) => {
        const p = spec.position;
        if (!view.project(p.x, p.y, p.z, scratch)) return;
        if (spec.markerPx) {
          const r = spec.markerPx / 2;
          markers.push({
            left: scratch.x - r,
            top: scratch.y - r,
            right: scratch.x + r,
            bottom: scratch.y + r,
          });
        }
        if (view.distance(p.x, p.y, p.z) > spec.maxDistanceM) return;
        const b = labelBox(spec, scratch, this.metrics.width(spec.font, spec.text));
        boxes.push({ key: `${i}:${key}`, ...b, priority: spec.priority, shown });
      });
    });
    const shown = placeLabels(boxes, { width: view.width, height: view.height }, markers);
    this.sets.forEach((set, i) => {
      set.apply((key) => shown.has(`${i}:${key}`));
    });
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

const scratch: ScreenPoint = { x: 0, y: 0 };
