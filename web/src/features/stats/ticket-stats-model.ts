/**
 * The ticket statistics the console shows, from `GET /api/tickets/stats`: overall figures
 * summed over the departments (so the overall rates weigh each ticket once, not each
 * department once) and rates as percentage text. Pure; see ticket-stats-model.test.ts.
 */
import { formatPercent } from '../flightlogs/format.ts';

export interface KeyCount {
  key: string | null;
  count: number;
}

export interface DepartmentFigures {
  departmentId: string | null;
  departmentName: string | null;
  total: number;
  closed: number;
  closedOnTime: number;
  overdue: number;
  /** 结案率: closed of all but voided; null when there is nothing to count. */
  closureRate: number | null;
  /** 按期结案率: closed by the deadline of all closed; null when none is closed. */
  onTimeRate: number | null;
}

export interface TicketStatsResponse {
  byCategory: KeyCount[];
  byStatus: KeyCount[];
  byDepartment: KeyCount[];
  perDepartment: DepartmentFigures[];
}

export interface TicketTotals {
  total: number;
  closed: number;
  closedOnTime: number;
  overdue: number;
  voided: number;
  closureRate: number | null;
  onTimeRate: number | null;
}

/** Figures over every department the answer holds. */
export function ticketTotals(s: TicketStatsResponse): TicketTotals {
  const sum = (f: (d: DepartmentFigures) => number) => s.perDepartment.reduce((n, d) => n + f(d), 0);
  const total = sum((d) => d.total);
  const closed = sum((d) => d.closed);
  const closedOnTime = sum((d) => d.closedOnTime);
  const voided = s.byStatus.find((x) => x.key === 'voided')?.count ?? 0;
  const counted = total - voided;
  return {
    total,
    closed,
    closedOnTime,
    overdue: sum((d) => d.overdue),
    voided,
    closureRate: counted > 0 ? closed / counted : null,
    onTimeRate: closed > 0 ? closedOnTime / closed : null,
  };
}

/** A rate as a percentage with one decimal ("66.7%"); "—" when there is none. */
export const rateText = (rate: number | null): string => formatPercent(rate);

/** Counts in the order of `order` (known keys first, in that order), then any others; zeros left out. */
export function orderedCounts(counts: KeyCount[], order: readonly string[]): KeyCount[] {
  const rank = (k: string | null) => {
    const i = k === null ? -1 : order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  return counts.filter((c) => c.count > 0).sort((a, b) => rank(a.key) - rank(b.key));
}
