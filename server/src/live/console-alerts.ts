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
 * - `sortie_lost`: raised by the orchestrator (through the fan-out's `alert`) when an aircraft
 *   silent in the air for its lost timeout has its sortie closed; text is the reason.
 * - `fire_smoke`: raised from the ticket desk's events (tickets/fire-alert.ts) when a fire/smoke
 *   ticket is filed or recurs, whatever filed it; vehicleId null when no vehicle saw it.
 */

import type { ConsoleVehicleAlert } from '@aerie/contracts';
import type { VehicleEventPayload } from '@aerie/gcs-bridge';

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
  /** An alert raised elsewhere (a sortie closed as lost), given its id here. */
  external(a: Omit<ConsoleVehicleAlert, 'id'>): ConsoleVehicleAlert;
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
    external(a) {
      return { ...a, id: `${runId}-${++seq}` };
    },
  };
}

/**
 * Alert storms. A link that flaps (two ground stations answering one vehicle that replies to the
 * last sender) produced 200 lost/recovered pairs within a second. Repeats of one kind from one
 * vehicle are coalesced: the first `threshold` alerts of a key within `windowMs` pass as they
 * are; after that the key is in a storm, its alerts are held, and every `windowMs` one summary
 * alert goes out carrying the latest alert's kind, level and text (so the feed shows where the
 * link ended up) and `repeat: { count, windowMs }` ("link flapping, 40 times in 10 s"). A storm
 * ends after a window with no alert of its key.
 *
 * Keys: link lost and restored share one ("link"); battery alerts one; failsafes and status
 * texts one per text (a repeated message is a storm, different messages are not).
 */
export interface AlertCoalescerOptions {
  /** Length of a window (default 10 s). */
  windowMs?: number;
  /** Alerts of one key passed as they are within a window before it counts as a storm (default 3). */
  threshold?: number;
}

interface Storm {
  /** Start of the window being summarised. */
  firstAtMs: number;
  /** Alerts of the key in this window (those passed before the storm began count in the first). */
  count: number;
  /** Alerts held since the last summary. */
  held: number;
  last: ConsoleVehicleAlert;
}

interface KeyState {
  /** Times of the alerts passed in the current window. */
  recent: number[];
  storm: Storm | null;
}

export function alertKey(a: ConsoleVehicleAlert): string {
  switch (a.kind) {
    case 'link_lost':
    case 'link_restored':
      return `${a.vehicleId}|link`;
    case 'battery_low':
    case 'battery_critical':
      return `${a.vehicleId}|battery`;
    default:
      return `${a.vehicleId}|${a.kind}|${a.text ?? ''}`;
  }
}

export interface AlertCoalescer {
  /** One derived alert in; the alerts to publish now (it, or nothing while its key storms). */
  offer(a: ConsoleVehicleAlert, atMs: number): ConsoleVehicleAlert[];
  /** Storm summaries due at `atMs` (call about once a second). */
  tick(atMs: number): ConsoleVehicleAlert[];
  /** Forgets a vehicle's keys. */
  forget(vehicleId: string): void;
}

export function createAlertCoalescer(opts: AlertCoalescerOptions = {}): AlertCoalescer {
  const windowMs = opts.windowMs ?? 10_000;
  const threshold = opts.threshold ?? 3;
  const keys = new Map<string, KeyState>();
  let seq = 0;
  const runId = Math.floor(Math.random() * 0xffffff).toString(36);

  const summary = (s: Storm, atMs: number): ConsoleVehicleAlert => ({
    ...s.last,
    id: `${runId}-r${++seq}`,
    atMs: s.last.atMs,
    repeat: { count: s.count, windowMs: Math.max(0, Math.min(atMs, s.last.atMs) - s.firstAtMs) },
  });

  return {
    offer(a, atMs) {
      const key = alertKey(a);
      let k = keys.get(key);
      if (!k) {
        k = { recent: [], storm: null };
        keys.set(key, k);
      }
      if (k.storm) {
        k.storm.count++;
        k.storm.held++;
        k.storm.last = a;
        return [];
      }
      k.recent = k.recent.filter((t) => atMs - t < windowMs);
      if (k.recent.length < threshold) {
        k.recent.push(atMs);
        return [a];
      }
      k.storm = { firstAtMs: k.recent[0]!, count: k.recent.length + 1, held: 1, last: a };
      k.recent = [];
      return [];
    },
    tick(atMs) {
      const out: ConsoleVehicleAlert[] = [];
      for (const [key, k] of keys) {
        const s = k.storm;
        if (!s) {
          if (k.recent.every((t) => atMs - t >= windowMs)) keys.delete(key);
          continue;
        }
        if (atMs - s.firstAtMs < windowMs) continue;
        if (s.held === 0) {
          // A quiet window: the storm is over; the next alert of the key passes as usual.
          keys.delete(key);
          continue;
        }
        out.push(summary(s, atMs));
        k.storm = { firstAtMs: atMs, count: 0, held: 0, last: s.last };
      }
      return out;
    },
    forget(vehicleId) {
      for (const key of keys.keys()) if (key.startsWith(`${vehicleId}|`)) keys.delete(key);
    },
  };
}

/**
 * The recent alerts a console gets on connect: at most `perVehicle` per vehicle and `total` in
 * all; when full, the oldest alert of the vehicle holding the most goes, so one vehicle's storm
 * never pushes out another vehicle's alerts.
 */
export interface RecentAlerts {
  add(a: ConsoleVehicleAlert): void;
  /** In the order they were added. */
  list(): ConsoleVehicleAlert[];
  forget(vehicleId: string): void;
}

export function createRecentAlerts(total: number, perVehicle: number): RecentAlerts {
  /** Per vehicle, oldest first, each with its arrival number (the list keeps arrival order). */
  const byVehicle = new Map<string, Array<{ n: number; a: ConsoleVehicleAlert }>>();
  let size = 0;
  let arrivals = 0;
  const dropOldest = (vehicleId: string) => {
    const list = byVehicle.get(vehicleId);
    if (!list) return;
    list.shift();
    size--;
    if (list.length === 0) byVehicle.delete(vehicleId);
  };
  return {
    add(a) {
      // Alerts of no vehicle (a citizen's fire report) share one bucket of their own.
      const key = a.vehicleId ?? '';
      let list = byVehicle.get(key);
      if (!list) {
        list = [];
        byVehicle.set(key, list);
      }
      list.push({ n: ++arrivals, a });
      size++;
      if (list.length > perVehicle) dropOldest(key);
      while (size > total) {
        let biggest: string | null = null;
        let most = 0;
        let oldest = Number.POSITIVE_INFINITY;
        // The vehicle holding the most gives way; among equals, the one with the oldest alert.
        for (const [id, l] of byVehicle) {
          const first = l[0]!.n;
          if (l.length > most || (l.length === most && first < oldest)) {
            most = l.length;
            oldest = first;
            biggest = id;
          }
        }
        if (biggest === null) break;
        dropOldest(biggest);
      }
    },
    list() {
      return [...byVehicle.values()]
        .flat()
        .sort((x, y) => x.n - y.n)
        .map((e) => e.a);
    },
    forget(vehicleId) {
      size -= byVehicle.get(vehicleId)?.length ?? 0;
      byVehicle.delete(vehicleId);
    },
  };
}
