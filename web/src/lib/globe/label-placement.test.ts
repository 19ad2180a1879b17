import { describe, expect, it } from 'vitest';
import { type LabelBox, placeLabels } from './label-placement.ts';

const VIEW = { width: 800, height: 600 };

function box(key: string, left: number, top: number, extra: Partial<LabelBox> = {}): LabelBox {
  return { key, left, top, right: left + 60, bottom: top + 16, priority: 1, shown: false, ...extra };
}

describe('placeLabels', () => {
  it('shows every label when none overlap', () => {
    const boxes = [box('a', 10, 10), box('b', 100, 10), box('c', 10, 100)];
    expect(placeLabels(boxes, VIEW)).toEqual(new Set(['a', 'b', 'c']));
  });

  it('of two overlapping labels shows the one with the higher priority', () => {
    const boxes = [box('idle', 10, 10, { priority: 1 }), box('focused', 30, 14, { priority: 10 })];
    expect(placeLabels(boxes, VIEW)).toEqual(new Set(['focused']));
  });

  it('keeps the label already showing on a tie, so labels do not swap as aircraft move', () => {
    const a = box('a', 10, 10);
    const b = box('b', 20, 12);
    expect(placeLabels([a, b], VIEW)).toEqual(new Set(['a']));
    expect(placeLabels([a, { ...b, shown: true }], VIEW)).toEqual(new Set(['b']));
  });

  it('breaks the remaining ties by key, whatever order the boxes come in', () => {
    const boxes = [box('b', 20, 12), box('a', 10, 10)];
    expect(placeLabels(boxes, VIEW)).toEqual(new Set(['a']));
    expect(placeLabels([...boxes].reverse(), VIEW)).toEqual(new Set(['a']));
  });

  it('keeps the padding between labels that only touch', () => {
    const boxes = [box('a', 10, 10), box('b', 71, 10)];
    expect(placeLabels(boxes, { ...VIEW, padding: 2 })).toEqual(new Set(['a']));
    expect(placeLabels(boxes, { ...VIEW, padding: 0 })).toEqual(new Set(['a', 'b']));
  });

  it('leaves out labels entirely off the canvas and keeps ones partly on it', () => {
    const boxes = [box('left', -100, 10), box('below', 10, 700), box('edge', 780, 590)];
    expect(placeLabels(boxes, VIEW)).toEqual(new Set(['edge']));
  });

  it('finds overlaps across grid cells (a long label spanning several cells)', () => {
    const long = { ...box('long', 0, 100), right: 400, priority: 5 };
    const short = box('short', 300, 105);
    expect(placeLabels([long, short], { ...VIEW, cellPx: 64 })).toEqual(new Set(['long']));
  });

  it('keeps labels off the symbols of the map, their own included', () => {
    const arrow = { left: 40, top: 8, right: 60, bottom: 28 };
    const boxes = [box('covers', 10, 10, { priority: 50 }), box('beside', 10, 40)];
    expect(placeLabels(boxes, VIEW, [arrow])).toEqual(new Set(['beside']));
  });

  it('thins a dense cluster to labels that do not overlap one another', () => {
    // 200 aircraft on a 20x10 grid 12 px apart: far closer than a 60x16 label.
    const boxes: LabelBox[] = [];
    for (let i = 0; i < 200; i++)
      boxes.push(box(`v${i}`, 100 + (i % 20) * 12, 100 + Math.floor(i / 20) * 12));
    const shown = placeLabels(boxes, VIEW);
    expect(shown.size).toBeGreaterThan(5);
    expect(shown.size).toBeLessThan(40);
    const placed = boxes.filter((b) => shown.has(b.key));
    for (const a of placed)
      for (const b of placed)
        if (a !== b)
          expect(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top).toBe(true);
  });
});
