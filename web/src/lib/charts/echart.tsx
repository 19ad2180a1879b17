/**
 * The one React wrapper around ECharts: inits a chart on its div, applies each new option
 * whole, follows the div's size, and disposes the chart on unmount. Only the chart types and
 * components the console uses are registered, so the bundle stays small. Features pass
 * options; they never call `echarts.init` themselves.
 */
import { BarChart, LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { type HTMLAttributes, useEffect, useRef } from 'react';
import { AERIE_CHART_THEME, CHART_THEME_NAME } from './theme.ts';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  DataZoomComponent,
  CanvasRenderer,
]);
echarts.registerTheme(CHART_THEME_NAME, AERIE_CHART_THEME);

/** A chart option (ECharts' own type). */
export type ChartOption = echarts.EChartsCoreOption;

export interface EChartProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  option: ChartOption;
  /** CSS height of the chart (the width follows the container). */
  height: number | string;
}

/** An ECharts chart in the console's dark theme. */
export function EChart({ option, height, style, ...rest }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const div = el.current!;
    const c = echarts.init(div, CHART_THEME_NAME, { renderer: 'canvas' });
    chart.current = c;
    // A chart laid out before its card had a width would stay squeezed; follow the div instead.
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(div);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={el} style={{ width: '100%', height, ...style }} {...rest} />;
}
