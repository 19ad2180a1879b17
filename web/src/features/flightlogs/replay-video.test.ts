import { describe, expect, it } from 'vitest';
import { needsSeek, offsetS, segmentAt, timedSegments, type VideoSegment } from './replay-video.ts';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const seg = (id: number, fromS: number, toS: number): VideoSegment => ({
  id,
  startAt: new Date(T0 + fromS * 1000).toISOString(),
  endAt: new Date(T0 + toS * 1000).toISOString(),
  bytes: 1000,
  mime: 'video/mp4',
  url: `/api/sorties/s/video/${id}`,
});

describe('segmentAt', () => {
  // Out of order on purpose, with a gap between 20 s and 30 s and a broken row.
  const segments = timedSegments([seg(3, 30, 40), seg(1, 0, 10), seg(2, 10, 20), seg(9, 50, 50)]);

  it('sorts and drops segments without a duration', () => {
    expect(segments.map((s) => s.id)).toEqual([1, 2, 3]);
  });

  it('finds the segment covering a moment, start inclusive and end exclusive', () => {
    expect(segmentAt(segments, T0)?.id).toBe(1);
    expect(segmentAt(segments, T0 + 9_999)?.id).toBe(1);
    expect(segmentAt(segments, T0 + 10_000)?.id).toBe(2);
    expect(segmentAt(segments, T0 + 35_000)?.id).toBe(3);
  });

  it('answers null before, after and between the recorded segments', () => {
    expect(segmentAt(segments, T0 - 1)).toBeNull();
    expect(segmentAt(segments, T0 + 25_000)).toBeNull();
    expect(segmentAt(segments, T0 + 40_000)).toBeNull();
    expect(segmentAt([], T0)).toBeNull();
  });

  it('gives the offset into the segment in seconds', () => {
    expect(offsetS(segments[1]!, T0 + 12_500)).toBe(2.5);
    expect(offsetS(segments[1]!, T0)).toBe(0);
  });
});

describe('needsSeek', () => {
  it('seeks a paused player on any visible difference', () => {
    expect(needsSeek(2, 2.04, false, 1)).toBe(false);
    expect(needsSeek(2, 2.2, false, 1)).toBe(true);
  });
  it('lets a playing player run within what the clock moves between updates', () => {
    expect(needsSeek(2, 2.2, true, 1)).toBe(false);
    expect(needsSeek(2, 2.5, true, 1)).toBe(true);
    expect(needsSeek(2, 4.5, true, 20)).toBe(false);
    expect(needsSeek(2, 5.5, true, 20)).toBe(true);
  });
});
