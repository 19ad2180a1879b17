import { describe, expect, it } from 'vitest';
import {
  EMPTY_TALLY,
  type SeenFinding,
  tallyFrame,
  VERIFICATION_ORBIT,
  verificationRoute,
  verificationText,
  verificationVerdict,
} from './verification.ts';

const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const target = { category: 'construction', lat: 30, lon: 120, radiusM: 50, confirmFrames: 2, minScore: 0.6 };
const north = (m: number, extra: Partial<SeenFinding> = {}): SeenFinding => ({
  category: 'construction',
  lat: 30 + m / M_PER_DEG,
  lon: 120,
  errorM: 5,
  score: 0.8,
  ...extra,
});

describe('verification verdict from findings near the location', () => {
  it('counts a finding of the category within the radius plus its error, in consecutive frames, as present', () => {
    let t = tallyFrame(EMPTY_TALLY, target, [north(30, { score: 0.6 })]);
    t = tallyFrame(t, target, [north(54, { score: 0.9 }), north(10, { score: 0.5 })]);
    t = tallyFrame(t, target, []);
    const v = verificationVerdict(t, 2);
    expect(v).toMatchObject({ verdict: 'present', frames: 3, hits: 2, bestScore: 0.9 });
    if (v.verdict === 'present') expect(v.nearestM).toBeCloseTo(10, 0);
    expect(verificationText(v)).toContain('2 of 3 frames');
  });

  it('does not call a lone sighting in one frame present, and says so', () => {
    let t = EMPTY_TALLY;
    for (let i = 0; i < 37; i++) t = tallyFrame(t, target, []);
    t = tallyFrame(t, target, [north(5, { score: 0.7 })]);
    t = tallyFrame(t, target, []);
    t = tallyFrame(t, target, [north(8)]);
    expect(t).toMatchObject({ frames: 40, hits: 2, streak: 1, longestStreak: 1 });
    const v = verificationVerdict(t, 2);
    expect(v).toEqual({ verdict: 'not_seen', frames: 40, hits: 2 });
    expect(verificationText(v)).toBe(
      '40 帧中未发现（2 帧有未经确认的检出，请查看证据）/ not seen in 40 frames (unconfirmed sightings in 2; see the evidence)',
    );
    // The next frame sighting it too confirms it; the rule of one frame would have at once.
    expect(verificationVerdict(tallyFrame(t, target, [north(6)]), 2).verdict).toBe('present');
    expect(verificationVerdict(t, 1).verdict).toBe('present');
  });

  it('does not confirm with sightings too weak to file a ticket on their own, however many in a row', () => {
    let t = EMPTY_TALLY;
    for (let i = 0; i < 5; i++) t = tallyFrame(t, target, [north(3, { score: 0.3 })]);
    expect(t).toMatchObject({ frames: 5, hits: 5, longestStreak: 0 });
    expect(verificationVerdict(t, 2)).toEqual({ verdict: 'not_seen', frames: 5, hits: 5 });
    // A weak frame between two strong ones breaks the run.
    t = tallyFrame(t, target, [north(3)]);
    t = tallyFrame(t, target, [north(3, { score: 0.59 })]);
    t = tallyFrame(t, target, [north(3)]);
    expect(verificationVerdict(t, 2).verdict).toBe('not_seen');
    expect(verificationVerdict(tallyFrame(t, target, [north(3, { score: 0.6 })]), 2).verdict).toBe('present');
  });

  it('says not seen in N frames when findings are elsewhere or of another category', () => {
    let t = EMPTY_TALLY;
    t = tallyFrame(t, target, [north(56)]); // 56 m > 50 m + 5 m error
    t = tallyFrame(t, target, [north(0, { category: 'fire_smoke' })]);
    t = tallyFrame(t, target, []);
    expect(verificationVerdict(t, 2)).toEqual({ verdict: 'not_seen', frames: 3, hits: 0 });
    expect(verificationText(verificationVerdict(t, 2))).toBe('3 帧中未发现 / not seen in 3 frames');
  });

  it('says nothing was analysed when no frame came in', () => {
    expect(verificationVerdict(EMPTY_TALLY, 2)).toEqual({ verdict: 'no_frames', frames: 0 });
  });

  it('ignores a negative location error rather than shrinking the radius', () => {
    const t = tallyFrame(EMPTY_TALLY, target, [north(49, { errorM: -20 })]);
    expect(t.hits).toBe(1);
  });
});

describe('verification route', () => {
  it('orbits the ticket location at the verification radius and height, taking off and returning', () => {
    const r = verificationRoute({ number: 'GC-20260601-0001', lat: 30, lon: 120 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.route.name).toBe('核查 GC-20260601-0001');
    const wps = r.route.items.filter((i) => i.type === 'waypoint') as {
      lat: number;
      lon: number;
      altM: number;
    }[];
    expect(wps.length).toBeGreaterThanOrEqual(8);
    for (const w of wps) {
      const d = Math.hypot(
        (w.lat - 30) * M_PER_DEG,
        (w.lon - 120) * M_PER_DEG * Math.cos((30 * Math.PI) / 180),
      );
      expect(d).toBeCloseTo(VERIFICATION_ORBIT.radiusM, 0);
      expect(w.altM).toBe(VERIFICATION_ORBIT.altM);
    }
    expect(r.route.items[0]?.type).toBe('takeoff');
    expect(r.route.items.at(-1)?.type).toBe('rtl');
  });

  it('names what is wrong with a location it cannot orbit', () => {
    const r = verificationRoute({ number: 'x', lat: Number.NaN, lon: 120 });
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining('not on the globe') });
  });
});
