/**
 * One orchestrated sortie as a pure state machine: `stepSortie(state, event) -> [state, effects]`.
 * A driver on the server performs the effects (dock commands, mission upload, vehicle commands,
 * storing the phase) and feeds back what happened as events; timers are `tick` events.
 *
 *   queued --begin--> dock_preparing (prepare_takeoff: lid opens, aircraft powered)
 *     --dock ready / lid open--> uploading (mission + fence; the mission id is checked)
 *     --uploaded--> arming --armed--> starting (MISSION_START) --accepted--> in_progress
 *     --RTL mode--> returning --LAND mode--> landing   (prepare_landing sent to the dock)
 *     --landed and disarmed--> lid_closing (close_lid) --lid closed--> charging
 *     (start_charging) --charger on--> closed
 *
 * Every failure ends in `failed` with a coded reason. Before take-off the dock is closed again
 * (when it was opened); in the air the aircraft is sent home (low battery, weather, operator
 * abort, pre-emption) and the sortie follows it down, ending `failed` with that reason once
 * the dock is closed. `aborted` is an operator's abort or a pre-emption before take-off.
 *
 * A dock-less sortie (`docked: false`: an aircraft standing in the open, e.g. a PX4 SITL or a
 * field test) skips every dock step: queued --begin--> uploading ... --landed and
 * disarmed--> closed, and never asks anything of a dock.
 */

export type SortiePhase =
  | 'queued'
  | 'dock_preparing'
  | 'uploading'
  | 'arming'
  | 'starting'
  | 'in_progress'
  | 'returning'
  | 'landing'
  | 'lid_closing'
  | 'charging'
  | 'closed'
  | 'failed'
  | 'aborted';

/** Phases after which nothing more happens. */
export const FINAL_SORTIE_PHASES: ReadonlySet<SortiePhase> = new Set(['closed', 'failed', 'aborted']);

/** Why a sortie runs: a schedule, a dispatcher's on-demand launch, or an emergency. */
export type SortieClass = 'scheduled' | 'on_demand' | 'emergency';

/** Every code a sortie can fail with (consoles have words for each). */
export const SORTIE_FAILURE_CODES = [
  'NoDock',
  'VehicleUnavailable',
  'WindowMissed',
  'WeatherGrounded',
  'Conflict',
  'RouteInvalid',
  'DockPrepareFailed',
  'DockFault',
  'DockTimeout',
  'DockOffline',
  'UploadRefused',
  'MissionIdMismatch',
  'ArmRefused',
  'StartRefused',
  'LinkLost',
  'LowBatteryReturn',
  'WeatherAbort',
  'Preempted',
  'OperatorAbort',
  'PhaseTimeout',
] as const;
export type SortieFailureCode = (typeof SORTIE_FAILURE_CODES)[number];

/**
 * A failure's figures and tokens, so a console words it in its own language (the `message` is the
 * English for logs). Device words (`said`, `faults`) are kept as the device sent them.
 */
export type FailureParams = Record<string, string | number>;

export interface SortieFailure {
  code: SortieFailureCode;
  message: string;
  params?: FailureParams;
}

export type DockAction =
  | 'open_lid'
  | 'close_lid'
  | 'start_charging'
  | 'stop_charging'
  | 'prepare_takeoff'
  | 'prepare_landing';
export type VehicleAction = 'arm' | 'disarm' | 'start_mission' | 'return' | 'land';

/** What the machine reads of a dock's status. */
export interface DockView {
  online: boolean;
  state: string;
  lid: string;
  charger: string;
  aircraftParked: boolean;
  faults: readonly string[];
}

/** What the machine reads of the vehicle's state. */
export interface VehicleView {
  online: boolean;
  armed: boolean;
  /** On the ground (null: unknown). */
  landed: boolean | null;
  modeKind: string;
  batteryPct: number | null;
}

export type SortieEvent =
  | { type: 'begin'; atMs: number }
  | { type: 'cannot_launch'; atMs: number; failure: SortieFailure }
  | { type: 'dock'; atMs: number; dock: DockView }
  | {
      type: 'dock_command_result';
      atMs: number;
      action: DockAction;
      ok: boolean;
      code?: string;
      message?: string;
      /** The device's own words about a refusal, when it sent any. */
      said?: string;
    }
  | { type: 'upload_result'; atMs: number; ok: true; missionId: number | null }
  | { type: 'upload_result'; atMs: number; ok: false; code: string; message: string }
  | {
      type: 'command_result';
      atMs: number;
      action: VehicleAction;
      ok: boolean;
      code?: string;
      message?: string;
      /** The vehicle's own words about a refusal (its STATUSTEXT), when it sent any. */
      said?: string;
    }
  | { type: 'vehicle'; atMs: number; vehicle: VehicleView }
  | { type: 'weather'; atMs: number; ok: boolean; message: string; params?: FailureParams }
  | {
      type: 'abort';
      atMs: number;
      code: 'OperatorAbort' | 'Preempted';
      message: string;
      params?: FailureParams;
    }
  | { type: 'tick'; atMs: number };

export type SortieEffect =
  | { type: 'dock_command'; action: DockAction }
  | { type: 'upload' }
  | { type: 'vehicle_command'; action: VehicleAction }
  | { type: 'phase'; phase: SortiePhase; message: string }
  | { type: 'finished'; outcome: 'closed' | 'failed' | 'aborted'; failure: SortieFailure | null };

export interface SortieTimeouts {
  dockPrepareMs: number;
  uploadMs: number;
  armMs: number;
  /** From MISSION_START accepted to the vehicle leaving the ground. */
  takeoffMs: number;
  /** Vehicle silent this long in the air: the sortie fails with LinkLost. */
  linkLostMs: number;
  lidCloseMs: number;
  chargeStartMs: number;
  /** From landing (disarmed) to the dock reporting the aircraft parked. */
  parkMs: number;
}

export const DEFAULT_SORTIE_TIMEOUTS: SortieTimeouts = {
  dockPrepareMs: 120_000,
  uploadMs: 90_000,
  armMs: 45_000,
  takeoffMs: 60_000,
  linkLostMs: 30_000,
  lidCloseMs: 120_000,
  chargeStartMs: 60_000,
  parkMs: 120_000,
};

export interface SortieMachineOptions {
  timeouts?: Partial<SortieTimeouts>;
  /** Battery level in the air that sends the aircraft home, percent (default 20). */
  lowBatteryPct?: number;
  /** The aircraft flies from a dock (default); false: dock-less, no dock steps at all. */
  docked?: boolean;
}

export interface SortieMachineState {
  phase: SortiePhase;
  sortieClass: SortieClass;
  phaseSinceMs: number;
  /** Flies from a dock; false: dock-less (absent in states stored before it existed: docked). */
  docked?: boolean;
  /** The dock lid was opened for this sortie (so a failure closes it again). */
  dockOpened: boolean;
  /** The aircraft left the ground. */
  airborne: boolean;
  /** prepare_landing was sent. */
  landingPrepared: boolean;
  /**
   * Arming was TEMPORARILY_REJECTED (PX4 does so for 5-10 s after boot while its estimators
   * settle): ask again at the first tick from this time, within the arming timeout.
   */
  armRetryAtMs?: number | null;
  /** The mission id the vehicle confirmed after upload (null: it reports none). */
  missionId: number | null;
  /** Why the aircraft is coming home early; the sortie ends failed with it. */
  returnReason: SortieFailure | null;
  /** When the vehicle was last seen online (for link loss). */
  vehicleSeenMs: number | null;
  failure: SortieFailure | null;
  timeouts: SortieTimeouts;
  lowBatteryPct: number;
}

export type SortieStep = [SortieMachineState, SortieEffect[]];

/** A new sortie waiting for its start. */
export function newSortieMachine(
  sortieClass: SortieClass,
  atMs: number,
  options: SortieMachineOptions = {},
): SortieMachineState {
  return {
    phase: 'queued',
    sortieClass,
    phaseSinceMs: atMs,
    docked: options.docked ?? true,
    dockOpened: false,
    airborne: false,
    landingPrepared: false,
    missionId: null,
    returnReason: null,
    vehicleSeenMs: null,
    failure: null,
    timeouts: { ...DEFAULT_SORTIE_TIMEOUTS, ...options.timeouts },
    lowBatteryPct: options.lowBatteryPct ?? 20,
  };
}

/** Ordering of sorties competing for docks: emergency, then on-demand, then scheduled; then priority. */
export function sortieRank(sortieClass: SortieClass, priority: number): number {
  const base = sortieClass === 'emergency' ? 2000 : sortieClass === 'on_demand' ? 1000 : 0;
  return base + priority;
}

/** Whether a sortie in this state may be pre-empted by a higher-ranked one: scheduled and still on the ground. */
export function isPreemptable(s: SortieMachineState): boolean {
  return (
    s.sortieClass === 'scheduled' &&
    !s.airborne &&
    (s.phase === 'queued' || s.phase === 'dock_preparing' || s.phase === 'uploading' || s.phase === 'arming')
  );
}

const PHASE_TEXT: Record<SortiePhase, string> = {
  queued: 'waiting for a dock',
  dock_preparing: 'dock preparing for take-off',
  uploading: 'uploading mission and fence',
  arming: 'arming',
  starting: 'starting the mission',
  in_progress: 'flying the route',
  returning: 'returning home',
  landing: 'landing',
  lid_closing: 'landed; dock closing',
  charging: 'dock closed; charging',
  closed: 'sortie closed',
  failed: 'sortie failed',
  aborted: 'sortie aborted',
};

function to(
  s: SortieMachineState,
  phase: SortiePhase,
  atMs: number,
  effects: SortieEffect[],
  message?: string,
): SortieStep {
  if (s.phase === phase) return [s, effects];
  return [
    { ...s, phase, phaseSinceMs: atMs },
    [{ type: 'phase', phase, message: message ?? PHASE_TEXT[phase] }, ...effects],
  ];
}

/** Ends the sortie with a failure: closes the dock if this sortie opened it and never took off. */
function fail(
  s: SortieMachineState,
  atMs: number,
  failure: SortieFailure,
  outcome: 'failed' | 'aborted' = 'failed',
): SortieStep {
  const effects: SortieEffect[] = [];
  if (s.dockOpened && !s.airborne) effects.push({ type: 'dock_command', action: 'close_lid' });
  if (s.phase === 'starting' || s.phase === 'arming')
    effects.unshift({ type: 'vehicle_command', action: 'disarm' });
  effects.push({ type: 'finished', outcome, failure });
  const [next, fx] = to(
    { ...s, failure },
    outcome,
    atMs,
    effects,
    `${PHASE_TEXT[outcome]}: ${failure.message}`,
  );
  return [next, fx];
}

/** Whether the sortie has a dock to command (states stored before dock-less sorties: yes). */
function hasDock(s: SortieMachineState): boolean {
  return s.docked !== false;
}

/** Sends the aircraft home early for `reason` (once). */
function sendHome(s: SortieMachineState, atMs: number, reason: SortieFailure): SortieStep {
  if (s.returnReason) return [s, []];
  const next = { ...s, returnReason: reason };
  const effects: SortieEffect[] = [{ type: 'vehicle_command', action: 'return' }];
  if (!s.landingPrepared && hasDock(s)) {
    effects.push({ type: 'dock_command', action: 'prepare_landing' });
    next.landingPrepared = true;
  }
  return to(next, 'returning', atMs, effects, `returning early: ${reason.message}`);
}

function finishFlown(s: SortieMachineState, atMs: number): SortieStep {
  if (s.returnReason) {
    return to(
      { ...s, failure: s.returnReason },
      'failed',
      atMs,
      [{ type: 'finished', outcome: 'failed', failure: s.returnReason }],
      `${PHASE_TEXT.failed}: ${s.returnReason.message}`,
    );
  }
  return to(s, 'closed', atMs, [{ type: 'finished', outcome: 'closed', failure: null }]);
}

/** Wait before asking again to arm after TEMPORARILY_REJECTED. */
const ARM_RETRY_MS = 1000;

const IN_AIR_PHASES: ReadonlySet<SortiePhase> = new Set(['starting', 'in_progress', 'returning', 'landing']);

function onVehicle(s: SortieMachineState, atMs: number, v: VehicleView): SortieStep {
  if (!v.online) return [s, []];
  let st: SortieMachineState = { ...s, vehicleSeenMs: atMs };
  const effects: SortieEffect[] = [];
  const inAir = v.armed && v.landed === false;
  if (inAir && !st.airborne && IN_AIR_PHASES.has(st.phase)) st = { ...st, airborne: true };

  if (!IN_AIR_PHASES.has(st.phase)) return [st, effects];

  if (st.phase === 'starting' && st.airborne) {
    [st] = to(st, 'in_progress', atMs, []);
    effects.push({ type: 'phase', phase: 'in_progress', message: PHASE_TEXT.in_progress });
  }
  // Back on the ground and disarmed: the flight is over.
  if (st.airborne && !v.armed && v.landed !== false) {
    if (!hasDock(st)) {
      const [n, f] = finishFlown(st, atMs);
      return [n, [...effects, ...f]];
    }
    const fx: SortieEffect[] = [{ type: 'dock_command', action: 'close_lid' }];
    const [n, f] = to(st, 'lid_closing', atMs, fx);
    return [n, [...effects, ...f]];
  }
  if (!st.airborne) return [st, effects];
  if (
    v.batteryPct !== null &&
    v.batteryPct < st.lowBatteryPct &&
    !st.returnReason &&
    (st.phase === 'in_progress' || st.phase === 'starting')
  ) {
    const [n, f] = sendHome(st, atMs, {
      code: 'LowBatteryReturn',
      message: `battery ${Math.round(v.batteryPct)}% fell below ${st.lowBatteryPct}%; sent home`,
      params: { batteryPct: Math.round(v.batteryPct), limitPct: st.lowBatteryPct },
    });
    return [n, [...effects, ...f]];
  }
  if (v.modeKind === 'return' && st.phase !== 'returning' && st.phase !== 'landing') {
    const fx: SortieEffect[] = [];
    if (!st.landingPrepared && hasDock(st)) fx.push({ type: 'dock_command', action: 'prepare_landing' });
    const [n, f] = to({ ...st, landingPrepared: true }, 'returning', atMs, fx);
    return [n, [...effects, ...f]];
  }
  if (v.modeKind === 'land' && st.phase !== 'landing') {
    const fx: SortieEffect[] = [];
    if (!st.landingPrepared && hasDock(st)) fx.push({ type: 'dock_command', action: 'prepare_landing' });
    const [n, f] = to({ ...st, landingPrepared: true }, 'landing', atMs, fx);
    return [n, [...effects, ...f]];
  }
  return [st, effects];
}

/** A dock fault, with the dock's own fault names (or its state) as it reported them. */
function dockFault(d: DockView, variant: '' | 'closing'): SortieFailure {
  const faults = d.faults.join(', ') || d.state;
  return {
    code: 'DockFault',
    message: `the dock reports a fault${variant ? ' while closing' : ''} (${faults})`,
    params: { variant, faults },
  };
}

/** Fails a sortie whose flight is over (the aircraft is back): no lid or disarm effects. */
function failFinished(s: SortieMachineState, atMs: number, failure: SortieFailure): SortieStep {
  return to({ ...s, failure }, 'failed', atMs, [{ type: 'finished', outcome: 'failed', failure }]);
}

/** A device's refusal: its result code and its own words (empty when it gave none). */
function refusal(result: string | undefined, said: string | undefined): FailureParams {
  return { result: result ?? 'error', said: said ?? '' };
}

function onDock(s: SortieMachineState, atMs: number, d: DockView): SortieStep {
  const fault = d.faults.length > 0 || d.state === 'fault';
  if (fault && !s.airborne && s.phase !== 'queued') {
    return fail(s, atMs, dockFault(d, ''));
  }
  switch (s.phase) {
    case 'dock_preparing':
      if (d.state === 'ready' || d.lid === 'open')
        return to({ ...s, dockOpened: true }, 'uploading', atMs, [{ type: 'upload' }]);
      return [s, []];
    case 'lid_closing':
      if (fault) return failFinished(s, atMs, dockFault(d, 'closing'));
      if (d.lid === 'closed') {
        if (d.charger === 'charging' || d.charger === 'full' || d.state === 'charging')
          return finishFlown({ ...s, phase: 'charging' }, atMs);
        return to(s, 'charging', atMs, [{ type: 'dock_command', action: 'start_charging' }]);
      }
      return [s, []];
    case 'charging':
      if (d.charger === 'charging' || d.charger === 'full' || d.state === 'charging')
        return finishFlown(s, atMs);
      if (d.charger === 'fault')
        return failFinished(s, atMs, {
          code: 'DockFault',
          message: 'the dock charger reports a fault',
          params: { variant: 'charger' },
        });
      return [s, []];
    default:
      return [s, []];
  }
}

function onTick(s: SortieMachineState, atMs: number): SortieStep {
  const t = s.timeouts;
  const since = atMs - s.phaseSinceMs;
  const timeout = (what: string, ms: number): SortieStep =>
    fail(s, atMs, {
      code:
        s.phase === 'dock_preparing' || s.phase === 'lid_closing' || s.phase === 'charging'
          ? 'DockTimeout'
          : 'PhaseTimeout',
      message: `${what} took longer than ${Math.round(ms / 1000)} s`,
      params: { step: s.phase, seconds: Math.round(ms / 1000) },
    });
  if (
    s.airborne &&
    IN_AIR_PHASES.has(s.phase) &&
    s.vehicleSeenMs !== null &&
    atMs - s.vehicleSeenMs > t.linkLostMs
  ) {
    return fail(s, atMs, {
      code: 'LinkLost',
      message: `no word from the aircraft for ${Math.round((atMs - s.vehicleSeenMs) / 1000)} s in the air`,
      params: { seconds: Math.round((atMs - s.vehicleSeenMs) / 1000) },
    });
  }
  switch (s.phase) {
    case 'dock_preparing':
      return since > t.dockPrepareMs ? timeout('the dock preparing for take-off', t.dockPrepareMs) : [s, []];
    case 'uploading':
      return since > t.uploadMs ? timeout('the mission upload', t.uploadMs) : [s, []];
    case 'arming':
      if (since > t.armMs) return timeout('arming', t.armMs);
      if (s.armRetryAtMs != null && atMs >= s.armRetryAtMs)
        return [{ ...s, armRetryAtMs: null }, [{ type: 'vehicle_command', action: 'arm' }]];
      return [s, []];
    case 'starting':
      return since > t.takeoffMs && !s.airborne ? timeout('taking off', t.takeoffMs) : [s, []];
    case 'lid_closing':
      return since > t.lidCloseMs ? timeout('closing the dock', t.lidCloseMs) : [s, []];
    case 'charging':
      return since > t.chargeStartMs ? timeout('starting to charge', t.chargeStartMs) : [s, []];
    default:
      return [s, []];
  }
}

/** One event -> the next state and the effects to perform, in order. Never mutates `state`. */
export function stepSortie(state: SortieMachineState, event: SortieEvent): SortieStep {
  const s = state;
  if (FINAL_SORTIE_PHASES.has(s.phase)) return [s, []];
  const at = event.atMs;
  switch (event.type) {
    case 'begin':
      if (s.phase !== 'queued') return [s, []];
      if (!hasDock(s)) return to(s, 'uploading', at, [{ type: 'upload' }]);
      return to(s, 'dock_preparing', at, [{ type: 'dock_command', action: 'prepare_takeoff' }]);
    case 'cannot_launch':
      return fail(s, at, event.failure);
    case 'dock':
      if (!event.dock.online) return [s, []];
      return onDock(s, at, event.dock);
    case 'dock_command_result':
      if (event.ok) return [s, []];
      if (event.action === 'prepare_takeoff' && s.phase === 'dock_preparing')
        return fail(s, at, {
          code: 'DockPrepareFailed',
          message: `the dock refused to prepare for take-off (${event.code ?? 'error'}: ${event.message ?? ''})`,
          params: refusal(event.code, event.said),
        });
      // A refused close_lid or start_charging is not final by itself (the dock may already be
      // closing or charging on its own): its status decides, and the phase timeout catches a
      // dock that never gets there.
      return [s, []];
    case 'upload_result':
      if (s.phase !== 'uploading') return [s, []];
      if (!event.ok) {
        const code = event.code === 'MissionIdMismatch' ? 'MissionIdMismatch' : 'UploadRefused';
        return fail(s, at, {
          code,
          message: `mission upload failed (${event.code}): ${event.message}`,
          params: refusal(event.code, event.message),
        });
      }
      return to({ ...s, missionId: event.missionId }, 'arming', at, [
        { type: 'vehicle_command', action: 'arm' },
      ]);
    case 'command_result':
      if (event.action === 'arm' && s.phase === 'arming') {
        if (!event.ok && event.code === 'TemporarilyRejected' && at - s.phaseSinceMs < s.timeouts.armMs)
          return [{ ...s, armRetryAtMs: at + ARM_RETRY_MS }, []];
        if (!event.ok)
          return fail(s, at, {
            code: 'ArmRefused',
            message: `the aircraft refused to arm (${event.code ?? 'error'}): ${event.said ?? event.message ?? ''}`,
            params: refusal(event.code, event.said),
          });
        return to(s, 'starting', at, [{ type: 'vehicle_command', action: 'start_mission' }]);
      }
      if (event.action === 'start_mission' && s.phase === 'starting') {
        if (!event.ok)
          return fail(s, at, {
            code: 'StartRefused',
            message: `the aircraft refused to start the mission (${event.code ?? 'error'}): ${event.said ?? event.message ?? ''}`,
            params: refusal(event.code, event.said),
          });
        return [s, []];
      }
      return [s, []];
    case 'vehicle':
      return onVehicle(s, at, event.vehicle);
    case 'weather': {
      if (event.ok) return [s, []];
      const said = { message: event.message, ...(event.params ? { params: event.params } : {}) };
      if (s.airborne && (s.phase === 'in_progress' || s.phase === 'starting'))
        return sendHome(s, at, { code: 'WeatherAbort', ...said });
      if (!s.airborne) return fail(s, at, { code: 'WeatherGrounded', ...said });
      return [s, []];
    }
    case 'abort': {
      const failure: SortieFailure = {
        code: event.code,
        message: event.message,
        ...(event.params ? { params: event.params } : {}),
      };
      if (s.airborne) {
        if (s.phase === 'in_progress' || s.phase === 'starting') return sendHome(s, at, failure);
        return [s, []];
      }
      return fail(s, at, failure, 'aborted');
    }
    case 'tick':
      return onTick(s, at);
  }
}
