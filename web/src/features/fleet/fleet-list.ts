/** Filtering, sorting and formatting for the fleet sidebar and vehicle panel (pure). */
import type { FleetVehicleSnapshot } from '../../live/fleet-model.ts';

export type FleetFilter = 'all' | 'online' | 'offline' | 'flying';
export type FleetSort = 'name' | 'battery' | 'status';

/** A vehicle is flying when it is armed and the autopilot does not say it is on the ground. */
export function isFlying(v: FleetVehicleSnapshot): boolean {
  return v.online && v.state?.armed === true && v.state?.landed !== true;
}

/** How serious a vehicle's state is, for sorting by status: offline and failing first. */
function severity(v: FleetVehicleSnapshot): number {
  if (!v.online) return 0;
  const s = v.state;
  if ((s?.systemStatus ?? 0) >= 5) return 1;
  if (typeof s?.batteryPct === 'number' && s.batteryPct < 30) return 2;
  if (isFlying(v)) return 3;
  return 4;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * The vehicles the sidebar lists, in order. `text` matches name, id, or mode as reported or as
 * `modeText` says it in the user's language ("返航" finds AUTO.RTL).
 */
export function listFleet(
  vehicles: readonly FleetVehicleSnapshot[],
  opts: { text: string; filter: FleetFilter; sort: FleetSort; modeText?: (mode: string) => string },
): FleetVehicleSnapshot[] {
  const q = opts.text.trim().toLowerCase();
  const out = vehicles.filter((v) => {
    if (opts.filter === 'online' && !v.online) return false;
    if (opts.filter === 'offline' && v.online) return false;
    if (opts.filter === 'flying' && !isFlying(v)) return false;
    if (!q) return true;
    return (
      v.name.toLowerCase().includes(q) ||
      v.vehicleId.toLowerCase().startsWith(q) ||
      (v.state?.mode ?? '').toLowerCase().includes(q) ||
      (v.state?.mode && opts.modeText ? opts.modeText(v.state.mode).toLowerCase().includes(q) : false)
    );
  });
  const byName = (a: FleetVehicleSnapshot, b: FleetVehicleSnapshot) => collator.compare(a.name, b.name);
  if (opts.sort === 'name') out.sort(byName);
  else if (opts.sort === 'battery')
    out.sort((a, b) => (a.state?.batteryPct ?? 101) - (b.state?.batteryPct ?? 101) || byName(a, b));
  else out.sort((a, b) => severity(a) - severity(b) || byName(a, b));
  return out;
}

/** Link quality 0..100 from the bridge's packet loss (null when unknown or offline). */
export function linkQualityPct(v: FleetVehicleSnapshot): number | null {
  if (!v.online) return null;
  const loss = v.state?.link?.lossPct;
  return typeof loss === 'number' && Number.isFinite(loss) ? Math.max(0, Math.min(100, 100 - loss)) : null;
}

/** A number with `digits` decimals, or an em dash when missing. */
export function num(v: number | null | undefined, digits = 0): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—';
}

/** "12 s", "3 min", "2 h" ago, in the caller's words (`unit` picks the string). */
export function agoParts(fromMs: number, nowMs: number): { n: number; unit: 's' | 'min' | 'h' | 'd' } {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 90) return { n: s, unit: 's' };
  if (s < 90 * 60) return { n: Math.round(s / 60), unit: 'min' };
  if (s < 36 * 3600) return { n: Math.round(s / 3600), unit: 'h' };
  return { n: Math.round(s / 86400), unit: 'd' };
}
