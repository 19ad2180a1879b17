import { describe, expect, it } from 'vitest';
import { bucketLabel, metricValue, pivotGroups, type StatsBucketRow, spansYears } from './stats-model.ts';

function row(
  label: string,
  groupId: string | null,
  groupName: string | null,
  sorties: number,
): StatsBucketRow {
  return {
    start: `${label}T00:00:00.000Z`,
    label,
    groupId,
    groupName,
    missions: sorties - 1,
    sorties,
    flightHours: sorties * 0.5,
    kilometres: sorties * 2,
  };
}

describe('bucketLabel', () => {
  it('reads days, weeks and months in Chinese', () => {
    expect(bucketLabel('2026-06-01', 'day', 'zh-CN')).toBe('6月1日');
    expect(bucketLabel('2026-06-01', 'week', 'zh-CN')).toBe('6月1日起');
    expect(bucketLabel('2026-06', 'month', 'zh-CN')).toBe('2026年6月');
    expect(bucketLabel('2025-12-29', 'day', 'zh-CN', true)).toBe('2025年12月29日');
  });

  it('reads days, weeks and months in English', () => {
    expect(bucketLabel('2026-06-01', 'day', 'en')).toBe('Jun 1');
    expect(bucketLabel('2026-06-01', 'week', 'en')).toBe('Wk Jun 1');
    expect(bucketLabel('2026-12', 'month', 'en')).toBe('Dec 2026');
    expect(bucketLabel('2025-12-29', 'week', 'en', true)).toBe('Wk Dec 29, 2025');
  });

  it('leaves a label it cannot read as it is', () => {
    expect(bucketLabel('soon', 'day', 'en')).toBe('soon');
  });

  it('notices a range across New Year', () => {
    expect(spansYears(['2025-12-31', '2026-01-01'])).toBe(true);
    expect(spansYears(['2026-01-01', '2026-01-02'])).toBe(false);
  });
});

describe('pivotGroups', () => {
  const labels = ['2026-06-01', '2026-06-02', '2026-06-03'];
  const rows = [
    row('2026-06-01', 'd1', 'East dock', 1),
    row('2026-06-01', 'd2', 'West dock', 2),
    row('2026-06-03', 'd2', 'West dock', 3),
    row('2026-06-02', null, null, 1),
    row('2026-05-31', 'd1', 'East dock', 9),
  ];

  it('makes one series per group over every bucket, zeros where it did not fly', () => {
    const series = pivotGroups(labels, rows, 'sorties', 'No dock');
    expect(series.map((s) => s.name)).toEqual(['West dock', 'East dock', 'No dock']);
    expect(series[0]!.values).toEqual([2, 0, 3]);
    expect(series[1]!.values).toEqual([1, 0, 0]);
    expect(series[2]!.values).toEqual([0, 1, 0]);
  });

  it('sums the totals of a group within the labels only', () => {
    const series = pivotGroups(labels, rows, 'km', 'No dock');
    const west = series.find((s) => s.id === 'd2')!;
    expect(west.total).toEqual({ missions: 3, sorties: 5, flightHours: 2.5, kilometres: 10 });
    expect(series.find((s) => s.id === 'd1')!.total.sorties).toBe(1);
    expect(west.values).toEqual([4, 0, 6]);
  });

  it('reads each metric from its figure', () => {
    const f = { missions: 1, sorties: 2, flightHours: 3, kilometres: 4 };
    expect(['missions', 'sorties', 'hours', 'km'].map((m) => metricValue(f, m as 'km'))).toEqual([
      1, 2, 3, 4,
    ]);
  });
});
