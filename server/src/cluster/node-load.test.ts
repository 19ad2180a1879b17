import { createHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type LoadSlice, mergeSlices, startNodeLoad } from './node-load.ts';

function slice(delaysUs: number[], activeMs: number, gc: number[] = []): LoadSlice {
  const delay = createHistogram();
  for (const d of delaysUs) delay.record(d);
  return {
    delay,
    activeMs,
    idleMs: 1000 - activeMs,
    gcPauses: gc.length,
    gcPauseMs: gc.reduce((a, b) => a + b, 0),
    gcPauseMaxMs: Math.max(0, ...gc),
  };
}

function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('node load windows', () => {
  it('merges the newest slices exactly: percentiles over every sample, busy share and GC pauses summed', () => {
    const quiet = slice(Array(100).fill(200), 100);
    // One second with a 40 ms stall among 99 timely samples, busier, with two collections.
    const stalled = slice([...Array(99).fill(300), 40_000], 700, [3, 12]);
    const slices = [quiet, quiet, stalled];

    const last = mergeSlices(slices, 1)!;
    expect(last).toMatchObject({ seconds: 1, delayMaxMs: 40, utilization: 0.7, gcPauses: 2, gcPauseMs: 15 });
    expect(last.gcPauseMaxMs).toBe(12);
    expect(last.delayP50Ms).toBeCloseTo(0.3, 1);

    const all = mergeSlices(slices, 10)!;
    // Only the three seconds there are; the stall is one sample in 300, so under the p99.
    expect(all.seconds).toBe(3);
    expect(all.delayMaxMs).toBe(40);
    expect(all.delayP99Ms).toBeLessThan(1);
    expect(all.utilization).toBeCloseTo(0.3, 3);
    expect(all.gcPauses).toBe(2);

    expect(mergeSlices([], 10)).toBeNull();
  });

  it('shows a loop held by synchronous work, and the collections allocation causes', async () => {
    const load = startNodeLoad({ sliceMs: 200, windows: [2, 50] });
    try {
      expect(load.report()).toEqual([]);
      await sleep(50);
      busyFor(150);
      // Short-lived garbage: young-generation collections.
      let keep = 0;
      for (let i = 0; i < 2_000_000; i++) keep += { i, s: `x${i}` }.s.length;
      expect(keep).toBeGreaterThan(0);
      await sleep(450);
      const [recent, longer] = load.report();
      expect(longer!.seconds).toBeGreaterThanOrEqual(2);
      // The 10 ms timer waited at least the 150 ms the loop was held.
      expect(longer!.delayMaxMs).toBeGreaterThanOrEqual(140);
      expect(longer!.utilization).toBeGreaterThan(0.2);
      expect(longer!.gcPauses).toBeGreaterThan(0);
      expect(longer!.gcPauseMaxMs).toBeGreaterThan(0);
      expect(recent!.seconds).toBe(2);
    } finally {
      load.stop();
    }
  });
});
