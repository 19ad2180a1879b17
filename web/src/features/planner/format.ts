/** Figures as dispatchers read them: metres under a kilometre, km above; minutes and seconds. */

export function formatDistance(m: number): string {
  if (!Number.isFinite(m)) return '–';
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10_000 ? 2 : 1)} km`;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '–';
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0');
  return h > 0 ? `${h}:${mm}:${String(sec).padStart(2, '0')}` : `${mm}:${String(sec).padStart(2, '0')}`;
}

export function formatPct(p: number): string {
  return Number.isFinite(p) ? `${Math.round(p)}%` : '–';
}
