/** Play/pause, the clock, the time slider with the events marked on it, and the speed. */
import { PauseCircleFilled, PlayCircleFilled } from '@ant-design/icons';
import { Button, Segmented, Slider, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatAt } from './display-time.ts';
import { formatDuration, formatOffset } from './format.ts';
import { timelineColor } from './replay-colors.ts';
import type { TimelineItem } from './timeline.ts';
import { SPEEDS, type Speed } from './use-replay-clock.ts';

const ICON = { fontSize: 30, color: '#3fa7ff' };

export function ReplayControls(p: {
  span: { startMs: number; endMs: number };
  items: readonly TimelineItem[];
  time: number;
  playing: boolean;
  onToggle(): void;
  speed: Speed;
  onSpeed(s: Speed): void;
  onSeek(ms: number): void;
  eventText(item: TimelineItem): string;
}) {
  const { t } = useTranslation();
  const { span } = p;
  const label = p.playing ? t('flightlogs.replay.pause') : t('flightlogs.replay.play');
  return (
    <div className="floating-panel replay-panel replay-controls">
      <div className="replay-controls-row">
        <Tooltip title={label}>
          <Button
            type="text"
            shape="circle"
            size="large"
            aria-label={label}
            icon={p.playing ? <PauseCircleFilled style={ICON} /> : <PlayCircleFilled style={ICON} />}
            onClick={p.onToggle}
            data-testid="replay-play"
            data-playing={p.playing}
          />
        </Tooltip>
        <div className="replay-clock">
          <div>{formatAt(p.time, 'HH:mm:ss')}</div>
          <div className="fl-muted">
            {formatOffset(p.time - span.startMs)} / {formatDuration((span.endMs - span.startMs) / 1000)}
          </div>
        </div>
        <div className="replay-slider-wrap">
          <div className="replay-marks">
            {p.items.map((item) => (
              <Tooltip key={item.id} title={`${formatAt(item.atMs, 'HH:mm:ss')} ${p.eventText(item)}`}>
                <button
                  type="button"
                  className="replay-mark"
                  aria-label={p.eventText(item)}
                  style={{ left: `${item.fraction * 100}%`, ['--mark-color' as string]: timelineColor(item) }}
                  onClick={() => p.onSeek(item.atMs)}
                />
              </Tooltip>
            ))}
          </div>
          <div
            data-testid="replay-slider"
            data-value={Math.round(p.time)}
            data-min={span.startMs}
            data-max={span.endMs}
          >
            <Slider
              min={span.startMs}
              max={span.endMs}
              step={100}
              value={p.time}
              onChange={(v: number) => p.onSeek(v)}
              tooltip={{ formatter: (v) => (v === undefined ? '' : formatOffset(v - span.startMs)) }}
              style={{ margin: '4px 6px 10px' }}
            />
          </div>
        </div>
        <span className="fl-muted">{t('flightlogs.replay.speed')}</span>
        <Segmented
          data-testid="replay-speed"
          value={p.speed}
          options={SPEEDS.map((s) => ({ value: s, label: `${s}x` }))}
          onChange={(v) => p.onSpeed(v as Speed)}
        />
      </div>
    </div>
  );
}
