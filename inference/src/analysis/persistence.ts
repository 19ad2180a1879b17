/**
 * Persistence over consecutive frames of the same place: a blob is confirmed when boxes of
 * the same label overlapping it were seen in each of the previous N-1 frames of that place.
 * Places are told apart by the detect context (`vehicleId` + `placeKey`); a frame without a
 * place key is a single still image and nothing in it can be confirmed.
 *
 * Memory is bounded: the newest `maxPlaces` places are kept, each with its last N frames.
 */
import type { PixelBox } from '@aerie/contracts';
import type { DetectContext } from '../detector.ts';
import { iou } from './raster.ts';

export interface PersistenceOptions {
  frames: number;
  minIou: number;
  maxGapMs: number;
  maxPlaces?: number;
}

interface Seen {
  atMs: number;
  boxes: { label: string; box: PixelBox }[];
}

export class PersistenceMemory {
  private readonly places = new Map<string, Seen[]>();
  constructor(private readonly opts: PersistenceOptions) {}

  /**
   * Records this frame's boxes and says, for each, whether it is confirmed. Returns undefined
   * when the frame has no place (a still image).
   */
  observe(ctx: DetectContext, boxes: { label: string; box: PixelBox }[]): boolean[] | undefined {
    if (ctx.placeKey === undefined) return undefined;
    const key = `${ctx.vehicleId ?? ''}|${ctx.placeKey}`;
    const now = ctx.capturedAtMs ?? 0;
    const history = (this.places.get(key) ?? []).filter(
      (s) => now - s.atMs <= this.opts.maxGapMs && s.atMs <= now,
    );
    const previous = history.slice(-(this.opts.frames - 1));
    const confirmed = boxes.map(
      (b) =>
        previous.length === this.opts.frames - 1 &&
        previous.every((s) =>
          s.boxes.some((o) => o.label === b.label && iou(o.box, b.box) >= this.opts.minIou),
        ),
    );
    history.push({ atMs: now, boxes });
    this.places.delete(key);
    this.places.set(key, history.slice(-this.opts.frames));
    const max = this.opts.maxPlaces ?? 1000;
    while (this.places.size > max) this.places.delete(this.places.keys().next().value!);
    return confirmed;
  }
}
