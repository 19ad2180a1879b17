import type { FindingCategory, GeoFinding } from '@aerie/contracts';
import type { Observation } from '@aerie/inference';
import { describe, expect, it } from 'vitest';
import { emptyFiling, type FilingState, fileFrame, recordFiled } from './filing.ts';

const obs = (category: FindingCategory, atMs: number, lat: number, lon: number, score = 0.7): Observation => {
  const finding: GeoFinding = {
    category,
    label: category,
    score,
    box: [10, 10, 20, 20],
    detector: { name: 'test-rule', version: '1', kind: 'image-analysis' },
    vehicleId: 'v1',
    capturedAtMs: atMs,
    location: { lat, lon, errorM: 2 },
    frames: 1,
  };
  return { finding, covariance: { nn: 4, ne: 0, ee: 4 } };
};

describe('fileFrame', () => {
  it('hands a fire over once, after its second frame, fused from both frames', () => {
    let s: FilingState = emptyFiling();
    let step = fileFrame(s, [obs('fire_smoke', 1000, 30, 120)]);
    expect(step.toFile).toEqual([]);
    s = step.state;
    step = fileFrame(s, [obs('fire_smoke', 1500, 30.00001, 120)]);
    expect(step.toFile).toHaveLength(1);
    const f = step.toFile[0]!.finding;
    expect(f.frames).toBe(2);
    expect(f.location.lat).toBeGreaterThan(30);
    expect(f.location.lat).toBeLessThan(30.00001);
    s = recordFiled(step.state, step.toFile[0]!.trackId, f.score, 'ticket');
    step = fileFrame(s, [obs('fire_smoke', 2000, 30, 120)]);
    expect(step.toFile).toEqual([]);
  });

  it('keeps categories a ticket cannot be about out (person, vehicle, other)', () => {
    let s = emptyFiling();
    for (const t of [1000, 1500, 2000]) {
      const step = fileFrame(s, [
        obs('person', t, 30, 120),
        obs('vehicle', t, 30, 120),
        obs('other', t, 30, 120),
      ]);
      expect(step.toFile).toEqual([]);
      s = step.state;
    }
    expect(s.fusion.tracks).toEqual([]);
  });

  it('offers an ignored or triaged track again only when its score rose', () => {
    let s = emptyFiling();
    s = fileFrame(s, [obs('construction', 1000, 30, 120, 0.2)]).state;
    let step = fileFrame(s, [obs('construction', 1500, 30, 120, 0.2)]);
    expect(step.toFile).toHaveLength(1);
    s = recordFiled(step.state, step.toFile[0]!.trackId, 0.2, 'ignored');
    step = fileFrame(s, [obs('construction', 2000, 30, 120, 0.2)]);
    expect(step.toFile).toEqual([]);
    step = fileFrame(step.state, [obs('construction', 2500, 30, 120, 0.9)]);
    expect(step.toFile.map((x) => x.finding.score)).toEqual([0.9]);
    s = recordFiled(step.state, step.toFile[0]!.trackId, 0.9, 'triage');
    step = fileFrame(s, [obs('construction', 3000, 30, 120, 0.9)]);
    expect(step.toFile).toEqual([]);
    step = fileFrame(step.state, [obs('construction', 3500, 30, 120, 0.95)]);
    expect(step.toFile).toHaveLength(1);
  });

  it('starts a new track (and a new hand-over) for a place seen again after the gap', () => {
    let s = emptyFiling();
    s = fileFrame(s, [obs('fire_smoke', 1000, 30, 120)]).state;
    let step = fileFrame(s, [obs('fire_smoke', 1500, 30, 120)]);
    s = recordFiled(step.state, step.toFile[0]!.trackId, 0.7, 'ticket');
    s = fileFrame(s, [obs('fire_smoke', 60_000, 30, 120)]).state;
    step = fileFrame(s, [obs('fire_smoke', 60_500, 30, 120)]);
    expect(step.toFile).toHaveLength(1);
    expect(step.state.filed.size).toBe(0);
  });

  it('honours minFrames', () => {
    const step = fileFrame(emptyFiling(), [obs('river_pollution', 1000, 30, 120)], { minFrames: 1 });
    expect(step.toFile).toHaveLength(1);
  });
});
