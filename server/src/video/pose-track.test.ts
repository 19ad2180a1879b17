import { describe, expect, it } from 'vitest';
import { lerpAngleDeg, type PoseSample, PoseTrack, poseAt } from './pose-track.ts';

/** A vehicle flying north at 10 m/s and turning at 9 deg/s, sampled every `periodMs`. */
function flight(periodMs: number, n: number): PoseSample[] {
  return Array.from({ length: n }, (_, i) => {
    const t = i * periodMs;
    return {
      atMs: 1_000_000 + t,
      lat: 23.03 + (10 * t) / 1000 / 111_195,
      lon: 113.14,
      altMslM: 40,
      altRelM: 30,
      rollDeg: 0,
      pitchDeg: -5,
      yawDeg: (350 + (9 * t) / 1000) % 360,
    };
  });
}

describe('pose at capture time', () => {
  it('places a frame between two telemetry samples: position within a few cm of the truth (one period = 200 ms)', () => {
    const samples = flight(200, 20);
    const t = 1_000_000 + 1230; // between samples 6 (1200) and 7 (1400)
    const r = poseAt(samples, t);
    if (!r.ok) throw new Error(r.reason);
    const trueLat = 23.03 + (10 * 1230) / 1000 / 111_195;
    expect(Math.abs(r.pose.lat - trueLat) * 111_195).toBeLessThan(0.05);
    // "latest known" would be 0.3 m behind: interpolation is the point
    expect(Math.abs(samples[6]!.lat - trueLat) * 111_195).toBeGreaterThan(0.25);
    expect(r.pose.yawDeg).toBeCloseTo(lerpAngleDeg(350, 350 + 9 * 1.23, 1), 6);
  });

  it('turns the short way across north', () => {
    expect(lerpAngleDeg(350, 10, 0.5)).toBeCloseTo(0, 9);
    expect(lerpAngleDeg(10, 350, 0.25)).toBeCloseTo(5, 9);
    expect(lerpAngleDeg(170, -170, 0.5)).toBeCloseTo(180, 9);
  });

  it('holds the nearest sample within one gap and refuses beyond it, or across a telemetry gap', () => {
    const samples = flight(200, 5);
    expect(poseAt(samples, 1_000_000 - 100).ok).toBe(true);
    expect(poseAt(samples, 1_000_000 + 800 + 5000)).toEqual({ ok: false, reason: 'outside' });
    expect(poseAt([], 5)).toEqual({ ok: false, reason: 'no-telemetry' });
    const gap = [samples[0]!, { ...samples[1]!, atMs: samples[0]!.atMs + 5000 }];
    expect(poseAt(gap, samples[0]!.atMs + 2500)).toEqual({ ok: false, reason: 'gap' });
  });

  it('keeps a bounded buffer and accepts samples that arrive out of order', () => {
    const track = new PoseTrack(2000, 1000);
    const s = flight(100, 40);
    for (const x of [...s.slice(0, 30), s[32]!, s[31]!, s[30]!, ...s.slice(33)]) track.add(x);
    const r = track.at(s[31]!.atMs + 50);
    if (!r.ok) throw new Error(r.reason);
    expect(r.pose.lat).toBeCloseTo((s[31]!.lat + s[32]!.lat) / 2, 10);
    expect(track.at(s[0]!.atMs).ok).toBe(false); // forgotten (kept 1 s)
  });
});
