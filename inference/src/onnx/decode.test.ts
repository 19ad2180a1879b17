import { describe, expect, it } from 'vitest';
import {
  decodeNanodet,
  decodeYolov8,
  decodeYolox,
  expectedOutputs,
  ModelOutputError,
  type OutputTensor,
} from './decode.ts';

const thresholds = (n: number, t = 0.3) => new Float32Array(n).fill(t);

describe('decodeYolox', () => {
  const C = 3;
  const N = 52 * 52 + 26 * 26 + 13 * 13;
  it('reads grid offsets, exp sizes and objectness x class at stride 16', () => {
    const data = new Float32Array(N * (5 + C));
    const r = 52 * 52 + 2 * 26 + 3; // stride 16, gx 3, gy 2
    data.set([0.5, 0.5, Math.log(2), 0, 0.9, 0.1, 0.2, 0.8], r * (5 + C));
    const cands = decodeYolox({ data, dims: [1, N, 5 + C] }, thresholds(C), 416, 416);
    expect(cands).toHaveLength(1);
    const c = cands[0]!;
    expect(c.classIndex).toBe(2);
    expect(c.score).toBeCloseTo(0.72, 5);
    expect([c.x1, c.y1, c.x2, c.y2].map((v) => Math.round(v * 100) / 100)).toEqual([40, 32, 72, 48]);
  });
  it('drops classes whose threshold is Infinity', () => {
    const data = new Float32Array(N * (5 + C));
    data.set([0, 0, 0, 0, 1, 0.9, 0, 0], 0);
    const t = thresholds(C);
    t[0] = Number.POSITIVE_INFINITY;
    expect(decodeYolox({ data, dims: [1, N, 5 + C] }, t, 416, 416)).toEqual([]);
  });
  it('names the shape it got and the one the manifest implies', () => {
    const out: OutputTensor = { data: new Float32Array(N * 85), dims: [1, N, 85] };
    expect(() => decodeYolox(out, thresholds(2), 416, 416)).toThrow(ModelOutputError);
    expect(() => decodeYolox(out, thresholds(2), 416, 416)).toThrow(
      '[1,3549,85], the manifest implies [1,3549,7]',
    );
  });
});

describe('decodeYolov8', () => {
  const N = 3549;
  it('reads the channel-major layout: cx, cy, w, h rows then class rows', () => {
    const data = new Float32Array(6 * N);
    const i = 100;
    data[i] = 200;
    data[N + i] = 150;
    data[2 * N + i] = 40;
    data[3 * N + i] = 20;
    data[4 * N + i] = 0.2;
    data[5 * N + i] = 0.7;
    const cands = decodeYolov8({ data, dims: [1, 6, N] }, thresholds(2), 416, 416);
    expect(cands).toEqual([
      { x1: 180, y1: 140, x2: 220, y2: 160, score: expect.closeTo(0.7, 5), classIndex: 1 },
    ]);
  });
  it('rejects a row-major [1, N, 6] output', () => {
    expect(() =>
      decodeYolov8({ data: new Float32Array(6 * N), dims: [1, N, 6] }, thresholds(2), 416, 416),
    ).toThrow(/\[1,3549,6\], the manifest implies \[1,6,3549\]/);
  });
});

describe('decodeNanodet', () => {
  const C = 2;
  const outputs = () => {
    const m = new Map<string, OutputTensor>();
    for (const o of expectedOutputs('nanodet', C, 416, 416)) {
      m.set(o.name!, { data: new Float32Array(o.dims[1]! * o.dims[2]!), dims: o.dims });
    }
    return m;
  };
  it('centres cells at (s-1)/2 and takes the softmax mean of 8 bins per side', () => {
    const m = outputs();
    const i = 5 * 26 + 7; // stride 16, column 7, row 5
    m.get('cls_pred_stride_16')!.data[i * C + 1] = 0.6;
    const dis = m.get('dis_pred_stride_16')!.data;
    // left: all bins equal -> mean 3.5; top: one-hot bin 2 (large logit); right, bottom: bin 0
    dis.fill(0, i * 32, i * 32 + 8);
    dis[i * 32 + 8 + 2] = 50;
    dis[i * 32 + 16] = 50;
    dis[i * 32 + 24] = 50;
    const cands = decodeNanodet(m, thresholds(C), 416, 416);
    expect(cands).toHaveLength(1);
    const c = cands[0]!;
    const cx = 7 * 16 + 7.5;
    const cy = 5 * 16 + 7.5;
    expect(c.classIndex).toBe(1);
    expect(c.x1).toBeCloseTo(cx - 3.5 * 16, 3);
    expect(c.y1).toBeCloseTo(cy - 2 * 16, 3);
    expect(c.x2).toBeCloseTo(cx, 3);
    expect(c.y2).toBeCloseTo(cy, 3);
  });
  it('names a missing output', () => {
    const m = outputs();
    m.delete('dis_pred_stride_32');
    expect(() => decodeNanodet(m, thresholds(C), 416, 416)).toThrow(/dis_pred_stride_32 is missing/);
  });
});
