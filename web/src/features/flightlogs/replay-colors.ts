/** Colours of the timeline's kinds, shared by the event list, the slider marks and the globe. */
import type { TimelineItem } from './timeline.ts';

const SEVERITY_COLOR = {
  info: '#b8c9da',
  warning: '#faad14',
  error: '#ff4d4f',
  critical: '#ff4d4f',
} as const;

export function timelineColor(item: Pick<TimelineItem, 'kind' | 'severity'>): string {
  switch (item.kind) {
    case 'armed':
    case 'disarmed':
      return '#8aa1b8';
    case 'takeoff':
      return '#52c41a';
    case 'landing':
      return '#36cfc9';
    case 'mode':
      return '#3fa7ff';
    case 'mission':
      return '#ffd24a';
    case 'status':
      return SEVERITY_COLOR[item.severity];
    case 'link_lost':
      return '#ff4d4f';
    case 'link_found':
      return '#52c41a';
  }
}

/** Kinds worth a marker on the globe's path (mode changes and arming would crowd it). */
export function markedOnPath(item: TimelineItem): boolean {
  return (
    item.kind === 'takeoff' ||
    item.kind === 'landing' ||
    item.kind === 'mission' ||
    item.kind === 'link_lost' ||
    (item.kind === 'status' && item.severity !== 'info')
  );
}
