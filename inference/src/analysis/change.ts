/**
 * change: what is new at a place since an earlier patrol — new structures, and discoloured or
 * littered water — by comparing the frame with a baseline of the same ground.
 *
 * Registration is by pose, not by image matching: every ground cell (1 m, on a grid fixed to the
 * store's origin) inside the frame's footprint is projected into the image with missions' camera
 * geometry (ground -> pixel) and its colour sampled (3x3 pixel mean). The baseline keeps one
 * colour per ground cell, in tiles of 64 x 64 cells keyed by tile index (`BaselineStore`), so
 * frames taken from any pose, heading or height compare cell by cell.
 *
 * Rule (thresholds.ts: CHANGE). The two frames' brightness is matched first (median ratio over
 * the cells both saw). A cell has changed when its colour differs from every baseline cell within
 * 2 cells around it (tolerance for the pose error between patrols) by more than 0.08 in r,g
 * chromaticity or by a brightness ratio beyond 1.6. Changed cells form 8-connected regions; a
 * region of at least 6 m^2 is a finding, boxed in the frame's pixels:
 *  - over cells that were water in the baseline (water colour rule of water.ts): river_pollution,
 *    `floating-debris` when under 100 m^2, `discoloured-water` when larger (a plume, an algae bloom);
 *  - elsewhere: construction, `new-structure`.
 * Cells the baseline has never seen are learnt from the frame (the first patrol becomes the
 * baseline); cells it has are never overwritten here: a change stays a change until someone
 * accepts it (`acceptFrame`).
 *
 * Limits, honestly. Pose error beyond ~2 m (no RTK, poor heading) shows up as changes along every
 * high-contrast edge; shadows moving with the time of day, seasons, parked cars, moving boats
 * and wet/dry ground are all "changes"; tall things seen obliquely lean differently from another
 * pose (only flat ground registers exactly). Flat ground at the take-off elevation is assumed
 * unless a DEM is given.
 */
import type { DetectorRef, FrameMeta, ImageFinding, PixelBox } from '@aerie/contracts';
import {
  type CameraView,
  cameraFor,
  flatGroundFromHome,
  type Ground,
  type LatLon,
  type LocalPlane,
  localPlane,
} from '@aerie/missions';
import type { DetectContext, Detector, RgbImage } from '../detector.ts';
import { blobs } from './raster.ts';
import { CHANGE, RULES_VERSION } from './thresholds.ts';
import { isWaterColour } from './water.ts';

/** One baseline tile: `tileCells` x `tileCells` ground cells, row-major from the south-west corner. */
export interface BaselineTile {
  /** Tile index east and north of the store's origin. */
  ti: number;
  tj: number;
  /** R, G, B per cell. */
  rgb: Uint8Array;
  /** Non-zero where the cell has a baseline colour. */
  valid: Uint8Array;
  /** When the tile was last written, ms since the epoch (16 KB a tile: ~4 MB per km^2 of baseline). */
  updatedAtMs: number;
}

/** Where baselines live, keyed by ground tile. In memory for now; a database or file store fits the same shape. */
export interface BaselineStore {
  readonly origin: LatLon;
  readonly cellM: number;
  readonly tileCells: number;
  get(ti: number, tj: number): BaselineTile | undefined;
  put(tile: BaselineTile): void;
}

export class MemoryBaselineStore implements BaselineStore {
  private readonly tiles = new Map<string, BaselineTile>();
  constructor(
    readonly origin: LatLon,
    readonly cellM: number = CHANGE.cellM,
    readonly tileCells: number = CHANGE.tileCells,
  ) {}
  get(ti: number, tj: number): BaselineTile | undefined {
    return this.tiles.get(`${ti},${tj}`);
  }
  put(tile: BaselineTile): void {
    this.tiles.set(`${tile.ti},${tile.tj}`, tile);
  }
  get size(): number {
    return this.tiles.size;
  }
}

/** A detect context that carries the frame's pose (what registration needs) and optionally a DEM. */
export interface PosedDetectContext extends DetectContext {
  frame?: FrameMeta;
  ground?: Ground;
}

export interface ChangeOptions {
  /** Where baselines live; default: in memory, grid origin at the first frame's position. */
  store?: BaselineStore;
  /** Farthest ground distance from the camera considered, metres (default 400). */
  maxRangeM?: number;
}

interface Window {
  i0: number;
  j0: number;
  w: number;
  h: number;
  /** Current colour per window cell (NaN where not seen). */
  cur: Float32Array;
  /** Pixel position of each seen cell, for boxes. */
  u: Float32Array;
  v: Float32Array;
}

export class ChangeDetector implements Detector {
  readonly ref: DetectorRef = { name: 'change', version: RULES_VERSION, kind: 'image-analysis' };
  private storeRef: BaselineStore | undefined;
  private planeRef: LocalPlane | undefined;
  constructor(private readonly options: ChangeOptions = {}) {
    this.storeRef = options.store;
  }

  /** The baseline store (created at the first frame when none was given). */
  get store(): BaselineStore | undefined {
    return this.storeRef;
  }

  private storeFor(frame: FrameMeta): BaselineStore {
    this.storeRef ??= new MemoryBaselineStore({ lat: frame.pose.lat, lon: frame.pose.lon });
    return this.storeRef;
  }

  private get plane(): LocalPlane {
    this.planeRef ??= localPlane(this.storeRef!.origin);
    return this.planeRef;
  }

  async detect(img: RgbImage, ctx: PosedDetectContext = {}): Promise<ImageFinding[]> {
    if (!ctx.frame) return [];
    return this.compare(img, ctx.frame, ctx.ground);
  }

  /** Compares the frame with the baseline, learns cells the baseline lacks, and returns the changes. */
  compare(img: RgbImage, frame: FrameMeta, ground: Ground = flatGroundFromHome(frame.pose)): ImageFinding[] {
    const win = this.sample(img, frame, ground);
    if (!win) return [];
    const findings = this.changes(win);
    this.learn(win, frame.capturedAtMs, false);
    return findings;
  }

  /** Makes this frame the baseline wherever it sees the ground (an operator accepting the changes). */
  acceptFrame(img: RgbImage, frame: FrameMeta, ground: Ground = flatGroundFromHome(frame.pose)): void {
    const win = this.sample(img, frame, ground);
    if (win) this.learn(win, frame.capturedAtMs, true);
  }

  private sample(img: RgbImage, frame: FrameMeta, ground: Ground): Window | undefined {
    const store = this.storeFor(frame);
    const view: CameraView = {
      ...frame,
      camera: { hfovDeg: frame.camera.hfovDeg, width: img.width, height: img.height },
    };
    const cam = cameraFor(view);
    const maxRangeM = this.options.maxRangeM ?? 400;
    const fp = cam.footprint(ground, { maxRangeM });
    if (fp.ring.length < 3) return undefined;
    const xs = fp.ring.map((p) => this.plane.toXY(p));
    const i0 = Math.floor(Math.min(...xs.map((p) => p.x)) / store.cellM);
    const i1 = Math.ceil(Math.max(...xs.map((p) => p.x)) / store.cellM);
    const j0 = Math.floor(Math.min(...xs.map((p) => p.y)) / store.cellM);
    const j1 = Math.ceil(Math.max(...xs.map((p) => p.y)) / store.cellM);
    const w = i1 - i0 + 1;
    const h = j1 - j0 + 1;
    if (w * h > 2_000_000) return undefined;
    const cur = new Float32Array(w * h * 3).fill(Number.NaN);
    const u = new Float32Array(w * h);
    const v = new Float32Array(w * h);
    const elevation = (p: LatLon): number | undefined =>
      ground.kind === 'flat' ? ground.elevationMslM : ground.elevationMslM(p);
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const ll = this.plane.toLatLon({ x: (i0 + i + 0.5) * store.cellM, y: (j0 + j + 0.5) * store.cellM });
        const elev = elevation(ll);
        if (elev === undefined) continue;
        const px = cam.groundToPixel(ll, elev);
        if (!px.ok || px.u < 1 || px.v < 1 || px.u > img.width - 1 || px.v > img.height - 1) continue;
        const k = j * w + i;
        const [r, g, b] = mean3x3(img, Math.floor(px.u), Math.floor(px.v));
        cur[k * 3] = r;
        cur[k * 3 + 1] = g;
        cur[k * 3 + 2] = b;
        u[k] = px.u;
        v[k] = px.v;
      }
    }
    return { i0, j0, w, h, cur, u, v };
  }

  /** Baseline colour of a ground cell, or undefined. */
  private baseline(ci: number, cj: number): [number, number, number] | undefined {
    const store = this.storeRef!;
    const n = store.tileCells;
    const ti = Math.floor(ci / n);
    const tj = Math.floor(cj / n);
    const tile = store.get(ti, tj);
    if (!tile) return undefined;
    const k = (cj - tj * n) * n + (ci - ti * n);
    if (!tile.valid[k]) return undefined;
    return [tile.rgb[k * 3]!, tile.rgb[k * 3 + 1]!, tile.rgb[k * 3 + 2]!];
  }

  private changes(win: Window): ImageFinding[] {
    const { i0, j0, w, h, cur } = win;
    // Brightness gain between the frames: median of current / baseline over cells both saw.
    const ratios: number[] = [];
    for (let k = 0; k < w * h; k++) {
      if (Number.isNaN(cur[k * 3]!)) continue;
      const b = this.baseline(i0 + (k % w), j0 + Math.floor(k / w));
      if (b)
        ratios.push(
          brightness(cur[k * 3]!, cur[k * 3 + 1]!, cur[k * 3 + 2]!) / Math.max(1, brightness(...b)),
        );
    }
    if (ratios.length === 0) return [];
    ratios.sort((a, b) => a - b);
    const gain = ratios[Math.floor(ratios.length / 2)]!;

    const changed = new Uint8Array(w * h);
    const wasWater = new Uint8Array(w * h);
    const r = CHANGE.searchCells;
    for (let k = 0; k < w * h; k++) {
      if (Number.isNaN(cur[k * 3]!)) continue;
      const c: [number, number, number] = [cur[k * 3]!, cur[k * 3 + 1]!, cur[k * 3 + 2]!];
      const ci = i0 + (k % w);
      const cj = j0 + Math.floor(k / w);
      const own = this.baseline(ci, cj);
      if (!own) continue;
      if (isWaterColour(...own)) wasWater[k] = 1;
      let matched = false;
      for (let dj = -r; dj <= r && !matched; dj++) {
        for (let di = -r; di <= r && !matched; di++) {
          const b = this.baseline(ci + di, cj + dj);
          if (b && sameColour(c, b, gain)) matched = true;
        }
      }
      if (!matched) changed[k] = 1;
    }

    const out: ImageFinding[] = [];
    const minCells = CHANGE.minChangeM2 / this.storeRef!.cellM ** 2;
    for (const blob of blobs(changed, w, h)) {
      if (blob.cells.length < minCells) break;
      const water = blob.cells.filter((k) => wasWater[k]).length / blob.cells.length;
      let category: ImageFinding['category'] = 'construction';
      let label = 'new-structure';
      let score: number = CHANGE.score.newStructure;
      if (water >= 0.5) {
        category = 'river_pollution';
        const areaM2 = blob.cells.length * this.storeRef!.cellM ** 2;
        label = areaM2 < CHANGE.debrisMaxM2 ? 'floating-debris' : 'discoloured-water';
        score = CHANGE.score.waterChange;
      }
      out.push({ category, label, score, box: pixelBox(blob.cells, win), detector: this.ref });
    }
    return out;
  }

  private learn(win: Window, atMs: number, overwrite: boolean): void {
    const store = this.storeRef!;
    const n = store.tileCells;
    const { i0, j0, w, h, cur } = win;
    for (let k = 0; k < w * h; k++) {
      if (Number.isNaN(cur[k * 3]!)) continue;
      const ci = i0 + (k % w);
      const cj = j0 + Math.floor(k / w);
      const ti = Math.floor(ci / n);
      const tj = Math.floor(cj / n);
      let tile = store.get(ti, tj);
      if (!tile) {
        tile = {
          ti,
          tj,
          rgb: new Uint8Array(n * n * 3),
          valid: new Uint8Array(n * n),
          updatedAtMs: atMs,
        };
        store.put(tile);
      }
      const t = (cj - tj * n) * n + (ci - ti * n);
      if (tile.valid[t] && !overwrite) continue;
      tile.rgb[t * 3] = cur[k * 3]!;
      tile.rgb[t * 3 + 1] = cur[k * 3 + 1]!;
      tile.rgb[t * 3 + 2] = cur[k * 3 + 2]!;
      tile.valid[t] = 1;
      tile.updatedAtMs = Math.max(tile.updatedAtMs, atMs);
    }
  }
}

const brightness = (r: number, g: number, b: number): number => (r + g + b) / 3;

function sameColour(c: readonly number[], b: readonly number[], gain: number): boolean {
  const sc = c[0]! + c[1]! + c[2]! + 1e-6;
  const sb = b[0]! + b[1]! + b[2]! + 1e-6;
  const dr = c[0]! / sc - b[0]! / sb;
  const dg = c[1]! / sc - b[1]! / sb;
  if (Math.hypot(dr, dg) > CHANGE.chromaDelta) return false;
  const ratio = (sc / 3 + 1) / ((sb / 3) * gain + 1);
  return ratio <= CHANGE.brightnessRatio && ratio >= 1 / CHANGE.brightnessRatio;
}

function mean3x3(img: RgbImage, x: number, y: number): [number, number, number] {
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const px = x + dx;
      const py = y + dy;
      if (px < 0 || py < 0 || px >= img.width || py >= img.height) continue;
      const p = (py * img.width + px) * 3;
      r += img.data[p]!;
      g += img.data[p + 1]!;
      b += img.data[p + 2]!;
      n++;
    }
  }
  return [r / n, g / n, b / n];
}

function pixelBox(cells: readonly number[], win: Window): PixelBox {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const k of cells) {
    x0 = Math.min(x0, win.u[k]!);
    x1 = Math.max(x1, win.u[k]!);
    y0 = Math.min(y0, win.v[k]!);
    y1 = Math.max(y1, win.v[k]!);
  }
  return [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)];
}
