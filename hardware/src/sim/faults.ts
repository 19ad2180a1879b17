/**
 * Fault injection on a simulated vehicle: link faults (loss, latency, drops: real time, they
 * model the radio) and vehicle faults (GPS loss, a drained battery).
 */
import type { Battery } from './battery.ts';
import type { FaultyLink } from './link.ts';
import { Sev, type VehicleIo, type VehicleState } from './state.ts';

/** A vehicle's faults; link faults are in real time, the rest act on the vehicle. */
export interface SimFaults {
  /** Random packet drop, both directions, 0-100 %. */
  lossPct?: number;
  /** Added one-way latency, real milliseconds. */
  latencyMs?: number;
  /** Nothing in or out for this many real seconds from now (0 ends a drop). */
  linkDropS?: number;
  /** GPS lost: fix type 0, no satellites, STATUSTEXT warning; arming refused. */
  gpsLoss?: boolean;
  /**
   * Drops the battery to this percentage (true: 6 %, below PX4's critical 7 %); a flying
   * vehicle warns and returns home.
   */
  lowBattery?: boolean | number;
}

/** What `SimVehicle.faults` reports. */
export interface ActiveFaults {
  lossPct: number;
  latencyMs: number;
  /** A link drop is in progress. */
  linkDown: boolean;
  gpsLoss: boolean;
}

/** Applies faults now; fields left out keep their current setting. */
export function applyFaults(
  f: SimFaults,
  on: { link: FaultyLink; state: VehicleState; battery: Battery; io: VehicleIo },
): void {
  const { link, state } = on;
  if (f.lossPct !== undefined) link.faults.lossPct = f.lossPct;
  if (f.latencyMs !== undefined) link.faults.latencyMs = f.latencyMs;
  if (f.linkDropS !== undefined) {
    if (f.linkDropS > 0) link.dropFor(f.linkDropS);
    else link.restore();
  }
  if (f.gpsLoss !== undefined && f.gpsLoss !== state.gpsLost) {
    state.gpsLost = f.gpsLoss;
    if (f.gpsLoss) on.io.statusText(Sev.Critical, 'GPS signal lost\t');
    else on.io.statusText(Sev.Info, 'GPS signal regained');
  }
  if (f.lowBattery !== undefined && f.lowBattery !== false) {
    on.battery.drainTo(f.lowBattery === true ? 6 : f.lowBattery);
  }
}

/** The faults in force now. */
export function activeFaults(link: FaultyLink, state: VehicleState): ActiveFaults {
  return {
    lossPct: link.faults.lossPct,
    latencyMs: link.faults.latencyMs,
    linkDown: link.isDown,
    gpsLoss: state.gpsLost,
  };
}
