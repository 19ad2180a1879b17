/**
 * One dock controller as the bridge holds it: what its AERIE_DOCK_STATUS says, in plain units
 * (`statusFromMessage`), and its commands through the command protocol (COMMAND_LONG out,
 * COMMAND_ACK back, resends with rising confirmation), serialised one at a time because two
 * transactions for the same command id to one system cannot be told apart on the wire.
 */
import * as aerieDock from '@aerie/hardware/dialect';
import type {
  DockCharger,
  DockCommand,
  DockFaultCode,
  DockLid,
  DockStatusPayload,
} from '../channel/events.ts';
import type { MessagePort } from '../codec/types.ts';
import { type CommandOptions, type CommandResult, runCommand } from '../protocols/command.ts';
import { ok, type Result } from '../result.ts';
import type { DockCycle, DockReport } from './machine.ts';

/** Message id of AERIE_DOCK_STATUS: the message that makes the bridge take a system for a dock. */
export const AERIE_DOCK_STATUS_ID = aerieDock.AerieDockStatus.MSG_ID;

/** The dock dialect's commands (MAV_CMD ids 31500-31503). */
export const DockCmd = {
  Lid: aerieDock.MavCmd.AERIE_DOCK_LID,
  Charger: aerieDock.MavCmd.AERIE_DOCK_CHARGER,
  PrepareTakeoff: aerieDock.MavCmd.AERIE_DOCK_PREPARE_TAKEOFF,
  PrepareLanding: aerieDock.MavCmd.AERIE_DOCK_PREPARE_LANDING,
} as const;

const LIDS: readonly DockLid[] = aerieDock.DOCK_LID_NAMES;
const CHARGERS: readonly DockCharger[] = aerieDock.DOCK_CHARGER_NAMES;
const CYCLES: readonly DockCycle[] = aerieDock.DOCK_CYCLE_NAMES;
const FAULT_BITS: readonly [number, DockFaultCode][] = [
  [aerieDock.AerieDockFault.LID_JAM, 'lid_jam'],
  [aerieDock.AerieDockFault.CHARGER, 'charger_fault'],
  [aerieDock.AerieDockFault.POWER_LOSS, 'power_loss'],
  [aerieDock.AerieDockFault.OVER_TEMPERATURE, 'over_temperature'],
  [aerieDock.AerieDockFault.SENSOR, 'sensor_fault'],
];

/** Fault codes from AERIE_DOCK_STATUS.fault_flags (unknown bits are ignored). */
export function faultsFromFlags(flags: number): DockFaultCode[] {
  return FAULT_BITS.filter(([bit]) => (flags & bit) !== 0).map(([, code]) => code);
}

/** The status fields of one AERIE_DOCK_STATUS and the machine's view of it. */
export function statusFromMessage(
  m: aerieDock.AerieDockStatus,
): { report: DockReport } & Omit<DockStatusPayload, 'sysid' | 'compid' | 'state' | 'lastHeardMs'> {
  const lid = LIDS[m.lidState] ?? 'unknown';
  const charger = CHARGERS[m.chargerState] ?? 'unknown';
  const parked = m.aircraftParked !== 0;
  const faults = faultsFromFlags(m.faultFlags);
  const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    report: { lid, charger, cycle: CYCLES[m.cycleState] ?? 'idle', aircraftParked: parked, faults },
    lid,
    charger,
    aircraftParked: parked,
    aircraftBatteryPct: parked && m.aircraftBattery >= 0 ? m.aircraftBattery : null,
    temperatureC: round(m.temperature),
    humidityPct: round(m.humidity),
    windSpeedMps: round(m.windSpeed),
    windGustMps: round(m.windGust),
    rainMmPerH: round(m.rainRate),
    mainsPower: m.mainsPower !== 0,
    faults,
    lat: m.lat / 1e7,
    lon: m.lon / 1e7,
    altAmslM: m.alt / 1000,
  };
}

/** The COMMAND_LONG for a dock command. */
export function dockCommandSpec(c: DockCommand): { command: number; param1: number } {
  switch (c.action) {
    case 'open_lid':
      return { command: DockCmd.Lid, param1: 1 };
    case 'close_lid':
      return { command: DockCmd.Lid, param1: 0 };
    case 'start_charging':
      return { command: DockCmd.Charger, param1: 1 };
    case 'stop_charging':
      return { command: DockCmd.Charger, param1: 0 };
    case 'prepare_takeoff':
      return { command: DockCmd.PrepareTakeoff, param1: 0 };
    case 'prepare_landing':
      return { command: DockCmd.PrepareLanding, param1: 0 };
  }
}

export type DockActionResult = Result<{ command: number; sends: number }, string>;

/** A dock's actions. Results are the command protocol's codes (Denied, Failed, Timeout, ...). */
export class Dock {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly aborts = new Set<AbortController>();

  constructor(
    readonly sysid: number,
    readonly compid: number,
    readonly port: MessagePort,
    /** Told of every command the dock accepted (the bridge steps the dock's cycle with it). */
    private readonly onAccepted: (command: DockCommand) => void = () => {},
    private readonly options: Partial<CommandOptions> = {},
  ) {}

  openLid(): Promise<DockActionResult> {
    return this.run({ action: 'open_lid' });
  }

  closeLid(): Promise<DockActionResult> {
    return this.run({ action: 'close_lid' });
  }

  startCharging(): Promise<DockActionResult> {
    return this.run({ action: 'start_charging' });
  }

  stopCharging(): Promise<DockActionResult> {
    return this.run({ action: 'stop_charging' });
  }

  prepareTakeoff(): Promise<DockActionResult> {
    return this.run({ action: 'prepare_takeoff' });
  }

  prepareLanding(): Promise<DockActionResult> {
    return this.run({ action: 'prepare_landing' });
  }

  /** Runs one command through the dock's queue. */
  run(command: DockCommand): Promise<DockActionResult> {
    const spec = dockCommandSpec(command);
    const next = this.queue.then(async () => {
      const abort = new AbortController();
      this.aborts.add(abort);
      try {
        const result: CommandResult = await runCommand(this.port, {
          ...this.options,
          ...spec,
          target: { sysid: this.sysid, compid: this.compid },
          signal: abort.signal,
        });
        if (!result.ok) return result;
        this.onAccepted(command);
        return ok({ command: result.value.command, sends: result.value.sends });
      } finally {
        this.aborts.delete(abort);
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Cancels every command in flight (the bridge is shutting down). */
  dispose(): void {
    for (const a of this.aborts) a.abort();
    this.aborts.clear();
  }
}
