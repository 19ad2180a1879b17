/**
 * One sortie replayed on the globe: the flown path, the aircraft at the slider's time (between
 * recorded points, with its heading), play/pause at 1x, 5x or 20x, the event timeline (click an
 * event to jump there), the telemetry and the recorded video at that time, and the .tlog download. Loading is
 * use-replay-data; the clock and the globe are use-replay-clock; each panel is its own part.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Result, Space, Spin } from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { ReplayControls } from './replay-controls.tsx';
import { ReplayEvents } from './replay-events.tsx';
import { ReplayInfo } from './replay-info.tsx';
import { ReplayTelemetry } from './replay-telemetry.tsx';
import { ReplayVideo } from './replay-video-panel.tsx';
import { type TimelineItem, timelineText } from './timeline.ts';
import { useNames } from './use-names.ts';
import { useReplayClock } from './use-replay-clock.ts';
import { useReplayData } from './use-replay-data.ts';
import './flightlogs.css';

export default function SortieReplayPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const names = useNames();
  const load = useReplayData(id);
  // A reload keeps showing the sortie it had only if it is the same one.
  const data = load.data?.sortie.id === id ? load.data : undefined;
  const globeEl = useRef<HTMLDivElement>(null);
  const vehicleEl = useRef<HTMLDivElement>(null);
  const clock = useReplayClock({ globeEl, vehicleEl, data });

  const eventText = (item: TimelineItem) => timelineText(t, item);
  const failed = load.status === 'failed';
  const notFound = failed && load.error instanceof ApiError && load.error.status === 404;

  return (
    <div
      className="replay"
      data-testid="sortie-replay"
      data-sortie-id={id}
      data-ready={Boolean(data && clock.globeReady)}
    >
      <div ref={globeEl} className="replay-globe" data-testid="replay-globe" />

      {failed && (
        <div className="replay-center">
          <div className="floating-panel replay-panel" style={{ position: 'static', padding: 8 }}>
            <Result
              status={notFound ? '404' : 'error'}
              title={
                notFound
                  ? t('flightlogs.replay.notFound')
                  : t('common.load.failed', { what: t('flightlogs.load.sortie') })
              }
              subTitle={notFound ? undefined : errorText(t, load.error)}
              data-testid="load-error"
              data-what="sortie"
              extra={
                <Space>
                  {!notFound && (
                    <Button
                      type="primary"
                      icon={<ReloadOutlined />}
                      data-testid="load-retry"
                      onClick={load.retry}
                    >
                      {t('common.state.retry')}
                    </Button>
                  )}
                  <Button onClick={() => navigate('/sorties')}>{t('flightlogs.replay.back')}</Button>
                </Space>
              }
            />
          </div>
        </div>
      )}
      {!failed && !data && (
        <div className="replay-center">
          <Spin size="large" tip={t('flightlogs.replay.loading')}>
            <div style={{ width: 160, height: 80 }} />
          </Spin>
        </div>
      )}

      {data && <ReplayInfo data={data} names={names} />}
      {data && <ReplayTelemetry ref={vehicleEl} data={data} time={clock.time} />}
      {data && (
        <ReplayVideo
          sortieId={data.sortie.id}
          time={clock.time}
          playing={clock.playing}
          speed={clock.speed}
        />
      )}
      {data && (
        <ReplayEvents items={data.items} time={clock.time} eventText={eventText} onSeek={clock.seek} />
      )}
      {data?.span && (
        <ReplayControls
          span={data.span}
          items={data.items}
          time={clock.time}
          playing={clock.playing}
          onToggle={clock.togglePlay}
          speed={clock.speed}
          onSpeed={clock.setSpeed}
          onSeek={clock.seek}
          eventText={eventText}
        />
      )}
    </div>
  );
}
