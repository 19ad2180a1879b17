/**
 * The statistics page's data: what `GET /api/stats` answers (server/src/routes/stats.ts), the
 * bucket labels as people read them, and grouped rows pivoted into one series per dock or
 * vehicle for a stacked chart. Pure, so it is tested without a browser.
 */

export type StatsBucket = 'day' | 'week' | 'month';
export type StatsGroupBy = 'none' | 'dock' | 'vehicle';
export const STATS_METRICS = ['missions', 'sorties', 'hours', 'km'] as const;
export type StatsMetric = (typeof STATS_METRICS)[number];

export interface Figures {
  missions: number;
  sorties: number;
  flightHours: number;
  kilometres: number;
}

export interface StatsBucketRow extends Figures {
  start: string;
  /** 2026-06-01 (day; for a week its Monday) or 2026-06 (month), in the request's time zone. */
  label: string;
  groupId: string | null;
  groupName: string | null;
}

export interface StatsResponse {
  from: string;
  to: string;
  bucket: StatsBucket;
  groupBy: StatsGroupBy;
  timeZone: string;
  totals: Figures;
  /** Coverage of the planned area over the sorties that have one. */
  coverage: { sorties: number; meanShare: number | null };
  buckets: StatsBucketRow[];
}

/** The figure a metric reads. */
export function metricValue(f: Figures, metric: StatsMetric): number {
  switch (metric) {
    case 'missions':
      return f.missions;
    case 'sorties':
      return f.sorties;
    case 'hours':
      return f.flightHours;
    case 'km':
      return f.kilometres;
  }
}

/** Decimals a metric is shown with: counts whole, hours to 0.01 h (36 s), kilometres to 0.1 km. */
export function metricDigits(metric: StatsMetric): number {
  return metric === 'hours' ? 2 : metric === 'km' ? 1 : 0;
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A bucket's axis label in the user's language: 6月1日 / Jun 1 for a day, 6月1日起 / Wk Jun 1
 * for a week (its Monday), 2026年6月 / Jun 2026 for a month. With `withYear` days and weeks
 * carry the year too (a range across New Year).
 */
export function bucketLabel(label: string, bucket: StatsBucket, language: string, withYear = false): string {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(label);
  if (!m) return label;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = m[3] ? Number(m[3]) : null;
  const zh = language !== 'en';
  if (bucket === 'month' || day === null)
    return zh ? `${year}年${month}月` : `${EN_MONTHS[month - 1]} ${year}`;
  if (zh) {
    const d = `${withYear ? `${year}年` : ''}${month}月${day}日`;
    return bucket === 'week' ? `${d}起` : d;
  }
  const d = `${EN_MONTHS[month - 1]} ${day}${withYear ? `, ${year}` : ''}`;
  return bucket === 'week' ? `Wk ${d}` : d;
}

/** True when the labels span more than one calendar year. */
export function spansYears(labels: readonly string[]): boolean {
  return new Set(labels.map((l) => l.slice(0, 4))).size > 1;
}

/** One stacked series: a dock's or vehicle's figure in each bucket. */
export interface GroupSeries {
  /** Dock or vehicle id; null for the sorties without one (no dock). */
  id: string | null;
  name: string;
  values: number[];
  total: Figures;
}

/**
 * Pivots grouped rows into one series per group over `labels` (the ungrouped answer's buckets,
 * which has every bucket; grouped answers hold only buckets with sorties). Groups are ordered
 * by their total of `metric`, largest first; `unnamed` names the group without id or name.
 */
export function pivotGroups(
  labels: readonly string[],
  rows: readonly StatsBucketRow[],
  metric: StatsMetric,
  unnamed: string,
): GroupSeries[] {
  const index = new Map(labels.map((l, i) => [l, i]));
  const groups = new Map<string | null, GroupSeries>();
  for (const r of rows) {
    const i = index.get(r.label);
    if (i === undefined) continue;
    let g = groups.get(r.groupId);
    if (!g) {
      g = {
        id: r.groupId,
        name: r.groupName ?? (r.groupId === null ? unnamed : r.groupId.slice(0, 8)),
        values: labels.map(() => 0),
        total: { missions: 0, sorties: 0, flightHours: 0, kilometres: 0 },
      };
      groups.set(r.groupId, g);
    }
    g.values[i] = (g.values[i] ?? 0) + metricValue(r, metric);
    g.total.missions += r.missions;
    g.total.sorties += r.sorties;
    g.total.flightHours += r.flightHours;
    g.total.kilometres += r.kilometres;
  }
  return [...groups.values()].sort(
    (a, b) => metricValue(b.total, metric) - metricValue(a.total, metric) || a.name.localeCompare(b.name),
  );
}

/** A default range for a bucket size, ending today: 30 days, 12 weeks or 12 months. */
export function defaultSpanDays(bucket: StatsBucket): number {
  return bucket === 'day' ? 30 : bucket === 'week' ? 84 : 365;
}
