/**
 * Text labels on the globe, decluttered. Layers keep their labels in a `LabelSet` (every label
 * they would like to show, keyed); a `LabelPlacer` per scene decides before each frame which of
 * them fit on screen (`label-placement.ts`) and only those exist as Cesium labels. Overlapping
 * names were unreadable anyway, and on a software renderer every glyph costs frame time, hidden
 * or not, so the labels left out are removed from the scene rather than hidden.
 *
 * Placement runs when the camera, the canvas or a label moved, at most every `intervalMs`
 * (a frame is asked for when a pass was put off, so a view drawing on demand catches up).
 */
import {
  BlendOption,
  Cartesian2,
  Cartesian3,
  Color,
  HorizontalOrigin,
  type Label,
  LabelCollection,
  LabelStyle,
  Matrix4,
  type Scene,
  SceneTransforms,
  VerticalOrigin,
} from 'cesium';
import { type LabelBox, type Obstacle, placeLabels } from './label-placement.ts';

/** One label as a layer wants it drawn. */
export interface LabelSpec {
  /** Where the label is anchored (copied). */
  position: Cartesian3;
  text: string;
  /** CSS font; its pixel size is the label's height. */
  font: string;
  fillColor: Color;
  /** Screen offset from the anchor in pixels (x right, y down). */
  pixelOffset: Cartesian2;
  horizontalOrigin: HorizontalOrigin;
  verticalOrigin: VerticalOrigin;
  /** Placed first when labels collide. */
  priority: number;
  /** Not shown farther than this from the camera, in metres. */
  maxDistanceM: number;
  /** What a click on the label picks (`scene.pick(...).id`). */
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
  label: Label | null;
}

/** A layer's labels: all the ones it wants, of which the placer lets some exist. */
export class LabelSet {
  private readonly collection: LabelCollection;
  private readonly entries = new Map<string, Entry>();
  /** Bumped whenever a change may change the placement (a label added, moved or retitled). */
  version = 0;

  constructor(private readonly scene: Scene) {
    // One translucent pass instead of Cesium's default opaque-then-translucent pair: glyph
    // edges are translucent anyway, and the second pass doubled the cost of every glyph.
    this.collection = scene.primitives.add(
      new LabelCollection({ scene, blendOption: BlendOption.TRANSLUCENT }),
    );
  }

  /** Adds a label or changes one (only what differs is touched). */
  upsert(key: string, spec: LabelSpec): void {
    const e = this.entries.get(key);
    if (!e) {
      this.entries.set(key, { spec: { ...spec, position: Cartesian3.clone(spec.position) }, label: null });
      this.version++;
      return;
    }
    const old = e.spec;
    const moved = !Cartesian3.equals(old.position, spec.position);
    if (moved || old.text !== spec.text || old.font !== spec.font || old.priority !== spec.priority)
      this.version++;
    if (moved) Cartesian3.clone(spec.position, old.position);
    const label = e.label;
    if (label) {
      if (moved) label.position = old.position;
      if (old.text !== spec.text) label.text = spec.text;
      if (old.font !== spec.font) label.font = spec.font;
      if (!old.fillColor.equals(spec.fillColor)) label.fillColor = spec.fillColor;
    }
    e.spec = { ...spec, position: old.position };
  }

  remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    if (e.label) this.collection.remove(e.label);
    this.entries.delete(key);
    this.version++;
  }

  /** Removes every label whose key is not in `keep` (after upserting a new full list). */
  retain(keep: ReadonlySet<string>): void {
    for (const key of [...this.entries.keys()]) if (!keep.has(key)) this.remove(key);
  }

  /** Every wanted label (for the placer). */
  forEach(fn: (key: string, spec: LabelSpec, shown: boolean) => void): void {
    for (const [key, e] of this.entries) fn(key, e.spec, e.label !== null);
  }

  /** Makes the labels `show` says yes to exist and removes the others. */
  apply(show: (key: string) => boolean): void {
    for (const [key, e] of this.entries) {
      const want = show(key);
      if (want && !e.label) e.label = this.collection.add(labelOptions(e.spec));
      else if (!want && e.label) {
        this.collection.remove(e.label);
        e.label = null;
      }
    }
  }

  /** Keys of the labels that exist now (for tests and the console's test hooks). */
  shownKeys(): string[] {
    return [...this.entries].filter(([, e]) => e.label).map(([k]) => k);
  }

  destroy(): void {
    if (!this.scene.isDestroyed()) this.scene.primitives.remove(this.collection);
  }
}

function labelOptions(s: LabelSpec) {
  return {
    id: s.pickId,
    position: s.position,
    text: s.text,
    font: s.font,
    fillColor: s.fillColor,
    outlineColor: Color.BLACK,
    outlineWidth: OUTLINE_PX,
    style: LabelStyle.FILL_AND_OUTLINE,
    pixelOffset: s.pixelOffset,
    horizontalOrigin: s.horizontalOrigin,
    verticalOrigin: s.verticalOrigin,
    disableDepthTestDistance: Number.POSITIVE_INFINITY,
  };
}

/** Text widths by font, measured once (the placer asks for hundreds a pass). */
class TextMetrics {
  private readonly cache = new Map<string, number>();
  private ctx: CanvasRenderingContext2D | null = null;
  width(font: string, text: string): number {
    const key = `${font}\u0000${text}`;
    let w = this.cache.get(key);
    if (w === undefined) {
      this.ctx ??= document.createElement('canvas').getContext('2d');
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

/** Decides, before frames, which labels of its sets fit on screen. */
export class LabelPlacer {
  private readonly sets: LabelSet[];
  private readonly metrics = new TextMetrics();
  private readonly lastView = new Matrix4();
  private lastVersions: number[] = [];
  private lastSize = '';
  private lastPlacedAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly removeListener: () => void;
  /** Passes run so far (for tests). */
  passes = 0;

  constructor(
    private readonly scene: Scene,
    sets: LabelSet[],
    private readonly intervalMs = 200,
  ) {
    this.sets = sets;
    this.removeListener = scene.preRender.addEventListener(() => this.beforeFrame());
  }

  private beforeFrame(): void {
    const scene = this.scene;
    const canvas = scene.canvas;
    const size = `${canvas.clientWidth}x${canvas.clientHeight}`;
    const versions = this.sets.map((s) => s.version);
    const changed =
      size !== this.lastSize ||
      versions.some((v, i) => v !== this.lastVersions[i]) ||
      !Matrix4.equalsEpsilon(scene.camera.viewMatrix, this.lastView, 1e-9);
    if (!changed) return;
    const wait = this.lastPlacedAt + this.intervalMs - performance.now();
    if (wait > 0) {
      // Put off: make sure a frame comes to run the pass, even when nothing else asks for one.
      this.timer ??= setTimeout(() => {
        this.timer = null;
        if (!scene.isDestroyed()) scene.requestRender();
      }, wait);
      return;
    }
    this.lastSize = size;
    this.lastVersions = versions;
    Matrix4.clone(scene.camera.viewMatrix, this.lastView);
    this.lastPlacedAt = performance.now();
    this.place(canvas.clientWidth, canvas.clientHeight);
  }

  /** One placement pass over every set. */
  place(width: number, height: number): void {
    this.passes++;
    const scene = this.scene;
    const eye = scene.camera.positionWC;
    const boxes: LabelBox[] = [];
    const markers: Obstacle[] = [];
    this.sets.forEach((set, i) => {
      set.forEach((key, spec, shown) => {
        if (beyondHorizon(eye, spec.position)) return;
        const at = SceneTransforms.worldToWindowCoordinates(scene, spec.position, scratchWindow);
        if (!at) return;
        if (spec.markerPx) {
          const r = spec.markerPx / 2;
          markers.push({ left: at.x - r, top: at.y - r, right: at.x + r, bottom: at.y + r });
        }
        if (Cartesian3.distance(eye, spec.position) > spec.maxDistanceM) return;
        const w = this.metrics.width(spec.font, spec.text) + 2 * OUTLINE_PX;
        const h = fontPx(spec.font) + 2 * OUTLINE_PX;
        const x = at.x + spec.pixelOffset.x;
        const y = at.y + spec.pixelOffset.y;
        const left =
          spec.horizontalOrigin === HorizontalOrigin.LEFT
            ? x
            : spec.horizontalOrigin === HorizontalOrigin.RIGHT
              ? x - w
              : x - w / 2;
        const top =
          spec.verticalOrigin === VerticalOrigin.TOP
            ? y
            : spec.verticalOrigin === VerticalOrigin.CENTER
              ? y - h / 2
              : y - h;
        boxes.push({
          key: `${i}:${key}`,
          left,
          top,
          right: left + w,
          bottom: top + h,
          priority: spec.priority,
          shown,
        });
      });
    });
    const shown = placeLabels(boxes, { width, height }, markers);
    this.sets.forEach((set, i) => {
      set.apply((key) => shown.has(`${i}:${key}`));
    });
  }

  destroy(): void {
    this.removeListener();
    if (this.timer) clearTimeout(this.timer);
  }
}

const scratchWindow = new Cartesian2();
const scratchToEye = new Cartesian3();

/**
 * True when a point near the ground is on the far side of the globe from the eye: the eye is
 * below the plane tangent to the earth at the point (a sphere through the point stands in for
 * the ellipsoid, close enough for labels). Labels draw over everything, so this is their
 * only occlusion.
 */
function beyondHorizon(eye: Cartesian3, point: Cartesian3): boolean {
  return Cartesian3.dot(Cartesian3.subtract(eye, point, scratchToEye), point) < 0;
}
