import { describe, expect, it } from 'vitest';
import { DOCK_SORTIE_STATES, type DockState } from '../channel/events.ts';
import {
  type DockMachineEvent,
  type DockMachineState,
  type DockReport,
  dockStep,
  initialDockState,
  stateFromReport,
} from './machine.ts';

const base: DockReport = { lid: 'closed', charger: 'idle', cycle: 'idle', aircraftParked: true, faults: [] };
const report = (r: Partial<DockReport> = {}): DockMachineEvent => ({
  kind: 'report',
  report: { ...base, ...r },
});
const accepted = (action: Extract<DockMachineEvent, { kind: 'accepted' }>['action']): DockMachineEvent => ({
  kind: 'accepted',
  action,
});

/** Runs `events` from a state reached through `start` reports; returns the final state. */
function run(start: DockState, last: Partial<DockReport>, ...events: DockMachineEvent[]) {
  let s: DockMachineState = { state: start, last: { ...base, ...last }, faults: [] };
  const all = [];
  for (const e of events) {
    const [next, effects] = dockStep(s, e);
    s = next;
    all.push(...effects);
  }
  return { state: s.state, effects: all, faults: s.faults };
}

describe('dock state machine: every transition', () => {
  const table: [string, DockState, Partial<DockReport>, DockMachineEvent, DockState][] = [
    ['idle: prepare_takeoff accepted', 'idle', {}, accepted('prepare_takeoff'), 'preparing'],
    [
      'idle: the dock reports preparing',
      'idle',
      {},
      report({ cycle: 'preparing_takeoff', lid: 'opening' }),
      'preparing',
    ],
    ['idle: start_charging accepted', 'idle', {}, accepted('start_charging'), 'charging'],
    ['idle: charger started by hand', 'idle', {}, report({ charger: 'charging' }), 'charging'],
    [
      'idle: flown out of a lid opened by hand',
      'idle',
      { lid: 'open' },
      report({ lid: 'open', aircraftParked: false }),
      'aircraft_out',
    ],
    [
      'idle: prepare_landing with no aircraft',
      'idle',
      { aircraftParked: false },
      accepted('prepare_landing'),
      'awaiting_landing',
    ],
    ['idle: a report with nothing new', 'idle', {}, report(), 'idle'],
    [
      'preparing: lid open and ready',
      'preparing',
      { lid: 'opening', cycle: 'preparing_takeoff' },
      report({ lid: 'open', cycle: 'ready_for_takeoff' }),
      'ready',
    ],
    [
      'preparing: lid still opening',
      'preparing',
      { lid: 'opening' },
      report({ lid: 'opening', cycle: 'preparing_takeoff' }),
      'preparing',
    ],
    [
      'ready: aircraft leaves the pad',
      'ready',
      { lid: 'open', cycle: 'ready_for_takeoff' },
      report({ lid: 'open', cycle: 'ready_for_takeoff', aircraftParked: false }),
      'aircraft_out',
    ],
    [
      'ready: still parked',
      'ready',
      { lid: 'open' },
      report({ lid: 'open', cycle: 'ready_for_takeoff' }),
      'ready',
    ],
    [
      'aircraft_out: prepare_landing accepted',
      'aircraft_out',
      { lid: 'open', aircraftParked: false },
      accepted('prepare_landing'),
      'awaiting_landing',
    ],
    [
      'aircraft_out: the dock reports preparing for landing',
      'aircraft_out',
      { aircraftParked: false },
      report({ cycle: 'preparing_landing', lid: 'opening', aircraftParked: false }),
      'awaiting_landing',
    ],
    [
      'aircraft_out: back on an open pad',
      'aircraft_out',
      { lid: 'open', aircraftParked: false },
      report({ lid: 'open' }),
      'landed',
    ],
    [
      'awaiting_landing: parked',
      'awaiting_landing',
      { lid: 'open', aircraftParked: false },
      report({ lid: 'open', cycle: 'ready_for_landing' }),
      'landed',
    ],
    [
      'awaiting_landing: still in the air',
      'awaiting_landing',
      { lid: 'open', aircraftParked: false },
      report({ lid: 'open', aircraftParked: false }),
      'awaiting_landing',
    ],
    ['landed: close_lid accepted', 'landed', { lid: 'open' }, accepted('close_lid'), 'closing'],
    ['landed: the lid closes by hand', 'landed', { lid: 'open' }, report({ lid: 'closing' }), 'closing'],
    [
      'landed: takes off again',
      'landed',
      { lid: 'open' },
      report({ lid: 'open', aircraftParked: false }),
      'aircraft_out',
    ],
    ['closing: lid shut, charger idle', 'closing', { lid: 'closing' }, report({ lid: 'closed' }), 'idle'],
    [
      'closing: start_charging waits for the lid',
      'closing',
      { lid: 'closing' },
      accepted('start_charging'),
      'closing',
    ],
    [
      'closing: lid shut while charging',
      'closing',
      { lid: 'closing', charger: 'charging' },
      report({ lid: 'closed', charger: 'charging' }),
      'charging',
    ],
    [
      'closing: reopened',
      'closing',
      { lid: 'closing' },
      report({ lid: 'opening', cycle: 'preparing_takeoff' }),
      'preparing',
    ],
    ['charging: battery full', 'charging', { charger: 'charging' }, report({ charger: 'full' }), 'idle'],
    [
      'charging: stop_charging accepted',
      'charging',
      { charger: 'charging' },
      accepted('stop_charging'),
      'idle',
    ],
    [
      'charging: prepare_takeoff accepted',
      'charging',
      { charger: 'charging' },
      accepted('prepare_takeoff'),
      'preparing',
    ],
    [
      'charging: still charging',
      'charging',
      { charger: 'charging' },
      report({ charger: 'charging' }),
      'charging',
    ],
    [
      'fault: a command does not leave it',
      'fault',
      { faults: ['lid_jam'] },
      accepted('prepare_takeoff'),
      'fault',
    ],
    ['unknown: a command waits for the first report', 'unknown', {}, accepted('open_lid'), 'unknown'],
  ];
  it.each(table)('%s', (_name, from, last, event, to) => {
    const r = run(from, last, event);
    expect(r.state).toBe(to);
    if (to !== from) expect(r.effects[0]).toEqual({ kind: 'state_changed', from, to });
    else expect(r.effects).toEqual([]);
  });

  it('the first report places the dock where it is', () => {
    const cases: [Partial<DockReport>, DockState][] = [
      [{}, 'idle'],
      [{ charger: 'charging' }, 'charging'],
      [{ charger: 'full' }, 'idle'],
      [{ lid: 'opening', cycle: 'preparing_takeoff' }, 'preparing'],
      [{ lid: 'open', cycle: 'ready_for_takeoff' }, 'ready'],
      [{ lid: 'open', aircraftParked: false }, 'aircraft_out'],
      [{ lid: 'open', cycle: 'ready_for_landing', aircraftParked: false }, 'awaiting_landing'],
      [{ lid: 'open' }, 'landed'],
      [{ lid: 'closing' }, 'closing'],
      [{ faults: ['power_loss'] }, 'fault'],
    ];
    for (const [r, want] of cases) {
      expect(stateFromReport({ ...base, ...r })).toBe(want);
      const [s] = dockStep(initialDockState(), report(r));
      expect(s.state).toBe(want);
    }
  });

  it('walks a whole sortie: idle to charging and back to idle', () => {
    const steps: [DockMachineEvent, DockState][] = [
      [report(), 'idle'],
      [accepted('prepare_takeoff'), 'preparing'],
      [report({ lid: 'opening', cycle: 'preparing_takeoff' }), 'preparing'],
      [report({ lid: 'open', cycle: 'ready_for_takeoff' }), 'ready'],
      [report({ lid: 'open', cycle: 'ready_for_takeoff', aircraftParked: false }), 'aircraft_out'],
      [accepted('prepare_landing'), 'awaiting_landing'],
      [report({ lid: 'open', cycle: 'ready_for_landing', aircraftParked: false }), 'awaiting_landing'],
      [report({ lid: 'open', cycle: 'ready_for_landing' }), 'landed'],
      [accepted('close_lid'), 'closing'],
      [accepted('start_charging'), 'closing'],
      [report({ lid: 'closing', charger: 'charging' }), 'closing'],
      [report({ lid: 'closed', charger: 'charging' }), 'charging'],
      [report({ lid: 'closed', charger: 'full' }), 'idle'],
    ];
    let s = initialDockState();
    const seen: DockState[] = [];
    for (const [e, want] of steps) {
      [s] = dockStep(s, e);
      expect(s.state).toBe(want);
      if (seen.at(-1) !== s.state) seen.push(s.state);
    }
    expect(seen).toEqual([...DOCK_SORTIE_STATES, 'idle']);
  });
});

describe('dock state machine: faults', () => {
  const codes = ['lid_jam', 'charger_fault', 'power_loss', 'over_temperature', 'sensor_fault'] as const;
  it.each(codes)('%s from any state goes to fault with a message, and back when it clears', (code) => {
    for (const from of DOCK_SORTIE_STATES) {
      const r = run(from, {}, report({ faults: [code], cycle: 'fault' }));
      expect(r.state).toBe('fault');
      expect(r.effects[0]).toEqual({ kind: 'state_changed', from, to: 'fault' });
      const fault = r.effects.find((e) => e.kind === 'fault');
      expect(fault).toMatchObject({ kind: 'fault', code });
      expect((fault as { message: string }).message.length).toBeGreaterThan(20);
    }
    const both = run('idle', {}, report({ faults: [code] }), report({ faults: [] }));
    expect(both.state).toBe('idle');
    expect(both.effects.map((e) => e.kind)).toEqual([
      'state_changed',
      'fault',
      'state_changed',
      'fault_cleared',
    ]);
  });

  it('a second fault adds an event without a state change; each clears on its own', () => {
    const r = run(
      'charging',
      { charger: 'charging' },
      report({ faults: ['charger_fault'], charger: 'fault' }),
      report({ faults: ['charger_fault', 'power_loss'], charger: 'fault' }),
      report({ faults: ['power_loss'], charger: 'idle' }),
    );
    expect(r.state).toBe('fault');
    expect(r.faults).toEqual(['power_loss']);
    expect(r.effects.map((e) => `${e.kind}:${'code' in e ? e.code : e.to}`)).toEqual([
      'state_changed:fault',
      'fault:charger_fault',
      'fault:power_loss',
      'fault_cleared:charger_fault',
    ]);
  });

  it('a jam cleared mid-travel returns to what the dock reports (preparing)', () => {
    const r = run(
      'preparing',
      { lid: 'opening', cycle: 'preparing_takeoff' },
      report({ lid: 'jammed', cycle: 'fault', faults: ['lid_jam'] }),
      report({ lid: 'opening', cycle: 'preparing_takeoff' }),
      report({ lid: 'open', cycle: 'ready_for_takeoff' }),
    );
    expect(r.state).toBe('ready');
  });
});
