/**
 * A dock's cycle as the bridge follows it: a pure `dockStep(state, event) -> [state, effects]`
 * driven by the dock's AERIE_DOCK_STATUS reports and by the commands it accepted.
 *
 *            prepare_takeoff accepted (or the dock reports PREPARING_TAKEOFF)
 *   ┌──────┐ ───────────────────────────▶ ┌───────────┐ lid open, READY_FOR_TAKEOFF ┌───────┐
 *   │ idle │                              │ preparing │ ──────────────────────────▶ │ ready │
 *   └──────┘ ◀── charger full / stopped ┐ └───────────┘                             └───────┘
 *      ▲  │ start_charging              │                                 aircraft no   │
 *      │  ▼ (aircraft parked)      ┌──────────┐                           longer parked ▼
 *      │ ┌──────────┐ lid closed,  │ charging │                              ┌──────────────┐
 *      │ │ closing  │ ─ charging ─▶└──────────┘                              │ aircraft_out │
 *      │ └──────────┘                   ▲                                    └──────────────┘
 *      │  ▲  │ lid closed, charger idle │ start_charging          prepare_landing │ (or the
 *      └──┼──┘                          │                     accepted, lid open ▼ dock says so)
 *         │ close_lid accepted     ┌────────┐  aircraft parked  ┌──────────────────┐
 *         └─────────────────────── │ landed │ ◀──────────────── │ awaiting_landing │
 *                                  └────────┘                   └──────────────────┘
 *   aircraft_out ── aircraft parked (it came back to an open dock) ──▶ landed
 *   any state ── a fault in a report ──▶ fault (one 'fault' effect per new fault code)
 *   fault ── every fault cleared ──▶ the state the report shows (as on the first report)
 *   unknown ── first report ──▶ the state the report shows
 *
 * Every fault is surfaced as an effect with a message; a fault that clears gives
 * 'fault_cleared'. A command that the dock refused changes nothing here (its COMMAND_ACK
 * result goes back to whoever sent it).
 */
import type { DockCycleName } from '@aerie/hardware/dialect';
import type { DockCharger, DockCommand, DockFaultCode, DockLid, DockState } from '../channel/events.ts';

/** Where the dock says it is in its own cycle (AERIE_DOCK_CYCLE_STATE, by name). */
export type DockCycle = DockCycleName;

/** The parts of one AERIE_DOCK_STATUS the machine follows. */
export interface DockReport {
  lid: DockLid;
  charger: DockCharger;
  cycle: DockCycle;
  aircraftParked: boolean;
  faults: readonly DockFaultCode[];
}

export interface DockMachineState {
  state: DockState;
  /** The last report, null before the first. */
  last: DockReport | null;
  /** Faults in force, in the order they appeared. */
  faults: DockFaultCode[];
}

export type DockMachineEvent =
  | { kind: 'report'; report: DockReport }
  /** The dock acknowledged this command with ACCEPTED. */
  | { kind: 'accepted'; action: DockCommand['action'] };

export type DockEffect =
  | { kind: 'state_changed'; from: DockState; to: DockState }
  | { kind: 'fault'; code: DockFaultCode; message: string }
  | { kind: 'fault_cleared'; code: DockFaultCode };

const FAULT_MESSAGES: Record<DockFaultCode, string> = {
  lid_jam: 'the dock lid jammed before reaching its end position; it will not move until the fault clears',
  charger_fault: 'the dock charger reports a fault; charging stopped',
  power_loss: 'the dock lost mains power and runs on its backup battery; charging stopped',
  over_temperature: 'the dock cabin temperature is out of its operating range',
  sensor_fault: 'a dock weather or position sensor does not answer',
};

/** The message that goes with a fault code. */
export const dockFaultMessage = (code: DockFaultCode): string => FAULT_MESSAGES[code];

export const initialDockState = (): DockMachineState => ({ state: 'unknown', last: null, faults: [] });

/** The state a report shows on its own (first report, or after faults clear). */
export function stateFromReport(r: DockReport): DockState {
  if (r.faults.length > 0) return 'fault';
  switch (r.cycle) {
    case 'fault':
      return 'fault';
    case 'preparing_takeoff':
      return 'preparing';
    case 'ready_for_takeoff':
      return r.aircraftParked ? 'ready' : 'aircraft_out';
    case 'preparing_landing':
    case 'ready_for_landing':
      return r.aircraftParked ? 'landed' : 'awaiting_landing';
    case 'idle':
      break;
  }
  if (r.lid === 'closing') return 'closing';
  if (r.aircraftParked && (r.charger === 'charging' || r.charger === 'full') && r.lid === 'closed')
    return r.charger === 'full' ? 'idle' : 'charging';
  if (!r.aircraftParked && r.lid !== 'closed') return 'aircraft_out';
  if (r.aircraftParked && r.lid === 'open') return 'landed';
  return 'idle';
}

/** The next state from a report in the current state (no faults involved). */
function onReport(state: DockState, prev: DockReport | null, r: DockReport): DockState {
  switch (state) {
    case 'unknown':
    case 'fault':
      return stateFromReport(r);
    case 'idle':
      if (r.cycle === 'preparing_takeoff') return 'preparing';
      if (r.cycle === 'preparing_landing' || r.cycle === 'ready_for_landing')
        return r.aircraftParked ? 'landed' : 'awaiting_landing';
      if (r.aircraftParked && r.charger === 'charging') return 'charging';
      // Opened by hand and flown out: the aircraft is out all the same.
      if (prev?.aircraftParked && !r.aircraftParked && r.lid !== 'closed') return 'aircraft_out';
      return 'idle';
    case 'preparing':
      if (r.cycle === 'ready_for_takeoff' || (r.lid === 'open' && r.cycle !== 'preparing_takeoff'))
        return r.aircraftParked ? 'ready' : 'aircraft_out';
      return 'preparing';
    case 'ready':
      return r.aircraftParked ? 'ready' : 'aircraft_out';
    case 'aircraft_out':
      if (r.aircraftParked) return 'landed';
      if (r.cycle === 'preparing_landing' || r.cycle === 'ready_for_landing') return 'awaiting_landing';
      return 'aircraft_out';
    case 'awaiting_landing':
      return r.aircraftParked ? 'landed' : 'awaiting_landing';
    case 'landed':
      if (r.lid === 'closing') return 'closing';
      if (r.charger === 'charging' && r.lid === 'closed') return 'charging';
      if (!r.aircraftParked && r.lid !== 'closed') return 'aircraft_out';
      return 'landed';
    case 'closing':
      if (r.lid === 'closed') return r.charger === 'charging' ? 'charging' : 'idle';
      if (r.lid === 'opening' || r.lid === 'open') return stateFromReport(r);
      return 'closing';
    case 'charging':
      if (r.cycle === 'preparing_takeoff') return 'preparing';
      if (r.charger !== 'charging') return 'idle';
      return 'charging';
  }
}

/** The next state after the dock accepted a command. */
function onAccepted(state: DockState, action: DockCommand['action'], last: DockReport | null): DockState {
  if (state === 'fault' || state === 'unknown') return state;
  switch (action) {
    case 'prepare_takeoff':
      return 'preparing';
    case 'prepare_landing':
      return last?.aircraftParked ? 'landed' : 'awaiting_landing';
    case 'close_lid':
      return last?.lid === 'closed' ? state : 'closing';
    case 'start_charging':
      // Charging starts now, but a lid still closing keeps the dock in `closing` until shut.
      return state === 'closing' ? 'closing' : 'charging';
    case 'stop_charging':
      return state === 'charging' ? 'idle' : state;
    case 'open_lid':
      return state;
  }
}

/** One step of a dock's cycle. */
export function dockStep(s: DockMachineState, event: DockMachineEvent): [DockMachineState, DockEffect[]] {
  const effects: DockEffect[] = [];
  let faults = s.faults;
  let next: DockState;
  let last = s.last;
  if (event.kind === 'report') {
    const r = event.report;
    const added = r.faults.filter((c) => !s.faults.includes(c));
    const cleared = s.faults.filter((c) => !r.faults.includes(c));
    for (const code of added) effects.push({ kind: 'fault', code, message: FAULT_MESSAGES[code] });
    for (const code of cleared) effects.push({ kind: 'fault_cleared', code });
    if (added.length || cleared.length) faults = [...s.faults.filter((c) => r.faults.includes(c)), ...added];
    next = faults.length > 0 || r.cycle === 'fault' ? 'fault' : onReport(s.state, s.last, r);
    last = r;
  } else {
    next = onAccepted(s.state, event.action, s.last);
  }
  if (next !== s.state) effects.unshift({ kind: 'state_changed', from: s.state, to: next });
  return [{ state: next, last, faults }, effects];
}
