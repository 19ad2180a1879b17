/**
 * Persistence over consecutive frames of the same place: a blob is confirmed when a blob of the
 * same label was seen at the same place in each of the previous N-1 frames.
 *
 * "The same place" is decided in one of two ways:
 *  - on the ground, when the context carries the frame's pose (`ctx.frame`): box centres are
 *    projected to flat ground at the take-off elevation (missions' camera geometry) and match
 *    within `maxGroundM`. This works for a camera sweeping past, which is how patrols fly;
 *    frames are grouped per vehicle.
 *  - in the image, when there is a `placeKey` but no pose: boxes overlap (IoU >= `minIou`) in
 *    frames of the same vehicle and place key (a hovering camera).
 * A frame with neither is a single still image and nothing in it can be confirmed.
 *
 * Memory is bounded: the newest `maxPlaces` places are kept, each with its last N frames.
 */
import type { PixelBox } from '@aerie/contracts';
import { flatGroundFromHome, type LatLon, localPlane, pixelToGround } from '@aerie/missions';
import type { DetectContext } from '../detector.ts';
import { iou } from './raster.ts';

export interface PersistenceOptions {
  frames: number;
  minIou: number;
  maxGroundM: number;
  maxGapMs: number;
  maxPlaces?: number;
}

interface Seen {
  atMs: number;
  boxes: { label: string; box: PixelBox; ground?: LatLon }[];
}

export class PersistenceMemory {
  private readonly places = new Map<string, Seen[]>();
  constructor(private readonly opts: PersistenceOptions) {}

  /**
   * Records this frame's boxes (in the pixels of an image `imageSize`) and says, for each,
   * whether it is confirmed. Returns undefined when the frame has neither pose nor place (a still).
   */
  observe(
    ctx: DetectContext,
    boxes: { label: string; box: PixelBox }[],
    imageSize: { width: number; height: number },
  ): boolean[] | undefined {
    const frame = ctx.frame;
    if (!frame && ctx.placeKey === undefined) return undefined;
    const key = frame ? `pose|${frame.vehicleId}` : `place|${ctx.vehicleId ?? ''}|${ctx.placeKey}`;
    const now = ctx.capturedAtMs ?? frame?.capturedAtMs ?? 0;
    const located = boxes.map((b) => {
      if (!frame) return b;
      const [x, y, w, h] = b.box;
      const sx = frame.camera.width / imageSize.width;
      const sy = frame.camera.height / imageSize.height;
      const hit = pixelToGround(frame, (x + w / 2) * sx, (y + h / 2) * sy, flatGroundFromHome(frame.pose));
      return hit.ok ? { ...b, ground: { lat: hit.point.lat, lon: hit.point.lon } } : b;
    });
    const same = (a: Seen['boxes'][number], b: Seen['boxes'][number]): boolean => {
      if (a.label !== b.label) return false;
      if (frame) {
        if (!a.ground || !b.ground) return false;
        const p = localPlane(a.ground).toXY(b.ground);
        return Math.hypot(p.x, p.y) <= this.opts.maxGroundM;
      }
      return iou(a.box, b.box) >= this.opts.minIou;
    };
    const history = (this.places.get(key) ?? []).filter(
      (s) => now - s.atMs <= this.opts.maxGapMs && s.atMs <= now,
    );
    const previous = history.slice(-(this.opts.frames - 1));
    const confirmed = located.map(
      (b) =>
        previous.length === this.opts.frames - 1 && previous.every((s) => s.boxes.some((o) => same(o, b))),
    );
    history.push({ atMs: now, boxes: located });
    this.places.delete(key);
    this.places.set(key, history.slice(-this.opts.frames));
    const max = this.opts.maxPlaces ?? 1000;
    while (this.places.size > max) this.places.delete(this.places.keys().next().value!);
    return confirmed;
  }
}
