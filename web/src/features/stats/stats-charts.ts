/**
 * ECharts options of the statistics page: one bar or area chart per metric over the buckets,
 * and a stacked bar chart per dock or vehicle. Plain objects, so the page stays declarative.
 */
import type { ChartOption } from '../../lib/charts/echart.tsx';
import { CHART_PALETTE } from '../../lib/charts/theme.ts';
import type { GroupSeries, StatsMetric } from './stats-model.ts';

const METRIC_COLOR: Record<StatsMetric, string> = {
  missions: '#b37feb',
  sorties: '#3fa7ff',
  hours: '#52c41a',
  km: '#faad14',
};

function axes(labels: string[], digits: number) {
  return {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels, axisLabel: { hideOverlap: true } },
    // The unit is in the card's title and the tooltip; an axis name would crowd the labels.
    yAxis: { type: 'value', minInterval: digits === 0 ? 1 : undefined },
  };
}

function valueFormatter(unit: string, digits: number) {
  return (v: unknown) => {
    const n = typeof v === 'number' ? v : Number(v);
    return `${Number.isFinite(n) ? n.toFixed(digits) : '—'}${unit ? ` ${unit}` : ''}`;
  };
}

/** One metric over time: bars for counts, a filled line for hours and kilometres. */
export function metricChart(
  metric: StatsMetric,
  labels: string[],
  values: number[],
  name: string,
  unit: string,
  digits: number,
): ChartOption {
  const color = METRIC_COLOR[metric];
  const line = metric === 'hours' || metric === 'km';
  return {
    ...axes(labels, digits),
    tooltip: { trigger: 'axis', valueFormatter: valueFormatter(unit, digits) },
    series: [
      line
        ? {
            type: 'line',
            name,
            data: values,
            symbol: labels.length > 40 ? 'none' : 'circle',
            symbolSize: 5,
            lineStyle: { color, width: 2 },
            itemStyle: { color },
            areaStyle: {
              color: {
                type: 'linear',
                x: 0,
                y: 0,
                x2: 0,
                y2: 1,
                colorStops: [
                  { offset: 0, color: `${color}66` },
                  { offset: 1, color: `${color}05` },
                ],
              },
            },
          }
        : {
            type: 'bar',
            name,
            data: values,
            barMaxWidth: 22,
            itemStyle: { color, borderRadius: [3, 3, 0, 0] },
          },
    ],
  };
}

/** A metric per dock or vehicle over time, stacked. */
export function groupChart(
  labels: string[],
  groups: GroupSeries[],
  unit: string,
  digits: number,
): ChartOption {
  return {
    ...axes(labels, digits),
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    color: CHART_PALETTE,
    legend: { type: 'scroll', top: 0, left: 0, right: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 8 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: valueFormatter(unit, digits),
    },
    series: groups.map((g) => ({
      type: 'bar',
      name: g.name,
      stack: 'total',
      data: g.values.map((v) => Number(v.toFixed(3))),
      barMaxWidth: 26,
      emphasis: { focus: 'series' },
    })),
  };
}

/** Counts of named things (ticket categories, statuses) as horizontal bars, one colour each. */
export function countBarChart(labels: string[], values: number[], colours: string[]): ChartOption {
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: labels, inverse: true },
    series: [
      {
        type: 'bar',
        data: values.map((value, i) => ({ value, itemStyle: { color: colours[i] ?? CHART_PALETTE[0] } })),
        barMaxWidth: 18,
        label: { show: true, position: 'right', color: '#c9d6e3' },
        itemStyle: { borderRadius: [0, 3, 3, 0] },
      },
    ],
  };
}
