/**
 * A sortie's events as the replay's timeline shows them: the moments a dispatcher looks for
 * (armed, take-off, mode changes, mission items reached, status texts, landing, link lost),
 * each placed on the replay's time span. Bookkeeping events that repeat what another already
 * says (landed-state changes next to take-off and landing, mission "current item" updates next
 * to items reached, home position) are left out.
 */
import type { TFunction } from 'i18next';
import { modeLabel } from '../fleet/mode-names.ts';
import { statusTextLabel } from '../fleet/status-text.ts';
import type { EventSeverity, SortieEvent } from './types.ts';

export type TimelineKind =
  | 'armed'
  | 'disarmed'
  | 'takeoff'
  | 'landing'
  | 'mode'
  | 'mission'
  | 'status'
  | 'link_lost'
  | 'link_found';

/** One marker of the timeline. */
export interface TimelineItem {
  id: string;
  atMs: number;
  /** Where on the span it sits, 0 (start) to 1 (end). */
  fraction: number;
  kind: TimelineKind;
  severity: EventSeverity;
  /** Interpolation values for the kind's sentence (`flightlogs.events.<kind>`). */
  params: Record<string, string | number>;
}

const KIND_OF: Record<string, TimelineKind> = {
  armed: 'armed',
  disarmed: 'disarmed',
  takeoff: 'takeoff',
  landing: 'landing',
  mode_changed: 'mode',
  mission_item_reached: 'mission',
  status_text: 'status',
  lost: 'link_lost',
  found: 'link_found',
};

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' && v !== '' ? v : fallback;
}

/** The sentence parameters of an event, from the bridge's own fields where it sent them. */
function paramsOf(kind: TimelineKind, e: SortieEvent): Record<string, string | number> {
  const d = e.data ?? {};
  switch (kind) {
    case 'mode':
      return { mode: str(d.to, e.message.replace(/^Mode /, '')) };
    case 'mission': {
      const seq = typeof d.seq === 'number' ? d.seq : Number(/(\d+)/.exec(e.message)?.[1] ?? Number.NaN);
      return { seq: Number.isFinite(seq) ? seq : '?' };
    }
    case 'status':
      return { text: str(d.text, e.message) };
    default:
      return {};
  }
}

/**
 * The events of a sortie as timeline items, oldest first, placed on [startMs, endMs]. Events
 * with an unreadable time or of a kind the timeline does not show are skipped.
 */
export function toTimeline(
  events: readonly SortieEvent[],
  span: { startMs: number; endMs: number },
): TimelineItem[] {
  const width = span.endMs - span.startMs;
  const out: TimelineItem[] = [];
  for (const e of events) {
    const kind = KIND_OF[e.kind];
    const atMs = Date.parse(e.at);
    if (!kind || !Number.isFinite(atMs)) continue;
    const fraction = width > 0 ? Math.min(1, Math.max(0, (atMs - span.startMs) / width)) : 0;
    out.push({ id: e.id, atMs, fraction, kind, severity: e.severity, params: paramsOf(kind, e) });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** Index of the last item at or before `tMs` (the one the replay has just passed), or -1. */
export function currentItemIndex(items: readonly TimelineItem[], tMs: number): number {
  let found = -1;
  for (let i = 0; i < items.length; i++) {
    if (items[i]!.atMs <= tMs) found = i;
    else break;
  }
  return found;
}

/**
 * An item's sentence in the user's language: modes by their names in words, mission items
 * counted from 1 as the planner and the vehicle panel count them (the wire's seq is from 0).
 */
export function timelineText(t: TFunction, item: TimelineItem): string {
  const p = item.params;
  if (item.kind === 'mode') return t('flightlogs.events.mode', { mode: modeLabel(t, String(p.mode ?? '')) });
  if (item.kind === 'mission')
    return t('flightlogs.events.mission', { n: typeof p.seq === 'number' ? p.seq + 1 : (p.seq ?? '?') });
  if (item.kind === 'status')
    return t('flightlogs.events.status', { text: statusTextLabel(t, String(p.text ?? '')) });
  return t(`flightlogs.events.${item.kind}`, p);
}
