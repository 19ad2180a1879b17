import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  letterboxGeometry,
  letterboxTensor,
  nmsClassWise,
  toOriginalBox,
} from './geometry.ts';

describe('letterboxGeometry', () => {
  it('fits a wide image, centred: scale by width, equal bands above and below', () => {
    const lb = letterboxGeometry(1000, 500, 416, 416, 'centre');
    expect(lb.scale).toBeCloseTo(0.416, 6);
    expect([lb.resizedW, lb.resizedH, lb.padX, lb.padY]).toEqual([416, 208, 0, 104]);
  });
  it('fits a tall image at the top-left corner: no offset', () => {
    const lb = letterboxGeometry(300, 600, 416, 416, 'top-left');
    expect([lb.resizedW, lb.resizedH, lb.padX, lb.padY]).toEqual([208, 416, 0, 0]);
  });
  it('enlarges a small image', () => {
    const lb = letterboxGeometry(208, 104, 416, 416, 'centre');
    expect(lb.scale).toBe(2);
    expect([lb.resizedW, lb.resizedH, lb.padY]).toEqual([416, 208, 104]);
  });
});

describe('letterboxTensor', () => {
  const rgb = { colour: 'rgb' as const, placement: 'centre' as const, padValue: 114 };

  it('at scale 1 copies pixels to the offset and pads elsewhere, planar RGB, no normalisation', () => {
    // A 4x2 image into a 4x4 input: one padding row above and one below.
    const data = new Uint8Array(4 * 2 * 3);
    for (let i = 0; i < 8; i++) data.set([i, 100 + i, 200 + i], i * 3);
    const lb = letterboxGeometry(4, 2, 4, 4, 'centre');
    const t = letterboxTensor({ data, width: 4, height: 2 }, lb, { width: 4, height: 4, ...rgb });
    expect(t.length).toBe(3 * 16);
    expect(t[0]).toBe(114); // row 0 is padding
    expect(t[1 * 4 + 0]).toBe(0); // R of (0,0) at input row 1
    expect(t[16 + 1 * 4 + 1]).toBe(101); // G plane, (1,0)
    expect(t[32 + 2 * 4 + 3]).toBe(207); // B plane, (3,1) -> pixel 7
    expect(t[32 + 3 * 4 + 3]).toBe(114); // last row is padding
  });

  it('halving samples between source pixels, as OpenCV INTER_LINEAR does', () => {
    // 4x1 -> 2x1 (scale 0.5): output x maps to source (x + 0.5) * 2 - 0.5 = 0.5 and 2.5.
    const data = Uint8Array.from([0, 0, 0, 100, 100, 100, 50, 50, 50, 250, 250, 250]);
    const lb = letterboxGeometry(4, 1, 2, 2, 'top-left');
    const t = letterboxTensor({ data, width: 4, height: 1 }, lb, {
      width: 2,
      height: 2,
      colour: 'rgb',
      placement: 'top-left',
      padValue: 0,
    });
    expect([t[0], t[1]]).toEqual([50, 150]);
    expect([t[2], t[3]]).toEqual([0, 0]); // second row is padding
  });

  it('swaps to BGR and applies mean/std in tensor channel order, padding included', () => {
    const data = Uint8Array.from([10, 20, 30]);
    const lb = letterboxGeometry(1, 1, 1, 3, 'centre'); // one pixel, one pad row above and below
    const t = letterboxTensor({ data, width: 1, height: 1 }, lb, {
      width: 1,
      height: 3,
      colour: 'bgr',
      mean: [30, 20, 0],
      std: [2, 1, 5],
      placement: 'centre',
      padValue: 0,
    });
    expect([t[1], t[4], t[7]]).toEqual([0, 0, 2]); // B-30 / 2, G-20, R / 5
    expect([t[0], t[3], t[6]]).toEqual([-15, -20, 0]); // padding (0 - mean) / std
  });

  it('rejects a buffer of the wrong size', () => {
    const lb = letterboxGeometry(2, 2, 4, 4, 'centre');
    expect(() =>
      letterboxTensor({ data: new Uint8Array(5), width: 2, height: 2 }, lb, { width: 4, height: 4, ...rgb }),
    ).toThrow('image has 5 bytes, expected 12');
  });
});

describe('toOriginalBox', () => {
  it('undoes offset and scale and clips to the image', () => {
    const lb = letterboxGeometry(1000, 500, 416, 416, 'centre');
    const c: Candidate = { x1: 41.6, y1: 104 + 41.6, x2: 83.2, y2: 104 + 83.2, score: 1, classIndex: 0 };
    const box = toOriginalBox(c, lb);
    expect(box.map((v) => Math.round(v))).toEqual([100, 100, 100, 100]);
    const off = toOriginalBox({ ...c, x1: -20, y2: 400 }, lb);
    expect(off[0]).toBe(0);
    expect(off[1] + off[3]).toBe(500);
  });
});

describe('nmsClassWise', () => {
  const box = (x: number, score: number, classIndex: number): Candidate => ({
    x1: x,
    y1: 0,
    x2: x + 10,
    y2: 10,
    score,
    classIndex,
  });
  it('drops a lower-scoring overlapping box of the same class', () => {
    const kept = nmsClassWise([box(1, 0.5, 0), box(0, 0.9, 0), box(50, 0.4, 0)], 0.45);
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.4]);
  });
  it('keeps overlapping boxes of different classes', () => {
    expect(nmsClassWise([box(0, 0.9, 0), box(1, 0.8, 1)], 0.45)).toHaveLength(2);
  });
  it('keeps boxes overlapping less than the threshold', () => {
    expect(nmsClassWise([box(0, 0.9, 0), box(6, 0.8, 0)], 0.45)).toHaveLength(2); // IoU 4/16
  });
});
