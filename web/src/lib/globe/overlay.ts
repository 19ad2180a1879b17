/**
 * What moves on the globe is drawn on a 2D canvas laid over it; the globe under it is redrawn
 * only when the camera moves or its own content changes.
 *
 * Why: a live fleet changes the picture several times a second, while the camera usually
 * stands still over a district. Redrawing the globe's imagery for every aircraft update is the
 * largest cost of a frame, and on a machine without a GPU (a virtual desktop, a command-centre
 * PC whose browser falls back to SwiftShader) one globe frame takes 100-150 ms of CPU, so the
 * view managed 6-9 frames a second with 200 aircraft. The overlay redraws aircraft, trails,
 * altitude stalks and names in 1-3 ms, in the same animation frame as the globe and with the
 * same camera, so the two never drift apart; with a GPU the split costs nothing either.
 *
 * The overlay draws after Cesium has updated the camera for the frame (`scene.postUpdate`)
 * and before Cesium renders, so a camera move redraws both in one frame. It is transparent to
 * the mouse: clicks reach Cesium's canvas, and `pick` answers what the overlay drew there.
 * Symbols drawn here are never hidden by terrain (they were not before either: the billboards
 * had depth testing off), only by the earth's horizon.
 */
import { Matrix4, type Scene } from 'cesium';
import { ScreenView } from './screen-view.ts';

/** Something drawn on the overlay. */
export interface OverlayLayer {
  /** Draws the layer for this frame (the context is cleared and scaled to CSS pixels). */
  draw(ctx: CanvasRenderingContext2D, view: ScreenView): void;
  /** What the layer drew at a CSS pixel (top layers are asked first); undefined for nothing. */
  pick?(x: number, y: number): unknown;
}

export class GlobeOverlay {
  readonly canvas: HTMLCanvasElement;
  private readonly view = new ScreenView();
  /** Frames drawn so far (for the benchmark). */
  frames = 0;
  /**
   * Draw on every animation frame, not only after a change (the benchmark's measure of what
   * the overlay can draw; nothing in the console sets it).
   */
  continuous = false;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly layers: OverlayLayer[] = [];
  private dirty = true;
  private readonly removeListener: () => void;
  private readonly viewProjection = new Matrix4();

  constructor(private readonly scene: Scene) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'aerie-globe-overlay';
    Object.assign(this.canvas.style, {
      position: 'absolute',
      inset: '0',
      width: '100%',
      height: '100%',
      pointerEvents: 'none',
    });
    // Right above Cesium's canvas, in the same (positioned) widget, under its credits.
    scene.canvas.after(this.canvas);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gives no 2D canvas for the globe overlay');
    this.ctx = ctx;
    this.removeListener = scene.postUpdate.addEventListener(() => this.frame());
  }

  /** Adds a layer on top of the ones added before. */
  add(layer: OverlayLayer): void {
    this.layers.push(layer);
    this.dirty = true;
  }

  /** Asks for the overlay to be drawn on the next animation frame. */
  requestDraw(): void {
    this.dirty = true;
  }

  /** What the overlay drew at a CSS pixel of the globe's canvas, top layer first. */
  pick(x: number, y: number): unknown {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const hit = this.layers[i]!.pick?.(x, y);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  private frame(): void {
    const scene = this.scene;
    if (scene.isDestroyed()) return;
    const width = scene.canvas.clientWidth;
    const height = scene.canvas.clientHeight;
    const camera = scene.camera;
    Matrix4.multiply(camera.frustum.projectionMatrix, camera.viewMatrix, this.viewProjection);
    const p = camera.positionWC;
    const moved = this.view.set(this.viewProjection as unknown as ArrayLike<number>, width, height, [
      p.x,
      p.y,
      p.z,
    ]);
    if (!moved && !this.dirty && !this.continuous) return;
    this.dirty = false;
    this.draw(width, height);
  }

  private draw(width: number, height: number): void {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(width * dpr));
    const h = Math.max(1, Math.round(height * dpr));
    const canvas = this.canvas;
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    for (const layer of this.layers) {
      ctx.save();
      layer.draw(ctx, this.view);
      ctx.restore();
    }
    this.frames++;
  }

  destroy(): void {
    this.removeListener();
    this.canvas.remove();
  }
}
