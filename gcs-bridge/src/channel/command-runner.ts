/**
 * Runs a server's VehicleCommand on the bridge's vehicle and turns the outcome into the
 * CommandReply that goes back as the acknowledgement. Every path answers exactly once with a
 * value: a malformed request (`BadCommand`), a sysid the bridge has never heard
 * (`UnknownVehicle`), the vehicle's own coded result, or `BridgeError` if the vehicle code
 * threw (a bug, logged by the caller).
 */
import { DOCK_ACTIONS } from '@aerie/contracts';
import type { Dock } from '../dock/dock.ts';
import type { StatusTextEntry } from '../vehicle/state.ts';
import type { ActionResult, Vehicle } from '../vehicle/vehicle.ts';
import type { CommandReply, CommandRequest, DockCommandRequest, VehicleCommand } from './events.ts';

/** The actions a command needs from a vehicle. */
export type CommandableVehicle = Pick<
  Vehicle,
  | 'arm'
  | 'disarm'
  | 'takeoff'
  | 'hold'
  | 'resume'
  | 'returnToLaunch'
  | 'land'
  | 'goto'
  | 'setMode'
  | 'startMission'
> & {
  /** The vehicle's live state: its status texts give a refusal its reason. */
  readonly state?: { readonly statusTexts: readonly StatusTextEntry[] };
};

/**
 * The vehicle's own reason for a refusal: the newest STATUSTEXT of severity WARNING or worse
 * heard after `lastBefore` (the newest text before the command was sent), e.g. "Arming denied:
 * dock lid is not open". COMMAND_ACK carries only a result code; autopilots say why in text.
 */
export function refusalText(
  texts: readonly StatusTextEntry[],
  lastBefore: StatusTextEntry | undefined,
): string | null {
  const from = lastBefore ? texts.lastIndexOf(lastBefore) + 1 : 0;
  for (let i = texts.length - 1; i >= from; i--) {
    const t = texts[i]!;
    if (t.severity <= 4 && t.text) return t.text;
  }
  return null;
}

/** Where vehicles are found by system id (the Bridge). */
export interface VehicleDirectory {
  vehicle(sysid: number): CommandableVehicle | undefined;
}

const bad = (message: string): CommandReply => ({ ok: false, error: { code: 'BadCommand', message } });

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks a request from the wire; returns the problem in words, or null when it is usable. */
export function checkCommandRequest(request: unknown): string | null {
  if (typeof request !== 'object' || request === null) return 'the request is not an object';
  const r = request as Partial<CommandRequest>;
  if (!Number.isInteger(r.sysid) || (r.sysid as number) < 1 || (r.sysid as number) > 255)
    return `sysid must be an integer 1..255, got ${JSON.stringify(r.sysid)}`;
  const c = r.command as Partial<Record<string, unknown>> | undefined;
  if (typeof c !== 'object' || c === null) return 'command is missing';
  switch (c.action) {
    case 'arm':
    case 'hold':
    case 'resume':
    case 'return':
    case 'land':
    case 'start_mission':
      return null;
    case 'disarm':
      return c.force === undefined || typeof c.force === 'boolean' ? null : 'command.force must be a boolean';
    case 'takeoff':
      return finite(c.altRelM) && c.altRelM > 0
        ? null
        : `command.altRelM must be a positive number, got ${JSON.stringify(c.altRelM)}`;
    case 'goto':
      if (!finite(c.lat) || c.lat < -90 || c.lat > 90)
        return `command.lat must be -90..90, got ${JSON.stringify(c.lat)}`;
      if (!finite(c.lon) || c.lon < -180 || c.lon > 180)
        return `command.lon must be -180..180, got ${JSON.stringify(c.lon)}`;
      return finite(c.altRelM) ? null : `command.altRelM must be a number, got ${JSON.stringify(c.altRelM)}`;
    case 'set_mode':
      return typeof c.mode === 'string' && c.mode.length > 0
        ? null
        : 'command.mode must be a non-empty string';
    default:
      return `unknown command.action ${JSON.stringify(c.action)}`;
  }
}

function perform(v: CommandableVehicle, c: VehicleCommand): Promise<ActionResult> {
  switch (c.action) {
    case 'arm':
      return v.arm();
    case 'disarm':
      return v.disarm(c.force ?? false);
    case 'takeoff':
      return v.takeoff(c.altRelM);
    case 'hold':
      return v.hold();
    case 'resume':
      return v.resume();
    case 'return':
      return v.returnToLaunch();
    case 'land':
      return v.land();
    case 'goto':
      return v.goto(c.lat, c.lon, c.altRelM);
    case 'set_mode':
      return v.setMode(c.mode);
    case 'start_mission':
      return v.startMission();
  }
}

/** Runs one command request; never throws. */
export async function runVehicleCommand(
  vehicles: VehicleDirectory,
  request: CommandRequest,
): Promise<CommandReply> {
  const problem = checkCommandRequest(request);
  if (problem) return bad(problem);
  const vehicle = vehicles.vehicle(request.sysid);
  if (!vehicle) {
    return {
      ok: false,
      error: {
        code: 'UnknownVehicle',
        message: `this bridge has not heard vehicle sysid ${request.sysid}`,
        detail: { sysid: request.sysid },
      },
    };
  }
  try {
    const lastBefore = vehicle.state?.statusTexts.at(-1);
    const result = await perform(vehicle, request.command);
    if (result.ok) return { ok: true, value: { command: result.value.command, sends: result.value.sends } };
    const { code, message } = result.error;
    const said = vehicle.state ? refusalText(vehicle.state.statusTexts, lastBefore) : null;
    const detail = said ? { ...result.error.detail, statusText: said } : result.error.detail;
    return { ok: false, error: detail ? { code, message, detail } : { code, message } };
  } catch (err) {
    return {
      ok: false,
      error: {
        code: 'BridgeError',
        message: `the bridge failed running ${request.command.action}: ${err instanceof Error ? err.message : String(err)}`,
      },
    };
  }
}

/** Where docks are found by system id (the Bridge). */
export interface DockDirectory {
  dock(sysid: number): Pick<Dock, 'run'> | undefined;
}

const DOCK_ACTION_SET = new Set<string>(DOCK_ACTIONS);

/** Checks a dock command request from the wire; returns the problem in words, or null. */
export function checkDockCommandRequest(request: unknown): string | null {
  if (typeof request !== 'object' || request === null) return 'the request is not an object';
  const r = request as Partial<DockCommandRequest>;
  if (!Number.isInteger(r.sysid) || (r.sysid as number) < 1 || (r.sysid as number) > 255)
    return `sysid must be an integer 1..255, got ${JSON.stringify(r.sysid)}`;
  const c = r.command as Partial<Record<string, unknown>> | undefined;
  if (typeof c !== 'object' || c === null) return 'command is missing';
  if (typeof c.action !== 'string' || !DOCK_ACTION_SET.has(c.action))
    return `unknown command.action ${JSON.stringify(c.action)} (one of ${DOCK_ACTIONS.join(', ')})`;
  return null;
}

/**
 * Runs one dock command request; never throws. Codes: 'BadCommand', 'UnknownDock' (the bridge
 * has not heard that dock), the dock's own (Denied, Failed, Timeout, ...), or 'BridgeError'.
 */
export async function runDockCommand(
  docks: DockDirectory,
  request: DockCommandRequest,
): Promise<CommandReply> {
  const problem = checkDockCommandRequest(request);
  if (problem) return bad(problem);
  const dock = docks.dock(request.sysid);
  if (!dock) {
    return {
      ok: false,
      error: {
        code: 'UnknownDock',
        message: `this bridge has not heard dock sysid ${request.sysid}`,
        detail: { sysid: request.sysid },
      },
    };
  }
  try {
    const result = await dock.run(request.command);
    if (result.ok) return { ok: true, value: { command: result.value.command, sends: result.value.sends } };
    const { code, message, detail } = result.error;
    return { ok: false, error: detail ? { code, message, detail } : { code, message } };
  } catch (err) {
    return {
      ok: false,
      error: {
        code: 'BridgeError',
        message: `the bridge failed running dock ${request.command.action}: ${err instanceof Error ? err.message : String(err)}`,
      },
    };
  }
}
