/**
 * Wall-clock time in an IANA time zone without a date library: Intl gives the zone's offset at
 * an instant, and a wall time is kept as a "floating" number (the wall clock's fields read as
 * if they were UTC). Recurrence rules are expanded on floating times, so a rule means "09:00
 * local" in every zone and through every DST change, whatever zone the process runs in.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is an IANA zone name this runtime knows ('Asia/Shanghai', 'UTC', ...). */
export function isTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length === 0) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

// Offsets by zone and quarter hour: zones change offset only at whole quarter hours (UTC), and
// Intl's formatToParts costs microseconds, which expanding many schedules would add up.
const QUARTER_HOUR = 900_000;
const offsetCache = new Map<string, Map<number, number>>();
const MAX_CACHED_PER_ZONE = 50_000;

/** The zone's offset from UTC at the instant `utcMs`, in milliseconds (Shanghai: +8 h). */
export function zoneOffsetMs(tz: string, utcMs: number): number {
  const bucket = Math.floor(utcMs / QUARTER_HOUR);
  let zone = offsetCache.get(tz);
  const hit = zone?.get(bucket);
  if (hit !== undefined) return hit;
  const offset = computeOffsetMs(tz, bucket * QUARTER_HOUR);
  if (!zone) {
    zone = new Map();
    offsetCache.set(tz, zone);
  }
  if (zone.size >= MAX_CACHED_PER_ZONE) zone.clear();
  zone.set(bucket, offset);
  return offset;
}

function computeOffsetMs(tz: string, utcMs: number): number {
  const parts = formatter(tz).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  // formatToParts drops milliseconds; compare whole seconds.
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** The floating wall-clock time in `tz` at the instant `utcMs`. */
export function wallOf(utcMs: number, tz: string): number {
  return utcMs + zoneOffsetMs(tz, utcMs);
}

const SIX_HOURS = 6 * 3600_000;

/**
 * The instant a floating wall-clock time names in `tz`. A wall time that occurs twice (the
 * hour repeated when DST ends) is the first of the two; one that does not exist (skipped when
 * DST starts) moves forward by the gap, as calendar programs do.
 */
export function instantOf(wallMs: number, tz: string): number {
  const ms = ((wallMs % 1000) + 1000) % 1000;
  const whole = wallMs - ms;
  return instantOfWhole(whole, tz) + ms;
}

function instantOfWhole(wallMs: number, tz: string): number {
  const guess = wallMs - zoneOffsetMs(tz, wallMs);
  const before = wallMs - zoneOffsetMs(tz, guess - SIX_HOURS);
  const after = wallMs - zoneOffsetMs(tz, guess + SIX_HOURS);
  const valid = (t: number): boolean => wallOf(t, tz) === wallMs;
  const okBefore = valid(before);
  const okAfter = valid(after);
  if (okBefore && okAfter) return Math.min(before, after);
  if (okBefore) return before;
  if (okAfter) return after;
  // In the gap: read the wall time with the offset in force before the change.
  return before;
}

/** `2026-03-08T09:00` (seconds optional) as a floating time, or null when malformed. */
export function parseWall(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!m) return null;
  const fields = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  const [y, mo, d, h, mi, s] = fields as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 2026-02-31 over into March: refuse it instead.
  if (new Date(t).getUTCDate() !== d) return null;
  return t;
}

/** A floating time as `2026-03-08T09:00:00`. */
export function formatWall(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 19);
}
