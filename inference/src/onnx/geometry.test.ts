import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  fillInputTensor,
  letterboxGeometry,
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

describe('fillInputTensor', () => {
  // A 2x1 image into a 4x4 input: scale 2, resized 4x2 (what sharp would return, given here
  // directly), one padding row above and one below.
  const lb = letterboxGeometry(2, 1, 4, 4, 'centre'); // resized 4x2 at padY 1
  const resized = new Uint8Array(4 * 2 * 3);
  for (let i = 0; i < 8; i++) resized.set([i, 100 + i, 200 + i], i * 3);

  it('places pixels at the offset and pads elsewhere, RGB order, no normalisation', () => {
    const t = fillInputTensor(resized, lb, {
      width: 4,
      height: 4,
      colour: 'rgb',
      placement: 'centre',
      padValue: 114,
    });
    expect(t.length).toBe(3 * 16);
    expect(t[0]).toBe(114); // row 0 is padding
    expect(t[1 * 4 + 0]).toBe(0); // R of resized (0,0) at input row 1
    expect(t[16 + 1 * 4 + 1]).toBe(101); // G plane, resized (1,0)
    expect(t[32 + 2 * 4 + 3]).toBe(207); // B plane, resized (3,1) -> index 7
    expect(t[32 + 3 * 4 + 3]).toBe(114); // last row is padding
  });
  it('swaps to BGR and applies mean/std in tensor channel order, padding included', () => {
    const t = fillInputTensor(resized, lb, {
      width: 4,
      height: 4,
      colour: 'bgr',
      mean: [200, 100, 0],
      std: [2, 1, 4],
      placement: 'centre',
      padValue: 0,
    });
    expect(t[4]).toBe((200 - 200) / 2); // tensor channel 0 = B of resized (0,0)
    expect(t[16 + 4]).toBe(0); // G 100 - 100
    expect(t[32 + 4]).toBe(0); // R 0 - 0
    expect(t[0]).toBe(-100); // pad (0 - 200) / 2
    expect(t[32]).toBe(0); // pad R (0 - 0) / 4
  });
  it('rejects a resized buffer of the wrong size', () => {
    expect(() =>
      fillInputTensor(new Uint8Array(5), lb, {
        width: 4,
        height: 4,
        colour: 'rgb',
        placement: 'centre',
        padValue: 0,
      }),
    ).toThrow(/5 bytes, expected 24/);
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
