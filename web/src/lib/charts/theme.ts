/**
 * The charts' look, matching the console's dark command-centre theme (see styles.css): a
 * transparent background over the dark cards, muted axis text, faint grid lines and a palette
 * that reads on dark blue.
 */

export const CHART_THEME_NAME = 'aerie-dark';

/** Series colours, in order: the console's accent blue first. */
export const CHART_PALETTE = [
  '#3fa7ff',
  '#52c41a',
  '#faad14',
  '#b37feb',
  '#36cfc9',
  '#ff7a45',
  '#f759ab',
  '#95de64',
  '#ffd666',
  '#69b1ff',
];

const axis = {
  axisLine: { lineStyle: { color: '#2a4766' } },
  axisTick: { lineStyle: { color: '#2a4766' } },
  axisLabel: { color: '#8aa1b8' },
  splitLine: { lineStyle: { color: 'rgba(138, 161, 184, 0.12)' } },
  nameTextStyle: { color: '#8aa1b8' },
};

export const AERIE_CHART_THEME = {
  color: CHART_PALETTE,
  backgroundColor: 'transparent',
  textStyle: {
    color: '#d6e4f0',
    fontFamily:
      '-apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Segoe UI", Roboto, sans-serif',
  },
  title: { textStyle: { color: '#e6f1ff' }, subtextStyle: { color: '#8aa1b8' } },
  legend: { textStyle: { color: '#b8c9da' }, pageTextStyle: { color: '#b8c9da' } },
  tooltip: {
    backgroundColor: 'rgba(7, 17, 28, 0.95)',
    borderColor: '#1f3a57',
    textStyle: { color: '#e6f1ff' },
  },
  categoryAxis: axis,
  valueAxis: axis,
  timeAxis: axis,
};
