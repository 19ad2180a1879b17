import { describe, expect, it } from 'vitest';
import { orderedCounts, rateText, type TicketStatsResponse, ticketTotals } from './ticket-stats-model.ts';

const dep = (id: string | null, total: number, closed: number, closedOnTime: number, overdue = 0) => ({
  departmentId: id,
  departmentName: id,
  total,
  closed,
  closedOnTime,
  overdue,
  closureRate: null,
  onTimeRate: null,
});

describe('ticketTotals', () => {
  it('weighs each ticket once: 4 of 8 counted tickets closed, 3 of 4 on time', () => {
    const s: TicketStatsResponse = {
      byCategory: [],
      byStatus: [
        { key: 'closed', count: 4 },
        { key: 'voided', count: 1 },
        { key: 'new', count: 4 },
      ],
      byDepartment: [],
      perDepartment: [dep('a', 6, 3, 3, 1), dep('b', 2, 1, 0, 2), dep(null, 1, 0, 0)],
    };
    expect(ticketTotals(s)).toEqual({
      total: 9,
      closed: 4,
      closedOnTime: 3,
      overdue: 3,
      voided: 1,
      closureRate: 0.5,
      onTimeRate: 0.75,
    });
  });

  it('has no rates when nothing is counted', () => {
    const t = ticketTotals({ byCategory: [], byStatus: [], byDepartment: [], perDepartment: [] });
    expect(t).toMatchObject({ total: 0, closureRate: null, onTimeRate: null });
  });
});

describe('rateText', () => {
  it('shows one decimal and a dash for no rate', () => {
    expect(rateText(2 / 3)).toBe('66.7%');
    expect(rateText(1)).toBe('100.0%');
    expect(rateText(0)).toBe('0.0%');
    expect(rateText(null)).toBe('—');
  });
});

describe('orderedCounts', () => {
  it('puts known keys in order, unknown ones last, and drops zeros', () => {
    expect(
      orderedCounts(
        [
          { key: 'other', count: 1 },
          { key: 'zzz', count: 2 },
          { key: 'fire_smoke', count: 3 },
          { key: 'construction', count: 0 },
        ],
        ['fire_smoke', 'construction', 'river_pollution', 'other'],
      ).map((c) => c.key),
    ).toEqual(['fire_smoke', 'other', 'zzz']);
  });
});
