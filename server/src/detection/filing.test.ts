import type { FindingCategory, GeoFinding } from '@aerie/contracts';
import type { Observation } from '@aerie/inference';
import { describe, expect, it } from 'vitest';
import { emptyFiling, type FilingState, fileFrame, recordFiled, recordRefined } from './filing.ts';

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

  it("offers a ticket's track for a better location once its error is at most 0.8 of the ticket's", () => {
    // 10 m one-sigma frames: the fused error goes as 1 / sqrt(n) (no floor reached).
    const wide = (t: number): Observation => {
      const o = obs('fire_smoke', t, 30, 120);
      return {
        finding: { ...o.finding, location: { ...o.finding.location, errorM: 10 } },
        covariance: { nn: 50, ne: 0, ee: 50 },
      };
    };
    let s = fileFrame(emptyFiling(), [wide(0)]).state;
    let step = fileFrame(s, [wide(500)]);
    const filed = step.toFile[0]!;
    expect(step.toRefine).toEqual([]);
    s = recordFiled(step.state, filed.trackId, filed.finding.score, 'ticket', {
      id: 't-1',
      errorM: filed.finding.location.errorM,
    });
    const offered: number[] = [];
    for (let n = 3; n <= 8; n++) {
      step = fileFrame(s, [wide(n * 500)]);
      expect(step.toFile).toEqual([]);
      s = step.state;
      for (const r of step.toRefine) {
        expect(r).toMatchObject({ trackId: filed.trackId, ticketId: 't-1' });
        offered.push(r.finding.frames);
        s = recordRefined(s, r.trackId, r.finding.location.errorM);
      }
    }
    // sqrt(2/3) = 0.82 is not enough, sqrt(2/4) = 0.71 is; then from 4 frames: sqrt(4/7) = 0.76.
    expect(offered).toEqual([4, 7]);
  });

  it('offers nothing for refining a track that did not become a ticket', () => {
    let s = fileFrame(emptyFiling(), [obs('construction', 0, 30, 120, 0.2)]).state;
    const step = fileFrame(s, [obs('construction', 500, 30, 120, 0.2)]);
    s = recordFiled(step.state, step.toFile[0]!.trackId, 0.2, 'triage');
    expect(recordRefined(s, step.toFile[0]!.trackId, 0.1)).toBe(s);
    for (let n = 2; n < 8; n++) {
      const next = fileFrame(s, [obs('construction', n * 500, 30, 120, 0.2)]);
      expect(next.toRefine).toEqual([]);
      s = next.state;
    }
  });

  it('honours minFrames', () => {
    const step = fileFrame(emptyFiling(), [obs('river_pollution', 1000, 30, 120)], { minFrames: 1 });
    expect(step.toFile).toHaveLength(1);
  });
});
