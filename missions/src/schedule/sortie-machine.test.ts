import { describe, expect, it } from 'vitest';
import {
  type DockView,
  isPreemptable,
  newSortieMachine,
  type SortieEffect,
  type SortieEvent,
  type SortieMachineState,
  sortieRank,
  stepSortie,
  type VehicleView,
} from './sortie-machine.ts';

const dockView = (patch: Partial<DockView> = {}): DockView => ({
  online: true,
  state: 'idle',
  lid: 'closed',
  charger: 'full',
  aircraftParked: true,
  faults: [],
  ...patch,
});
const vehicle = (patch: Partial<VehicleView> = {}): VehicleView => ({
  online: true,
  armed: false,
  landed: true,
  modeKind: 'hold',
  batteryPct: 95,
  ...patch,
});

/** Feeds events in order; returns the final state and every effect. */
function run(events: SortieEvent[], state = newSortieMachine('scheduled', 0)) {
  const effects: SortieEffect[] = [];
  let s: SortieMachineState = state;
  for (const e of events) {
    const [n, fx] = stepSortie(s, e);
    s = n;
    effects.push(...fx);
  }
  return {
    s,
    effects,
    phases: effects.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase),
  };
}
const commands = (fx: SortieEffect[]) =>
  fx
    .filter((e) => e.type === 'dock_command' || e.type === 'vehicle_command' || e.type === 'upload')
    .map((e) =>
      e.type === 'upload'
        ? 'upload'
        : `${e.type === 'dock_command' ? 'dock' : 'vehicle'}:${(e as { action: string }).action}`,
    );

let t = 0;
const at = () => (t += 1000);
const toAirborne: SortieEvent[] = [
  { type: 'begin', atMs: at() },
  { type: 'dock', atMs: at(), dock: dockView({ state: 'preparing', lid: 'opening' }) },
  { type: 'dock', atMs: at(), dock: dockView({ state: 'ready', lid: 'open' }) },
  { type: 'upload_result', atMs: at(), ok: true, missionId: 0x1234 },
  { type: 'command_result', atMs: at(), action: 'arm', ok: true },
  { type: 'command_result', atMs: at(), action: 'start_mission', ok: true },
  { type: 'vehicle', atMs: at(), vehicle: vehicle({ armed: true, landed: false, modeKind: 'mission' }) },
];

describe('sortie machine', () => {
  it('flies a dock-less sortie without a single dock command: upload, arm, start, fly, return, land, closed', () => {
    let u = 0;
    const next = () => (u += 1000);
    const { s, effects, phases } = run(
      [
        { type: 'begin', atMs: next() },
        { type: 'upload_result', atMs: next(), ok: true, missionId: 7 },
        { type: 'command_result', atMs: next(), action: 'arm', ok: true },
        { type: 'command_result', atMs: next(), action: 'start_mission', ok: true },
        {
          type: 'vehicle',
          atMs: next(),
          vehicle: vehicle({ armed: true, landed: false, modeKind: 'mission' }),
        },
        {
          type: 'vehicle',
          atMs: next(),
          vehicle: vehicle({ armed: true, landed: false, modeKind: 'return' }),
        },
        { type: 'vehicle', atMs: next(), vehicle: vehicle({ armed: true, landed: false, modeKind: 'land' }) },
        { type: 'vehicle', atMs: next(), vehicle: vehicle({ armed: false, landed: true, modeKind: 'land' }) },
      ],
      newSortieMachine('on_demand', 0, { docked: false }),
    );
    expect(phases).toEqual([
      'uploading',
      'arming',
      'starting',
      'in_progress',
      'returning',
      'landing',
      'closed',
    ]);
    expect(commands(effects)).toEqual(['upload', 'vehicle:arm', 'vehicle:start_mission']);
    expect(s).toMatchObject({ phase: 'closed', failure: null, missionId: 7 });
  });

  it('asks again to arm after TEMPORARILY_REJECTED (PX4 right after boot) until the arming timeout', () => {
    const base = newSortieMachine('on_demand', 0, { docked: false, timeouts: { armMs: 5000 } });
    const early = run(
      [
        { type: 'begin', atMs: 0 },
        { type: 'upload_result', atMs: 100, ok: true, missionId: 7 },
        { type: 'command_result', atMs: 200, action: 'arm', ok: false, code: 'TemporarilyRejected' },
        { type: 'tick', atMs: 800 },
        { type: 'tick', atMs: 1300 },
        { type: 'command_result', atMs: 1400, action: 'arm', ok: true },
      ],
      base,
    );
    expect(commands(early.effects)).toEqual([
      'upload',
      'vehicle:arm',
      'vehicle:arm',
      'vehicle:start_mission',
    ]);
    expect(early.s.phase).toBe('starting');
    // Refused too late, or refused for good: the sortie ends.
    for (const [atMs, code] of [
      [5200, 'TemporarilyRejected'],
      [200, 'Denied'],
    ] as const) {
      const refused = run(
        [
          { type: 'begin', atMs: 0 },
          { type: 'upload_result', atMs: 100, ok: true, missionId: 7 },
          { type: 'command_result', atMs, action: 'arm', ok: false, code },
        ],
        base,
      );
      expect(refused.s, code).toMatchObject({ phase: 'failed', failure: { code: 'ArmRefused' } });
    }
  });

  it('sends a dock-less aircraft home on an abort without asking a dock to prepare', () => {
    let u = 0;
    const next = () => (u += 1000);
    const { s, effects } = run(
      [
        { type: 'begin', atMs: next() },
        { type: 'upload_result', atMs: next(), ok: true, missionId: 7 },
        { type: 'command_result', atMs: next(), action: 'arm', ok: true },
        {
          type: 'vehicle',
          atMs: next(),
          vehicle: vehicle({ armed: true, landed: false, modeKind: 'mission' }),
        },
        { type: 'abort', atMs: next(), code: 'OperatorAbort', message: 'stop' },
        { type: 'vehicle', atMs: next(), vehicle: vehicle({ armed: false, landed: true, modeKind: 'land' }) },
      ],
      newSortieMachine('on_demand', 0, { docked: false }),
    );
    expect(commands(effects)).toEqual(['upload', 'vehicle:arm', 'vehicle:start_mission', 'vehicle:return']);
    expect(s).toMatchObject({ phase: 'failed', failure: { code: 'OperatorAbort' } });
  });

  it('flies the whole cycle: dock, upload, arm, start, fly, return, land, close, charge, closed', () => {
    const { s, effects, phases } = run([
      ...toAirborne,
      { type: 'vehicle', atMs: at(), vehicle: vehicle({ armed: true, landed: false, modeKind: 'return' }) },
      { type: 'vehicle', atMs: at(), vehicle: vehicle({ armed: true, landed: false, modeKind: 'land' }) },
      { type: 'vehicle', atMs: at(), vehicle: vehicle({ armed: false, landed: true, modeKind: 'land' }) },
      { type: 'dock', atMs: at(), dock: dockView({ state: 'closing', lid: 'closing' }) },
      { type: 'dock', atMs: at(), dock: dockView({ state: 'landed', lid: 'closed', charger: 'idle' }) },
      { type: 'dock', atMs: at(), dock: dockView({ state: 'charging', lid: 'closed', charger: 'charging' }) },
    ]);
    expect(phases).toEqual([
      'dock_preparing',
      'uploading',
      'arming',
      'starting',
      'in_progress',
      'returning',
      'landing',
      'lid_closing',
      'charging',
      'closed',
    ]);
    expect(commands(effects)).toEqual([
      'dock:prepare_takeoff',
      'upload',
      'vehicle:arm',
      'vehicle:start_mission',
      'dock:prepare_landing',
      'dock:close_lid',
      'dock:start_charging',
    ]);
    expect(s.phase).toBe('closed');
    expect(s.missionId).toBe(0x1234);
    expect(effects.at(-1)).toEqual({ type: 'finished', outcome: 'closed', failure: null });
  });

  it.each([
    [
      'upload refused',
      { type: 'upload_result', atMs: 10_000, ok: false, code: 'VehicleRejected', message: 'NO_SPACE' },
      'UploadRefused',
    ],
    [
      'mission id mismatch',
      { type: 'upload_result', atMs: 10_000, ok: false, code: 'MissionIdMismatch', message: 'x' },
      'MissionIdMismatch',
    ],
  ] as const)('%s ends failed with its code and closes the dock it opened', (_n, event, code) => {
    const { s, effects } = run([...toAirborne.slice(0, 3), event as SortieEvent]);
    expect(s.phase).toBe('failed');
    expect(s.failure?.code).toBe(code);
    expect(commands(effects)).toContain('dock:close_lid');
    expect(effects.at(-1)).toMatchObject({ type: 'finished', outcome: 'failed', failure: { code } });
  });

  it('arm refused ends failed ArmRefused; start refused disarms and ends StartRefused', () => {
    const armRefused = run([
      ...toAirborne.slice(0, 4),
      {
        type: 'command_result',
        atMs: at(),
        action: 'arm',
        ok: false,
        // A final refusal: TEMPORARILY_REJECTED is asked again (see the dock-less tests).
        code: 'Denied',
        message: 'vehicle answered command 400 with DENIED',
        said: 'Arming denied: dock lid is not open',
      },
    ]);
    // The vehicle's own words go with the code, for consoles to show as said.
    expect(armRefused.s.failure).toMatchObject({
      code: 'ArmRefused',
      params: { result: 'Denied', said: 'Arming denied: dock lid is not open' },
    });
    expect(commands(armRefused.effects)).toContain('dock:close_lid');
    const startRefused = run([
      ...toAirborne.slice(0, 5),
      {
        type: 'command_result',
        atMs: at(),
        action: 'start_mission',
        ok: false,
        code: 'Denied',
        message: 'no mission',
      },
    ]);
    expect(startRefused.s.failure).toMatchObject({ code: 'StartRefused' });
    expect(commands(startRefused.effects).slice(-2)).toEqual(['vehicle:disarm', 'dock:close_lid']);
  });

  it('a dock refusing or faulting while preparing fails the sortie', () => {
    const refused = run([
      toAirborne[0]!,
      {
        type: 'dock_command_result',
        atMs: at(),
        action: 'prepare_takeoff',
        ok: false,
        code: 'Denied',
        message: 'busy',
      },
    ]);
    expect(refused.s.failure?.code).toBe('DockPrepareFailed');
    const jam = run([
      toAirborne[0]!,
      { type: 'dock', atMs: at(), dock: dockView({ state: 'fault', lid: 'jammed', faults: ['lid_jam'] }) },
    ]);
    expect(jam.s.failure).toMatchObject({ code: 'DockFault', message: expect.stringContaining('lid_jam') });
  });

  it('low battery in the air sends the aircraft home and ends failed LowBatteryReturn after the dock closes', () => {
    const { s, effects, phases } = run([
      ...toAirborne,
      {
        type: 'vehicle',
        atMs: at(),
        vehicle: vehicle({ armed: true, landed: false, modeKind: 'mission', batteryPct: 15 }),
      },
      {
        type: 'vehicle',
        atMs: at(),
        vehicle: vehicle({ armed: true, landed: false, modeKind: 'return', batteryPct: 14 }),
      },
      {
        type: 'vehicle',
        atMs: at(),
        vehicle: vehicle({ armed: false, landed: true, modeKind: 'land', batteryPct: 12 }),
      },
      { type: 'dock', atMs: at(), dock: dockView({ state: 'charging', lid: 'closed', charger: 'charging' }) },
    ]);
    expect(commands(effects)).toContain('vehicle:return');
    expect(phases.slice(-3)).toEqual(['returning', 'lid_closing', 'failed']);
    expect(s.failure).toMatchObject({ code: 'LowBatteryReturn', message: expect.stringContaining('15%') });
  });

  it('weather: grounded before take-off, aborted home in the air', () => {
    const grounded = run([
      toAirborne[0]!,
      { type: 'weather', atMs: at(), ok: false, message: 'wind 13 m/s' },
    ]);
    expect(grounded.s.failure).toEqual({ code: 'WeatherGrounded', message: 'wind 13 m/s' });
    const inAir = run([...toAirborne, { type: 'weather', atMs: at(), ok: false, message: 'rain 5 mm/h' }]);
    expect(inAir.s.phase).toBe('returning');
    expect(inAir.s.returnReason?.code).toBe('WeatherAbort');
  });

  it('link lost in the air ends LinkLost after the timeout', () => {
    const { s } = run([
      ...toAirborne,
      { type: 'vehicle', atMs: t + 1000, vehicle: vehicle({ online: false }) },
      { type: 'tick', atMs: t + 10_000 },
    ]);
    expect(s.phase).toBe('in_progress');
    const later = stepSortie(s, { type: 'tick', atMs: t + 60_000 })[0];
    expect(later.failure?.code).toBe('LinkLost');
  });

  it('times out a dock that never opens (DockTimeout) and an upload that never answers (PhaseTimeout)', () => {
    const started = run([{ type: 'begin', atMs: 0 }], newSortieMachine('scheduled', 0)).s;
    expect(stepSortie(started, { type: 'tick', atMs: 60_000 })[0].phase).toBe('dock_preparing');
    expect(stepSortie(started, { type: 'tick', atMs: 200_000 })[0].failure?.code).toBe('DockTimeout');
    const uploading = run(
      [
        { type: 'begin', atMs: 0 },
        { type: 'dock', atMs: 1000, dock: dockView({ state: 'ready', lid: 'open' }) },
      ],
      newSortieMachine('scheduled', 0),
    ).s;
    expect(stepSortie(uploading, { type: 'tick', atMs: 200_000 })[0].failure?.code).toBe('PhaseTimeout');
  });

  it('an abort before take-off ends aborted; in the air it sends the aircraft home', () => {
    const ground = run([
      toAirborne[0]!,
      { type: 'abort', atMs: at(), code: 'Preempted', message: 'emergency sortie took the dock' },
    ]);
    expect(ground.s.phase).toBe('aborted');
    expect(ground.effects.at(-1)).toMatchObject({
      type: 'finished',
      outcome: 'aborted',
      failure: { code: 'Preempted' },
    });
    const air = run([
      ...toAirborne,
      { type: 'abort', atMs: at(), code: 'OperatorAbort', message: 'called back' },
    ]);
    expect(air.s.phase).toBe('returning');
    expect(commands(air.effects)).toContain('vehicle:return');
  });

  it('cannot_launch fails a queued sortie with the given reason; finished sorties ignore events', () => {
    const { s } = run([
      { type: 'cannot_launch', atMs: 1, failure: { code: 'NoDock', message: 'no dock can fly it' } },
    ]);
    expect(s.phase).toBe('failed');
    expect(stepSortie(s, { type: 'begin', atMs: 2 })).toEqual([s, []]);
  });

  it('ranks emergency over on-demand over scheduled; only scheduled sorties on the ground are pre-emptable', () => {
    expect(sortieRank('emergency', 0)).toBeGreaterThan(sortieRank('on_demand', 100));
    expect(sortieRank('on_demand', 0)).toBeGreaterThan(sortieRank('scheduled', 100));
    expect(isPreemptable(newSortieMachine('scheduled', 0))).toBe(true);
    expect(isPreemptable(newSortieMachine('on_demand', 0))).toBe(false);
    expect(isPreemptable(run(toAirborne).s)).toBe(false);
  });
});
