/** Figures of the flight log as people read them: durations, distances, altitudes. */

/** Seconds as m:ss, or h:mm:ss from an hour on ("—" when unknown). */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Metres as kilometres: two decimals under 10 km (a city patrol), one above ("—" when unknown). */
export function formatKm(metres: number | null | undefined): string {
  if (metres === null || metres === undefined || !Number.isFinite(metres)) return '—';
  const km = metres / 1000;
  return km < 10 ? km.toFixed(2) : km.toFixed(1);
}

/** A number with `digits` decimals, or "—" when unknown. */
export function formatNumber(x: number | null | undefined, digits: number): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

/** Time since the replay's start as T+m:ss (T-m:ss before it). */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  return `T${sign}${formatDuration(Math.abs(ms) / 1000)}`;
}

/** A share (0..1) as a percentage with one decimal ("66.7%"), or "—" when unknown. */
export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}
