import { describe, expect, it } from 'vitest';
import { bearingDeg, lerpAngleDeg, prepareTrack, replaySpan, sampleAt } from './replay-track.ts';
import type { TrackPoint } from './types.ts';

const T0 = Date.parse('2026-06-01T02:00:00.000Z');

function point(sec: number, over: Partial<TrackPoint> = {}): TrackPoint {
  return {
    at: new Date(T0 + sec * 1000).toISOString(),
    latDeg: 23.03,
    lonDeg: 113.14,
    altAmslM: 50,
    altRelM: 40,
    headingDeg: 90,
    groundSpeedMps: 5,
    batteryPct: 80,
    ...over,
  };
}

describe('sampleAt', () => {
  it('interpolates position, altitude and telemetry between the two points around t', () => {
    const track = prepareTrack([
      point(0, { lonDeg: 113.14, altRelM: 10, altAmslM: 20, batteryPct: 90, groundSpeedMps: 2 }),
      point(10, { lonDeg: 113.15, altRelM: 30, altAmslM: 40, batteryPct: 80, groundSpeedMps: 6 }),
    ]);
    const s = sampleAt(track, T0 + 2500)!;
    expect(s.lonDeg).toBeCloseTo(113.1425, 6);
    expect(s.latDeg).toBeCloseTo(23.03, 6);
    expect(s.altRelM).toBeCloseTo(15, 6);
    expect(s.altAmslM).toBeCloseTo(25, 6);
    expect(s.batteryPct).toBeCloseTo(87.5, 6);
    expect(s.groundSpeedMps).toBeCloseTo(3, 6);
    expect(s.index).toBe(0);
  });

  it('sorts points that arrive out of order before interpolating', () => {
    const track = prepareTrack([point(10, { latDeg: 23.04 }), point(0, { latDeg: 23.02 })]);
    expect(sampleAt(track, T0 + 5000)!.latDeg).toBeCloseTo(23.03, 6);
  });

  it('holds the first point before the track and the last after it', () => {
    const track = prepareTrack([point(0, { lonDeg: 113.1 }), point(5, { lonDeg: 113.2 })]);
    expect(sampleAt(track, T0 - 60_000)!.lonDeg).toBe(113.1);
    const after = sampleAt(track, T0 + 60_000)!;
    expect(after.lonDeg).toBe(113.2);
    expect(after.index).toBe(1);
  });

  it('turns the short way round between headings across north', () => {
    const track = prepareTrack([point(0, { headingDeg: 350 }), point(10, { headingDeg: 10 })]);
    expect(sampleAt(track, T0 + 5000)!.headingDeg).toBeCloseTo(0, 6);
    expect(sampleAt(track, T0 + 2500)!.headingDeg).toBeCloseTo(355, 6);
  });

  it('takes the direction of travel when the vehicle sent no heading', () => {
    const track = prepareTrack([
      point(0, { headingDeg: null, latDeg: 23.03, lonDeg: 113.14 }),
      point(10, { headingDeg: null, latDeg: 23.04, lonDeg: 113.14 }),
    ]);
    expect(sampleAt(track, T0 + 1000)!.headingDeg).toBeCloseTo(0, 3);
  });

  it('keeps the known value when one side of a telemetry field is missing', () => {
    const track = prepareTrack([point(0, { batteryPct: null }), point(10, { batteryPct: 70 })]);
    expect(sampleAt(track, T0 + 3000)!.batteryPct).toBe(70);
  });

  it('has nothing to show for an empty track', () => {
    expect(sampleAt(prepareTrack([]), T0)).toBeNull();
  });

  it('drops points with an unreadable time', () => {
    const track = prepareTrack([point(0), { ...point(1), at: 'not a time' }]);
    expect(track.points).toHaveLength(1);
  });
});

describe('angles', () => {
  it('gives compass bearings', () => {
    expect(bearingDeg(23, 113, 23.01, 113)).toBeCloseTo(0, 3);
    expect(bearingDeg(23, 113, 23, 113.01)).toBeCloseTo(90, 1);
    expect(bearingDeg(23, 113, 22.99, 113)).toBeCloseTo(180, 3);
    expect(bearingDeg(23, 113, 23, 112.99)).toBeCloseTo(270, 1);
  });

  it('interpolates headings within 0..360', () => {
    expect(lerpAngleDeg(10, 350, 0.5)).toBeCloseTo(0, 6);
    expect(lerpAngleDeg(90, 180, 0.5)).toBeCloseTo(135, 6);
  });
});

describe('replaySpan', () => {
  it('covers the events that come before the first point (arming)', () => {
    const track = prepareTrack([point(5), point(60)]);
    expect(replaySpan(track, [T0, T0 + 70_000])).toEqual({ startMs: T0, endMs: T0 + 70_000 });
    expect(replaySpan(prepareTrack([]), [])).toBeNull();
  });
});
