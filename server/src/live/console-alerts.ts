/**
 * Alerts for the console's live feed, derived from what the bridges report: a pure deriver
 * (state and events in, alerts out) with no I/O, so every rule is testable on its own. The
 * fan-out (`console-fanout.ts`) feeds it and sends what it derives.
 *
 * Rules:
 * - STATUSTEXT of severity warning (4) or worse: the vehicle's own words; PX4 announces its
 *   failsafes this way ("Failsafe activated: ..."), so those become `failsafe`.
 * - HEARTBEAT system_status CRITICAL (5) or EMERGENCY (6) entered: `failsafe`.
 * - Battery below 30 % (`battery_low`) and below 15 % (`battery_critical`), once per crossing;
 *   re-armed only after the level climbs 5 points above the threshold (a new pack, or a
 *   charge on the dock), so a reading that wobbles around the line does not flood the feed.
 * - Link lost, and back after a loss (the live state going offline / online: a vehicle whose
 *   bridge disconnects is lost without a `lost` event of its own).
 */
import type { VehicleEventPayload } from '@aerie/gcs-bridge';
import type { ConsoleVehicleAlert } from './console-events.ts';

export const BATTERY_LOW_PCT = 30;
export const BATTERY_CRITICAL_PCT = 15;
const REARM_MARGIN_PCT = 5;
const MAV_STATE_CRITICAL = 5;
const MAV_SEVERITY_WARNING = 4;
const MAV_SEVERITY_CRITICAL = 2;

interface Memory {
  /** 0 fine, 1 low announced, 2 critical announced. */
  battery: 0 | 1 | 2;
  critical: boolean;
}

export interface AlertDeriver {
  /** Alerts a new state snapshot causes (battery crossings, failsafe entered). */
  fromState(vehicleId: string, state: Record<string, unknown>, atMs: number): ConsoleVehicleAlert[];
  /** The alert a link change causes (lost; back after a loss). */
  fromLink(vehicleId: string, online: boolean, atMs: number): ConsoleVehicleAlert;
  /** The alert a discrete vehicle event causes, if any. */
  fromEvent(vehicleId: string, atMs: number, event: VehicleEventPayload): ConsoleVehicleAlert | null;
  /** Forgets a vehicle (deleted). */
  forget(vehicleId: string): void;
}

export function createAlertDeriver(): AlertDeriver {
  const memory = new Map<string, Memory>();
  let seq = 0;
  const runId = Math.floor(Math.random() * 0xffffff).toString(36);
  const make = (
    vehicleId: string,
    atMs: number,
    kind: ConsoleVehicleAlert['kind'],
    level: ConsoleVehicleAlert['level'],
    text: string | null,
    extra: Partial<ConsoleVehicleAlert> = {},
  ): ConsoleVehicleAlert => ({ id: `${runId}-${++seq}`, vehicleId, atMs, kind, level, text, ...extra });

  const mem = (vehicleId: string): Memory => {
    let m = memory.get(vehicleId);
    if (!m) {
      m = { battery: 0, critical: false };
      memory.set(vehicleId, m);
    }
    return m;
  };

  return {
    fromState(vehicleId, state, atMs) {
      const out: ConsoleVehicleAlert[] = [];
      const m = mem(vehicleId);
      const pct = state.batteryPct;
      if (typeof pct === 'number' && Number.isFinite(pct)) {
        if (pct < BATTERY_CRITICAL_PCT && m.battery < 2) {
          m.battery = 2;
          out.push(make(vehicleId, atMs, 'battery_critical', 'critical', null, { batteryPct: pct }));
        } else if (pct < BATTERY_LOW_PCT && m.battery < 1) {
          m.battery = 1;
          out.push(make(vehicleId, atMs, 'battery_low', 'warning', null, { batteryPct: pct }));
        } else if (m.battery === 2 && pct >= BATTERY_CRITICAL_PCT + REARM_MARGIN_PCT) {
          m.battery = pct >= BATTERY_LOW_PCT + REARM_MARGIN_PCT ? 0 : 1;
        } else if (m.battery === 1 && pct >= BATTERY_LOW_PCT + REARM_MARGIN_PCT) {
          m.battery = 0;
        }
      }
      const status = state.systemStatus;
      if (typeof status === 'number') {
        const critical = status >= MAV_STATE_CRITICAL && status <= 6;
        if (critical && !m.critical) {
          out.push(make(vehicleId, atMs, 'failsafe', 'critical', status === 6 ? 'EMERGENCY' : 'CRITICAL'));
        }
        m.critical = critical;
      }
      return out;
    },
    fromLink(vehicleId, online, atMs) {
      return online
        ? make(vehicleId, atMs, 'link_restored', 'info', null)
        : make(vehicleId, atMs, 'link_lost', 'critical', null);
    },
    fromEvent(vehicleId, atMs, event) {
      // Link loss comes through `fromLink` (a dropped bridge loses its vehicles with no event).
      switch (event.type) {
        case 'status_text': {
          if (event.severity > MAV_SEVERITY_WARNING) return null;
          const text = event.text.trim();
          const failsafe = /fail-?safe/i.test(text);
          const level = failsafe || event.severity <= MAV_SEVERITY_CRITICAL ? 'critical' : 'warning';
          return make(vehicleId, event.atMs ?? atMs, failsafe ? 'failsafe' : 'status_text', level, text);
        }
        default:
          return null;
      }
    },
    forget(vehicleId) {
      memory.delete(vehicleId);
    },
  };
}
