/**
 * Letterbox geometry and tensor filling: pure functions, no I/O. The resize itself is done by
 * sharp (image.ts); this module decides the size and offset and turns the resized RGB pixels
 * into the model's float tensor in one pass, padding included.
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
 * Builds the planar (NCHW, N=1) float tensor: the resized RGB pixels at the letterbox offset,
 * the pad value elsewhere, channels in the manifest's order, `(v - mean) / std` per channel.
 * `resized` is interleaved RGB of `lb.resizedW x lb.resizedH`.
 */
export function fillInputTensor(
  resized: Uint8Array,
  lb: Letterbox,
  input: ModelManifest['input'],
  out: Float32Array = new Float32Array(3 * lb.inW * lb.inH),
): Float32Array {
  const { inW, inH, resizedW, resizedH, padX, padY } = lb;
  if (resized.length !== resizedW * resizedH * 3) {
    throw new Error(`resized image has ${resized.length} bytes, expected ${resizedW * resizedH * 3}`);
  }
  const plane = inW * inH;
  const mean = input.mean ?? [0, 0, 0];
  const std = input.std ?? [1, 1, 1];
  // Source channel (0=R,1=G,2=B) feeding tensor channel c.
  const srcChannel = input.colour === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const m = mean[c]!;
    const inv = 1 / std[c]!;
    const padV = (input.padValue - m) * inv;
    const base = c * plane;
    out.fill(padV, base, base + plane);
    const sc = srcChannel[c]!;
    for (let y = 0; y < resizedH; y++) {
      let o = base + (y + padY) * inW + padX;
      let i = y * resizedW * 3 + sc;
      for (let x = 0; x < resizedW; x++) {
        out[o++] = (resized[i]! - m) * inv;
        i += 3;
      }
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
