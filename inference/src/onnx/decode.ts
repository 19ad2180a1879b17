/**
 * Output decoders for the three head formats Aerie reads. Pure: they take the raw output
 * tensors and return candidates in model-input pixels, before NMS. Each checks the output's
 * shape against what the manifest promises and throws `ModelOutputError` naming both.
 *
 * - YOLOX: one tensor `[1, N, 5 + C]`, N = sum over strides 8/16/32 of (W/s)(H/s) grid cells,
 *   row-major per stride; row `[tx, ty, tw, th, objectness, C class probs]` (sigmoid applied);
 *   `cx = (tx + gx) s`, `w = exp(tw) s`; score = objectness x class prob.
 * - YOLOv8: one tensor `[1, 4 + C, N]`, channel-major; rows 0-3 `cx, cy, w, h` in input pixels,
 *   then C class scores, no objectness.
 * - NanoDet (legacy, GFL head): per stride s in 8/16/32 `cls_pred_stride_s [1, N, C]` (sigmoid
 *   applied) and `dis_pred_stride_s [1, N, 4 * 8]`: for each side (left, top, right, bottom)
 *   an 8-bin distribution; distance = sum(softmax(bins)_j * j) * s from the cell centre
 *   `((i % g) s + (s - 1) / 2, floor(i / g) s + (s - 1) / 2)`.
 */
import type { Candidate } from './geometry.ts';

export class ModelOutputError extends Error {
  override name = 'ModelOutputError';
}

export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}

/** Per-class minimum score; `Infinity` drops a class without scoring it further. */
export type ClassThresholds = Float32Array;

const STRIDES = [8, 16, 32] as const;

/**
 * The class of one anchor with the highest score that clears its class's threshold, or -1:
 * class c's score is `scale * d[at + c * step]` (YOLOX scales by the objectness).
 */
function bestClass(
  d: Float32Array,
  at: number,
  step: number,
  thresholds: ClassThresholds,
  scale = 1,
): number {
  let best = -1;
  let bestScore = 0;
  for (let c = 0; c < thresholds.length; c++) {
    const sc = scale * d[at + c * step]!;
    if (sc >= thresholds[c]! && sc > bestScore) {
      best = c;
      bestScore = sc;
    }
  }
  return best;
}

/** A candidate from its centre and size. */
function centredBox(
  cx: number,
  cy: number,
  w: number,
  h: number,
  score: number,
  classIndex: number,
): Candidate {
  return { x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2, score, classIndex };
}

function gridCells(inW: number, inH: number, strides: readonly number[]): number[] {
  return strides.map((s) => Math.ceil(inW / s) * Math.ceil(inH / s));
}

function shapeText(dims: readonly number[]): string {
  return `[${dims.join(',')}]`;
}

function expectDims(what: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new ModelOutputError(
      `${what} has shape ${shapeText(got)}, the manifest implies ${shapeText(want)}`,
    );
  }
}

/** What one output tensor must look like for a format, given the class count and input size. */
export function expectedOutputs(
  format: 'yolox' | 'yolov8' | 'nanodet',
  numClasses: number,
  inW: number,
  inH: number,
): { name?: string; dims: number[] }[] {
  const cells = gridCells(inW, inH, STRIDES);
  const n = cells.reduce((a, b) => a + b, 0);
  if (format === 'yolox') return [{ dims: [1, n, 5 + numClasses] }];
  if (format === 'yolov8') return [{ dims: [1, 4 + numClasses, n] }];
  return STRIDES.flatMap((s, k) => [
    { name: `cls_pred_stride_${s}`, dims: [1, cells[k]!, numClasses] },
    { name: `dis_pred_stride_${s}`, dims: [1, cells[k]!, 32] },
  ]);
}

export function decodeYolox(
  out: OutputTensor,
  thresholds: ClassThresholds,
  inW: number,
  inH: number,
): Candidate[] {
  const numClasses = thresholds.length;
  const want = expectedOutputs('yolox', numClasses, inW, inH)[0]!.dims;
  expectDims('YOLOX output', out.dims, want);
  const row = 5 + numClasses;
  const minThreshold = Math.min(...thresholds);
  const d = out.data;
  const cands: Candidate[] = [];
  let r = 0;
  for (const s of STRIDES) {
    const gw = Math.ceil(inW / s);
    const gh = Math.ceil(inH / s);
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++, r++) {
        const o = r * row;
        const obj = d[o + 4]!;
        if (obj < minThreshold) continue;
        const best = bestClass(d, o + 5, 1, thresholds, obj);
        if (best < 0) continue;
        const cx = (d[o]! + gx) * s;
        const cy = (d[o + 1]! + gy) * s;
        const w = Math.exp(d[o + 2]!) * s;
        const h = Math.exp(d[o + 3]!) * s;
        cands.push(centredBox(cx, cy, w, h, obj * d[o + 5 + best]!, best));
      }
    }
  }
  return cands;
}

export function decodeYolov8(
  out: OutputTensor,
  thresholds: ClassThresholds,
  inW: number,
  inH: number,
): Candidate[] {
  const numClasses = thresholds.length;
  const want = expectedOutputs('yolov8', numClasses, inW, inH)[0]!.dims;
  expectDims('YOLOv8 output', out.dims, want);
  const n = want[2]!;
  const d = out.data;
  const cands: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const best = bestClass(d, 4 * n + i, n, thresholds);
    if (best < 0) continue;
    cands.push(centredBox(d[i]!, d[n + i]!, d[2 * n + i]!, d[3 * n + i]!, d[(4 + best) * n + i]!, best));
  }
  return cands;
}

/** Expected value of a softmax over `bins` values starting at `off`. */
function distributionMean(d: Float32Array, off: number, bins: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < bins; j++) max = Math.max(max, d[off + j]!);
  let sum = 0;
  let weighted = 0;
  for (let j = 0; j < bins; j++) {
    const e = Math.exp(d[off + j]! - max);
    sum += e;
    weighted += e * j;
  }
  return weighted / sum;
}

export function decodeNanodet(
  outputs: ReadonlyMap<string, OutputTensor>,
  thresholds: ClassThresholds,
  inW: number,
  inH: number,
): Candidate[] {
  const numClasses = thresholds.length;
  for (const want of expectedOutputs('nanodet', numClasses, inW, inH)) {
    const got = outputs.get(want.name!);
    if (!got) {
      throw new ModelOutputError(
        `NanoDet output ${want.name} is missing (have ${[...outputs.keys()].join(', ')})`,
      );
    }
    expectDims(`NanoDet output ${want.name}`, got.dims, want.dims);
  }
  const bins = 8;
  const cands: Candidate[] = [];
  for (const s of STRIDES) {
    const g = Math.ceil(inW / s);
    const cls = outputs.get(`cls_pred_stride_${s}`)!.data;
    const dis = outputs.get(`dis_pred_stride_${s}`)!.data;
    const n = cls.length / numClasses;
    for (let i = 0; i < n; i++) {
      const o = i * numClasses;
      const best = bestClass(cls, o, 1, thresholds);
      if (best < 0) continue;
      const bestScore = cls[o + best]!;
      const cx = (i % g) * s + 0.5 * (s - 1);
      const cy = Math.floor(i / g) * s + 0.5 * (s - 1);
      const off = i * 4 * bins;
      const l = distributionMean(dis, off, bins) * s;
      const t = distributionMean(dis, off + bins, bins) * s;
      const r = distributionMean(dis, off + 2 * bins, bins) * s;
      const b = distributionMean(dis, off + 3 * bins, bins) * s;
      cands.push({ x1: cx - l, y1: cy - t, x2: cx + r, y2: cy + b, score: bestScore, classIndex: best });
    }
  }
  return cands;
}
