/** The sortie's event timeline; a click jumps the replay to the event. */
import { useTranslation } from 'react-i18next';
import { formatAt } from './display-time.ts';
import { timelineColor } from './replay-colors.ts';
import { currentItemIndex, type TimelineItem } from './timeline.ts';

export function ReplayEvents(p: {
  items: readonly TimelineItem[];
  time: number;
  eventText(item: TimelineItem): string;
  onSeek(ms: number): void;
}) {
  const { t } = useTranslation();
  const current = currentItemIndex(p.items as TimelineItem[], p.time);
  return (
    <div className="floating-panel replay-panel replay-events">
      <div className="replay-events-title">
        {t('flightlogs.replay.events')} ({p.items.length})
      </div>
      <div className="replay-events-list" data-testid="replay-timeline" data-count={p.items.length}>
        {p.items.length === 0 && (
          <div className="replay-event fl-muted">{t('flightlogs.replay.noEvents')}</div>
        )}
        {p.items.map((item, i) => (
          <button
            type="button"
            key={item.id}
            className="replay-event"
            data-testid="replay-event"
            data-kind={item.kind}
            data-at-ms={item.atMs}
            data-current={i === current}
            data-passed={i <= current}
            onClick={() => p.onSeek(item.atMs)}
          >
            <span className="replay-dot" style={{ background: timelineColor(item) }} />
            <span className="replay-event-time">{formatAt(item.atMs, 'HH:mm:ss')}</span>
            <span className="replay-event-text">{p.eventText(item)}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
