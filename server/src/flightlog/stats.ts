/**
 * Fleet statistics as a district command centre reports them (missions, sorties, flight hours,
 * kilometres per day, week or month), bucketed in TypeScript so the SQL stays a plain range
 * select that reads the same on SQLite and PostgreSQL.
 *
 * Buckets follow the local calendar of an IANA time zone (default Asia/Shanghai, UTC+8, no
 * daylight saving): a day runs from local midnight to local midnight, a week starts on Monday
 * (ISO 8601, as Chinese reports count them), a month on the 1st. A sortie counts in the bucket
 * of its take-off time.
 */

import { instantOf, wallOf } from '@aerie/missions';

export const STATS_BUCKETS = ['day', 'week', 'month'] as const;
export type StatsBucket = (typeof STATS_BUCKETS)[number];

/** Time zone the statistics use unless the request names another. */
export const DEFAULT_STATS_TIME_ZONE = 'Asia/Shanghai';

/** More buckets than this in one answer is refused (about ten years of days). */
export const MAX_BUCKETS = 3700;

/** The figures of one bucket (and group). */
export interface Figures {
  /** Sorties during which a mission ran (AUTO mission mode). */
  missions: number;
  /** Closed sorties (arm to disarm). */
  sorties: number;
  flightHours: number;
  kilometres: number;
}

/** One closed sortie as the statistics need it. */
export interface StatsSortie {
  startedAtMs: number;
  durationS: number | null;
  distanceM: number | null;
  missionRan: boolean;
  /** Dock or vehicle id when grouping; null for "no dock" or when not grouping. */
  groupId: string | null;
}

export interface BucketFigures extends Figures {
  /** Local start of the bucket as an instant. */
  startMs: number;
  /** Local calendar label: 2026-06-01 (day; week = its Monday) or 2026-06 (month). */
  label: string;
  groupId: string | null;
}

interface Civil {
  y: number;
  m: number;
  d: number;
}

/** The instant of local midnight starting civil day `c` in `timeZone` (the planning library's zone reading). */
function localMidnight(c: Civil, timeZone: string): number {
  return instantOf(Date.UTC(c.y, c.m - 1, c.d), timeZone);
}

function civilOf(ms: number, timeZone: string): Civil {
  const wall = new Date(wallOf(ms, timeZone));
  return { y: wall.getUTCFullYear(), m: wall.getUTCMonth() + 1, d: wall.getUTCDate() };
}

/** Civil date arithmetic through UTC, which has no gaps. */
function addDays(c: Civil, n: number): Civil {
  const t = new Date(Date.UTC(c.y, c.m - 1, c.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function bucketStartCivil(c: Civil, bucket: StatsBucket): Civil {
  if (bucket === 'day') return c;
  if (bucket === 'month') return { y: c.y, m: c.m, d: 1 };
  const weekday = new Date(Date.UTC(c.y, c.m - 1, c.d)).getUTCDay(); // 0 = Sunday
  return addDays(c, -((weekday + 6) % 7));
}

function nextCivil(c: Civil, bucket: StatsBucket): Civil {
  if (bucket === 'day') return addDays(c, 1);
  if (bucket === 'week') return addDays(c, 7);
  return c.m === 12 ? { y: c.y + 1, m: 1, d: 1 } : { y: c.y, m: c.m + 1, d: 1 };
}

const pad = (n: number) => String(n).padStart(2, '0');

function label(c: Civil, bucket: StatsBucket): string {
  return bucket === 'month' ? `${c.y}-${pad(c.m)}` : `${c.y}-${pad(c.m)}-${pad(c.d)}`;
}

/** A bucket: its local start as instant, its label, and the instant the next one starts. */
export interface BucketSpan {
  startMs: number;
  endMs: number;
  label: string;
}

/**
 * The buckets covering [fromMs, toMs): the first is the one holding `fromMs` (so it may begin
 * before it). Null when there would be more than MAX_BUCKETS.
 */
export function bucketsBetween(
  fromMs: number,
  toMs: number,
  bucket: StatsBucket,
  timeZone: string,
): BucketSpan[] | null {
  const out: BucketSpan[] = [];
  let c = bucketStartCivil(civilOf(fromMs, timeZone), bucket);
  let start = localMidnight(c, timeZone);
  while (start < toMs) {
    if (out.length >= MAX_BUCKETS) return null;
    const n = nextCivil(c, bucket);
    const end = localMidnight(n, timeZone);
    out.push({ startMs: start, endMs: end, label: label(c, bucket) });
    c = n;
    start = end;
  }
  return out;
}

const zero = (): Figures => ({ missions: 0, sorties: 0, flightHours: 0, kilometres: 0 });

function add(f: Figures, s: StatsSortie): void {
  f.sorties += 1;
  if (s.missionRan) f.missions += 1;
  f.flightHours += (s.durationS ?? 0) / 3600;
  f.kilometres += (s.distanceM ?? 0) / 1000;
}

/** Hours and kilometres to three decimals (3.6 s, 1 m): finer says nothing a report needs. */
function rounded<T extends Figures>(f: T): T {
  return {
    ...f,
    flightHours: Math.round(f.flightHours * 1000) / 1000,
    kilometres: Math.round(f.kilometres * 1000) / 1000,
  };
}

/**
 * Sums sorties into buckets. Without grouping every bucket appears (zeros included) so a chart
 * has no holes; with grouping, each (bucket, group) that has sorties, groups in first-seen
 * order within a bucket sorted by id. Sorties outside the buckets are ignored.
 */
export function bucketStats(
  rows: StatsSortie[],
  spans: BucketSpan[],
  grouped: boolean,
): { buckets: BucketFigures[]; totals: Figures } {
  const totals = zero();
  const perBucket = spans.map(() => new Map<string | null, Figures>());
  for (const s of rows) {
    const i = findSpan(spans, s.startedAtMs);
    if (i < 0) continue;
    const key = grouped ? s.groupId : null;
    const groups = perBucket[i]!;
    let f = groups.get(key);
    if (!f) {
      f = zero();
      groups.set(key, f);
    }
    add(f, s);
    add(totals, s);
  }
  const buckets: BucketFigures[] = [];
  spans.forEach((span, i) => {
    const groups = perBucket[i]!;
    if (!grouped) {
      buckets.push(
        rounded({ startMs: span.startMs, label: span.label, groupId: null, ...(groups.get(null) ?? zero()) }),
      );
      return;
    }
    const keys = [...groups.keys()].sort((a, b) =>
      a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0,
    );
    for (const k of keys)
      buckets.push(rounded({ startMs: span.startMs, label: span.label, groupId: k, ...groups.get(k)! }));
  });
  return { buckets, totals: rounded(totals) };
}

function findSpan(spans: BucketSpan[], ms: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid]!;
    if (ms < s.startMs) hi = mid - 1;
    else if (ms >= s.endMs) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** How many sorties have a coverage figure and their mean share (null when none has one). */
export function meanCoverage(shares: ReadonlyArray<number | null>): {
  sorties: number;
  meanShare: number | null;
} {
  const known = shares.filter((x): x is number => x !== null && Number.isFinite(x));
  if (known.length === 0) return { sorties: 0, meanShare: null };
  return {
    sorties: known.length,
    meanShare: Math.round((known.reduce((a, b) => a + b, 0) / known.length) * 1e4) / 1e4,
  };
}
