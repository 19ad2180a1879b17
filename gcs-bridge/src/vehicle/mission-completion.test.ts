import { common, minimal } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { createMissionCompletion, stepMissionCompletion, summarizeCompletion } from './mission-completion.ts';
import { applyMessage, createVehicleState } from './state.ts';

/*
 * Message sequences in the order PX4 v1.16.2 SITL (SIH quadcopter) sends them during a mission,
 * written down from the field runs in issue 18 and FIELD-NOTES.md: MISSION_ITEM_REACHED repeated
 * and not for every item, a final RTL item flown as AUTO.RTL, "Mission finished, landed".
 * They go through the real state reducer, so the decoding of each message is part of the test.
 */
type Msg = [number, object];
const MODE = { loiter: 0x03040000, mission: 0x04040000, rtl: 0x05040000, land: 0x06040000 };

function hb(mode: keyof typeof MODE, armed: boolean): Msg {
  const m = new minimal.Heartbeat();
  Object.assign(m, { autopilot: 12, type: 2, baseMode: (armed ? 0x80 : 0) | 0x1d, customMode: MODE[mode] });
  m.systemStatus = 4;
  return [0, m];
}
function current(seq: number, total: number, missionState: number): Msg {
  const m = new common.MissionCurrent();
  Object.assign(m, { seq, total, missionState, missionId: 0x1234 });
  return [42, m];
}
function reached(seq: number): Msg {
  const m = new common.MissionItemReached();
  m.seq = seq;
  return [46, m];
}
function text(s: string): Msg {
  const m = new common.StatusText();
  Object.assign(m, { severity: 6, text: `${s}\t\0\0` });
  return [253, m];
}
function landed(onGround: boolean): Msg {
  const m = new common.ExtendedSysState();
  m.landedState = onGround ? 1 : 2;
  return [245, m];
}

function run(itemsTotal: number, finalCommand: number | null, msgs: Msg[]) {
  const state = createVehicleState(1, 1);
  const c = createMissionCompletion(itemsTotal, finalCommand);
  msgs.forEach(([id, m], i) => {
    for (const e of applyMessage(state, id, m as never, i)) stepMissionCompletion(c, e);
  });
  return summarizeCompletion(c);
}

/** Take-off, 4 waypoints, land: 6 items; PX4 keeps mission_state at 0 (unknown) throughout. */
function takeoffFourWaypointsLand(missionState: (seq: number) => number): Msg[] {
  const msgs: Msg[] = [
    hb('loiter', false),
    landed(true),
    current(0, 6, 2),
    hb('mission', true),
    landed(false),
  ];
  for (let seq = 0; seq < 6; seq++) {
    msgs.push(current(seq, 6, missionState(seq)));
    // Every reached item is repeated, as PX4 does about ten times at 1 Hz.
    if (seq < 5) msgs.push(reached(seq), reached(seq), reached(seq));
  }
  msgs.push(landed(true), reached(5), text('Mission finished, landed'), hb('loiter', false));
  // After disarm PX4 reports the mission reset to its start.
  msgs.push(current(0, 6, missionState(0)));
  return msgs;
}

/** 15 items ending in RTL: item 9's reached message is skipped, item 14 is flown as AUTO.RTL. */
function fifteenItemsEndingInRtl(opts: { finishedText: boolean }): Msg[] {
  const msgs: Msg[] = [hb('loiter', false), landed(true), hb('mission', true), landed(false)];
  for (let seq = 0; seq < 15; seq++) {
    msgs.push(current(seq, 15, 3));
    if (seq < 14 && seq !== 9) msgs.push(reached(seq), reached(seq));
  }
  msgs.push(hb('rtl', true), text('RTL: start return at 520 m (30 m above destination)'));
  msgs.push(landed(true), hb('rtl', false));
  if (opts.finishedText) msgs.push(text('Mission finished, landed'));
  return msgs;
}

describe('mission completion as PX4 v1.16 reports it', () => {
  it('counts a take-off/4 waypoints/land plan complete without mission_state (text and last item)', () => {
    const s = run(
      6,
      21,
      takeoffFourWaypointsLand(() => 0),
    );
    expect(s.complete).toBe(true);
    expect(s.evidence).toEqual(
      expect.arrayContaining(['final_item_flown_to_ground', 'final_item_reached', 'finished_text']),
    );
    expect(s).toMatchObject({ itemsReached: 6, itemsReported: 6 });
  });

  it('takes mission_state = complete when PX4 sends it', () => {
    const msgs = takeoffFourWaypointsLand(() => 3);
    msgs.push(current(5, 6, 5));
    const s = run(6, 21, msgs);
    expect(s.evidence).toContain('mission_state_complete');
  });

  it('counts a 15-item plan ending in RTL complete with 14 items reported reached', () => {
    const s = run(15, 20, fifteenItemsEndingInRtl({ finishedText: false }));
    expect(s).toMatchObject({
      complete: true,
      evidence: ['final_item_flown_to_ground'],
      itemsReached: 15,
      itemsReported: 13,
    });
  });

  it('takes "Mission finished" and seq == count each on their own', () => {
    const textOnly = run(15, 16, fifteenItemsEndingInRtl({ finishedText: true }));
    expect(textOnly).toMatchObject({ complete: true, evidence: ['finished_text'] });
    const pastEnd = run(3, 16, [hb('mission', true), current(0, 3, 3), current(3, 3, 3)]);
    expect(pastEnd).toMatchObject({ complete: true, evidence: ['current_past_end'] });
  });

  it('is not complete when the pilot sends the vehicle home half way', () => {
    const msgs: Msg[] = [hb('mission', true), landed(false)];
    for (let seq = 0; seq < 6; seq++) msgs.push(current(seq, 15, 3), reached(seq));
    msgs.push(hb('rtl', true), landed(true), hb('rtl', false));
    const s = run(15, 20, msgs);
    expect(s).toMatchObject({ complete: false, evidence: [], itemsReached: 6, itemsReported: 6 });
  });

  it('ignores a stale "complete" before the mission runs and a MISSION_CURRENT of another mission', () => {
    const before = run(6, 21, [hb('loiter', false), current(5, 6, 5), text('Mission finished, landed')]);
    expect(before.complete).toBe(false);
    const other = run(6, 21, [hb('mission', true), current(0, 6, 3), current(8, 9, 5)]);
    expect(other).toMatchObject({ complete: false, itemsReached: 0 });
  });

  it('counts items skipped by MISSION_ITEM_REACHED as passed once the current index moves on', () => {
    const s = run(10, 20, [
      hb('mission', true),
      current(0, 10, 3),
      reached(0),
      current(4, 10, 3),
      reached(3),
    ]);
    expect(s).toMatchObject({ complete: false, itemsReached: 4, itemsReported: 2 });
  });
});
