import { describe, expect, it } from 'vitest';
import {
  IDLE,
  JITTER_M,
  rebuildOpen,
  stepTracker,
  type TrackerEffect,
  type TrackerInput,
  type TrackerState,
} from './sortie-tracker.ts';
import { M_PER_DEG_LAT, snapshot } from './test-fixtures.ts';

function ids() {
  let n = 0;
  return () => `s${++n}`;
}

/** Runs inputs through the tracker, collecting every effect. */
function run(inputs: TrackerInput[], start: TrackerState = IDLE) {
  const newId = ids();
  let state = start;
  const effects: TrackerEffect[] = [];
  const linked: (string | null)[] = [];
  for (const input of inputs) {
    const step = stepTracker(state, input, newId);
    state = step.state;
    effects.push(...step.effects);
    linked.push(step.sortieId);
  }
  return { state, effects, linked };
}

const ev = (atMs: number, event: Extract<TrackerInput, { kind: 'event' }>['event']): TrackerInput => ({
  kind: 'event',
  atMs,
  event,
});
const armed = (atMs: number) => ({ kind: 'event', atMs, event: { type: 'armed', atMs } }) as TrackerInput;
const disarmed = (atMs: number) =>
  ({ kind: 'event', atMs, event: { type: 'disarmed', atMs } }) as TrackerInput;
const st = (atMs: number, over: Parameters<typeof snapshot>[0] = {}): TrackerInput => ({
  kind: 'state',
  atMs,
  state: snapshot({ armed: true, landed: false, ...over }),
});

/** States every 100 ms flying north at `mps` from (30, 120), at 30 m. */
function northbound(t0: number, seconds: number, mps: number): TrackerInput[] {
  const out: TrackerInput[] = [];
  for (let i = 0; i <= seconds * 10; i++) {
    const north = (mps * i) / 10;
    out.push(st(t0 + i * 100, { lat: 30 + north / M_PER_DEG_LAT, lon: 120, altRelM: 30 }));
  }
  return out;
}

describe('SortieTracker', () => {
  it('opens on arm and closes on disarm with duration, distance and highest altitude', () => {
    const { state, effects } = run([armed(1000), ...northbound(1000, 60, 5), disarmed(61_500)]);
    expect(state.open).toBeNull();
    expect(effects[0]).toEqual({ type: 'open', sortieId: 's1', startedAtMs: 1000 });
    const close = effects.at(-1);
    expect(close).toMatchObject({ type: 'close', sortieId: 's1', status: 'completed', endReason: null });
    if (close?.type !== 'close') throw new Error('no close');
    expect(close.durationS).toBe(60.5);
    expect(close.distanceM).toBeCloseTo(300, 0);
    expect(close.maxAltRelM).toBe(30);
    expect(close.missionRan).toBe(false);
  });

  it('stores a track point at least once a second, and sooner after a 10 m move or 5 m climb', () => {
    const slow = run([armed(0), ...northbound(0, 10, 2)]).effects.filter((e) => e.type === 'point');
    expect(slow.length).toBe(11); // 0 s .. 10 s
    const times = slow.map((p) => (p.type === 'point' ? p.point.atMs : 0));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(1000);

    // 30 m/s: a point whenever it has moved more than 10 m, i.e. every 0.4 s.
    const fast = run([armed(0), ...northbound(0, 2, 30)]).effects.filter((e) => e.type === 'point');
    expect(fast.length).toBeGreaterThanOrEqual(5);

    const climb = run([armed(0), st(0, { altRelM: 0 }), st(200, { altRelM: 6 })]).effects.filter(
      (e) => e.type === 'point',
    );
    expect(climb.length).toBe(2);
  });

  it('ignores GPS jitter below half a metre in the distance', () => {
    const jitter: TrackerInput[] = [armed(0)];
    for (let i = 0; i < 600; i++) {
      const d = ((i % 2) * 0.3) / M_PER_DEG_LAT; // 0.3 m back and forth
      jitter.push(st(i * 100, { lat: 30 + d, lon: 120 }));
    }
    jitter.push(disarmed(60_000));
    const close = run(jitter).effects.at(-1);
    expect(close?.type === 'close' && close.distanceM).toBe(0);
  });

  it('ignores the 0,0 position PX4 reports before its estimator has a fix, and position jumps', () => {
    const { effects } = run([
      armed(0),
      st(100, { lat: 0, lon: 0 }),
      st(1200, { lat: 0, lon: 0 }),
      ...northbound(2000, 10, 5),
      // An estimator reset puts the vehicle 3 km away for one fix, then back.
      st(12_100, { lat: 30 + 3000 / M_PER_DEG_LAT }),
      st(12_200, { lat: 30 + 50.5 / M_PER_DEG_LAT }),
      disarmed(13_000),
    ]);
    const points = effects.filter((e) => e.type === 'point');
    expect(points.every((p) => p.type === 'point' && p.point.latDeg > 29)).toBe(true);
    const close = effects.at(-1);
    if (close?.type !== 'close') throw new Error('no close');
    // 50 m of real flight; the jump there and back (2950 m + 2949.5 m) is not flown distance.
    expect(Math.abs(close.distanceM - 50)).toBeLessThanOrEqual(JITTER_M + 0.01);
  });

  it('re-arming with a sortie open aborts the old sortie and opens a new one', () => {
    const { state, effects } = run([armed(0), ...northbound(0, 5, 5), armed(30_000), disarmed(40_000)]);
    const closes = effects.filter((e) => e.type === 'close');
    expect(closes).toHaveLength(2);
    expect(closes[0]).toMatchObject({
      sortieId: 's1',
      status: 'aborted',
      endReason: 'rearmed_without_disarm',
      endedAtMs: 5000, // last time it was known armed
      durationS: 5,
    });
    expect(closes[1]).toMatchObject({ sortieId: 's2', status: 'completed', durationS: 10 });
    expect(state.open).toBeNull();
  });

  it('keeps the sortie open through a lost link and continues when the vehicle is found', () => {
    const { state, effects, linked } = run([
      armed(0),
      ...northbound(0, 5, 5),
      ev(6000, { type: 'lost', atMs: 6000 }),
      st(7000, { online: false, lat: 30 + 25 / M_PER_DEG_LAT }),
      ev(20_000, { type: 'found', atMs: 20_000 }),
      st(20_000, { lat: 30 + 100 / M_PER_DEG_LAT, altRelM: 30 }),
    ]);
    expect(effects.filter((e) => e.type === 'close')).toHaveLength(0);
    expect(state.open?.sortieId).toBe('s1');
    expect(state.open?.distanceM).toBeCloseTo(100, 0);
    expect(linked.at(-2)).toBe('s1'); // the found event belongs to the sortie
  });

  it('closes on a disarmed snapshot when the disarm event was missed, ending when last seen armed', () => {
    const { state, effects } = run([
      armed(0),
      ...northbound(0, 10, 5),
      st(90_000, { armed: false, landed: true }),
    ]);
    expect(state.open).toBeNull();
    expect(effects.at(-1)).toMatchObject({
      type: 'close',
      status: 'completed',
      endReason: 'disarm_not_seen',
      endedAtMs: 10_000,
      durationS: 10,
    });
  });

  it('an armed snapshot taken before the disarm but arriving after it opens no second sortie', () => {
    const { state, effects } = run([armed(0), ...northbound(0, 10, 5), disarmed(10_050), st(10_000)]);
    expect(state.open).toBeNull();
    expect(effects.filter((e) => e.type === 'open')).toHaveLength(1);
    // A later arming still opens the next sortie.
    const next = run([st(20_000)], state);
    expect(next.effects.filter((e) => e.type === 'open')).toHaveLength(1);
  });

  it('opens on an armed snapshot when the arm event was never sent (vehicle discovered in flight)', () => {
    const { state, effects } = run([st(5000, { armed: true }), armed(5200)]);
    expect(effects.filter((e) => e.type === 'open')).toEqual([
      { type: 'open', sortieId: 's1', startedAtMs: 5000 },
    ]);
    expect(state.open?.sortieId).toBe('s1');
  });

  it('sets the mission flag when a mission mode is seen while open, not before arming', () => {
    const before = run([
      ev(0, { type: 'mode_changed', atMs: 0, from: 'AUTO.LOITER', to: 'AUTO.MISSION', kind: 'mission' }),
      armed(1000),
      disarmed(5000),
    ]);
    expect(before.effects.at(-1)).toMatchObject({ type: 'close', missionRan: false });

    const during = run([
      armed(0),
      ev(1000, {
        type: 'mode_changed',
        atMs: 1000,
        from: 'AUTO.LOITER',
        to: 'AUTO.MISSION',
        kind: 'mission',
      }),
      ev(2000, { type: 'mode_changed', atMs: 2000, from: 'AUTO.MISSION', to: 'AUTO.RTL', kind: 'return' }),
      disarmed(5000),
    ]);
    expect(during.effects.filter((e) => e.type === 'mission_ran')).toEqual([
      { type: 'mission_ran', sortieId: 's1' },
    ]);
    expect(during.effects.at(-1)).toMatchObject({ type: 'close', missionRan: true });

    const fromState = run([
      armed(0),
      st(1000, { modeKind: 'mission', mode: 'AUTO.MISSION' }),
      disarmed(5000),
    ]);
    expect(fromState.effects.at(-1)).toMatchObject({ type: 'close', missionRan: true });
  });

  it('links events to the open sortie and nothing when idle', () => {
    const { linked } = run([
      ev(0, { type: 'status_text', atMs: 0, severity: 6, severityName: 'info', text: 'Ready' }),
      armed(1000),
      ev(2000, { type: 'takeoff', atMs: 2000 }),
      disarmed(9000),
      ev(9500, { type: 'landing', atMs: 9500 }),
    ]);
    expect(linked).toEqual([null, 's1', 's1', 's1', null]);
  });

  it('continues from a rebuilt state exactly as it would have without a restart', () => {
    const flight = [armed(0), ...northbound(0, 20, 5)];
    const whole = run([...flight, disarmed(25_000)]);
    const firstHalf = run(flight.slice(0, 101)); // up to 10 s
    const last = firstHalf.effects.filter((e) => e.type === 'point').at(-1);
    if (last?.type !== 'point') throw new Error('no point');
    const rebuilt = rebuildOpen(
      { id: 's1', startedAtMs: 0, distanceM: last.distanceM, maxAltRelM: last.maxAltRelM, missionRan: false },
      last.point,
    );
    const rest = run([...flight.slice(101), disarmed(25_000)], rebuilt);
    const a = whole.effects.at(-1);
    const b = rest.effects.at(-1);
    if (a?.type !== 'close' || b?.type !== 'close') throw new Error('no close');
    expect(b.sortieId).toBe('s1');
    expect(b.distanceM).toBeCloseTo(a.distanceM, 6);
    expect(b.durationS).toBe(a.durationS);
  });

  it('does not mutate the state it is given', () => {
    const start = run([armed(0)]).state;
    const copy = structuredClone(start);
    stepTracker(start, st(1000, { lat: 30.001 }), ids());
    expect(start).toEqual(copy);
  });
});
