/**
 * Letterbox geometry, the model's input tensor, NMS and boxes back to original pixels: pure
 * functions, no I/O. The letterbox resize is done here, fused with padding and normalisation,
 * rather than by sharp: one pass, no intermediate image, and the same bilinear mapping the
 * models were trained with.
 */
import type { ModelManifest } from './manifest.ts';

export interface Letterbox {
  /** Original image size. */
  srcW: number;
  srcH: number;
  /** Model input size. */
  inW: number;
  inH: number;
  /** Original pixels -> input pixels. */
  scale: number;
  /** Size of the resized image inside the input. */
  resizedW: number;
  resizedH: number;
  /** Where the resized image's top-left corner sits in the input. */
  padX: number;
  padY: number;
}

/** Scale keeping the aspect ratio so the image fits, then place it centred or top-left. */
export function letterboxGeometry(
  srcW: number,
  srcH: number,
  inW: number,
  inH: number,
  placement: 'centre' | 'top-left',
): Letterbox {
  const scale = Math.min(inW / srcW, inH / srcH);
  const resizedW = Math.min(inW, Math.max(1, Math.round(srcW * scale)));
  const resizedH = Math.min(inH, Math.max(1, Math.round(srcH * scale)));
  const padX = placement === 'centre' ? Math.floor((inW - resizedW) / 2) : 0;
  const padY = placement === 'centre' ? Math.floor((inH - resizedH) / 2) : 0;
  return { srcW, srcH, inW, inH, scale, resizedW, resizedH, padX, padY };
}

/**
 * Resize, pad and normalise in one pass, straight from the original pixels into the tensor:
 * bilinear sampling with OpenCV's `INTER_LINEAR` pixel-centre mapping
 * (`src = (dst + 0.5) * srcW / resizedW - 0.5`, clamped at the edges), which is what the
 * YOLOX, NanoDet and Ultralytics training code resize with. No intermediate image is made.
 */
export function letterboxTensor(
  img: { data: Uint8Array; width: number; height: number },
  lb: Letterbox,
  input: ModelManifest['input'],
  out: Float32Array = new Float32Array(3 * lb.inW * lb.inH),
): Float32Array {
  const { inW, inH, resizedW, resizedH, padX, padY } = lb;
  const { data, width: srcW, height: srcH } = img;
  if (data.length !== srcW * srcH * 3)
    throw new Error(`image has ${data.length} bytes, expected ${srcW * srcH * 3}`);
  if (out.length !== 3 * inW * inH)
    throw new Error(`tensor buffer has ${out.length} floats, expected ${3 * inW * inH}`);
  const plane = inW * inH;
  const mean = input.mean ?? [0, 0, 0];
  const std = input.std ?? [1, 1, 1];
  const srcChannel = input.colour === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const m0 = mean[0]!;
  const m1 = mean[1]!;
  const m2 = mean[2]!;
  const i0 = 1 / std[0]!;
  const i1 = 1 / std[1]!;
  const i2 = 1 / std[2]!;
  const s0 = srcChannel[0]!;
  const s1 = srcChannel[1]!;
  const s2 = srcChannel[2]!;
  for (let c = 0; c < 3; c++) out.fill((input.padValue - mean[c]!) / std[c]!, c * plane, (c + 1) * plane);
  // Column taps, computed once.
  const xa = new Int32Array(resizedW);
  const xb = new Int32Array(resizedW);
  const wx = new Float32Array(resizedW);
  const fx = srcW / resizedW;
  for (let x = 0; x < resizedW; x++) {
    const sx = Math.min(srcW - 1, Math.max(0, (x + 0.5) * fx - 0.5));
    const x0 = Math.floor(sx);
    xa[x] = x0 * 3;
    xb[x] = Math.min(srcW - 1, x0 + 1) * 3;
    wx[x] = sx - x0;
  }
  const fy = srcH / resizedH;
  for (let y = 0; y < resizedH; y++) {
    const sy = Math.min(srcH - 1, Math.max(0, (y + 0.5) * fy - 0.5));
    const y0 = Math.floor(sy);
    const wy = sy - y0;
    const rowA = y0 * srcW * 3;
    const rowB = Math.min(srcH - 1, y0 + 1) * srcW * 3;
    let o = (y + padY) * inW + padX;
    for (let x = 0; x < resizedW; x++, o++) {
      const a = rowA + xa[x]!;
      const b = rowA + xb[x]!;
      const cA = rowB + xa[x]!;
      const d = rowB + xb[x]!;
      const w = wx[x]!;
      const w00 = (1 - w) * (1 - wy);
      const w01 = w * (1 - wy);
      const w10 = (1 - w) * wy;
      const w11 = w * wy;
      out[o] =
        (data[a + s0]! * w00 + data[b + s0]! * w01 + data[cA + s0]! * w10 + data[d + s0]! * w11 - m0) * i0;
      out[plane + o] =
        (data[a + s1]! * w00 + data[b + s1]! * w01 + data[cA + s1]! * w10 + data[d + s1]! * w11 - m1) * i1;
      out[2 * plane + o] =
        (data[a + s2]! * w00 + data[b + s2]! * w01 + data[cA + s2]! * w10 + data[d + s2]! * w11 - m2) * i2;
    }
  }
  return out;
}

/** A detection in model input pixels (corners), before it is mapped back. */
export interface Candidate {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  classIndex: number;
}

/** Input-pixel corners -> original-pixel `[x, y, w, h]`, clipped to the image. */
export function toOriginalBox(c: Candidate, lb: Letterbox): [number, number, number, number] {
  const clampX = (v: number) => Math.min(lb.srcW, Math.max(0, v));
  const clampY = (v: number) => Math.min(lb.srcH, Math.max(0, v));
  const x1 = clampX((c.x1 - lb.padX) / lb.scale);
  const y1 = clampY((c.y1 - lb.padY) / lb.scale);
  const x2 = clampX((c.x2 - lb.padX) / lb.scale);
  const y2 = clampY((c.y2 - lb.padY) / lb.scale);
  return [x1, y1, x2 - x1, y2 - y1];
}

function iou(a: Candidate, b: Candidate): number {
  const ix = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const iy = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Class-wise greedy non-maximum suppression: within one class, a box overlapping a
 * higher-scoring kept box by more than `iouThreshold` is dropped; boxes of different classes
 * never suppress each other. Result is sorted by score, highest first.
 */
export function nmsClassWise(cands: readonly Candidate[], iouThreshold: number, maxKeep = 300): Candidate[] {
  const sorted = [...cands].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  const keptByClass = new Map<number, Candidate[]>();
  for (const c of sorted) {
    const same = keptByClass.get(c.classIndex) ?? [];
    if (same.some((k) => iou(k, c) > iouThreshold)) continue;
    same.push(c);
    keptByClass.set(c.classIndex, same);
    kept.push(c);
    if (kept.length >= maxKeep) break;
  }
  return kept;
}
