/**
 * One sortie replayed on the globe: the flown path, the aircraft at the slider's time (between
 * recorded points, with its heading), play/pause at 1x, 5x or 20x, the event timeline (click an
 * event to jump there), the telemetry at that time and the .tlog download. The clock runs in a
 * requestAnimationFrame loop that moves the aircraft straight in Cesium; React re-renders the
 * readout and slider about ten times a second.
 */
import { ArrowLeftOutlined, DownloadOutlined, PauseCircleFilled, PlayCircleFilled } from '@ant-design/icons';
import { Alert, App, Button, Result, Segmented, Slider, Spin, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { Globe } from '../../lib/globe/globe.ts';
import { ReplayLayer } from '../../lib/globe/replay-layer.ts';
import { useCan } from '../auth/session.ts';
import { downloadTlog, getSortie, loadEvents, loadTrack } from './api.ts';
import { formatAt } from './display-time.ts';
import { formatDuration, formatKm, formatNumber, formatOffset } from './format.ts';
import { markedOnPath, timelineColor } from './replay-colors.ts';
import { prepareTrack, type ReplaySample, type ReplayTrack, replaySpan, sampleAt } from './replay-track.ts';
import { KindTag, StatusTag } from './sortie-tags.tsx';
import { currentItemIndex, type TimelineItem, toTimeline } from './timeline.ts';
import type { SortieDetail } from './types.ts';
import { useNames } from './use-names.ts';
import './flightlogs.css';

const SPEEDS = [1, 5, 20] as const;
const UI_INTERVAL_MS = 100;
const HOME = { lat: 23.03, lon: 113.14, heightM: 6000 };

interface Loaded {
  sortie: SortieDetail;
  track: ReplayTrack;
  items: TimelineItem[];
  span: { startMs: number; endMs: number } | null;
}

function heightOf(s: Pick<ReplaySample, 'altAmslM' | 'altRelM'>): number {
  return s.altAmslM ?? s.altRelM ?? 0;
}

export default function SortieReplayPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const names = useNames();
  const canTlog = useCan('sorties.tlog');

  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [globeReady, setGlobeReady] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(5);
  const [t0, setT] = useState(0);
  const [downloading, setDownloading] = useState(false);

  const globeEl = useRef<HTMLDivElement>(null);
  const vehicleEl = useRef<HTMLDivElement>(null);
  const layer = useRef<ReplayLayer | null>(null);
  const timeRef = useRef(0);
  const dataRef = useRef<Loaded | null>(null);

  // The globe lives as long as the page.
  useEffect(() => {
    let globe: Globe | null = null;
    let cancelled = false;
    void Globe.create({ container: globeEl.current!, home: HOME }).then((g) => {
      if (cancelled) {
        g.destroy();
        return;
      }
      globe = g;
      layer.current = new ReplayLayer(g);
      setGlobeReady(true);
    });
    return () => {
      cancelled = true;
      layer.current?.destroy();
      layer.current = null;
      globe?.destroy();
    };
  }, []);

  useEffect(() => {
    let live = true;
    setData(null);
    setError(null);
    Promise.all([getSortie(id), loadTrack(id), loadEvents(id)])
      .then(([sortie, points, events]) => {
        if (!live) return;
        const track = prepareTrack(points);
        const span = replaySpan(
          track,
          events.map((e) => Date.parse(e.at)),
        );
        const items = span ? toTimeline(events, span) : [];
        const loaded = { sortie, track, items, span };
        dataRef.current = loaded;
        timeRef.current = span?.startMs ?? 0;
        setT(timeRef.current);
        setData(loaded);
      })
      .catch((err: unknown) => live && setError(err));
    return () => {
      live = false;
    };
  }, [id]);

  /** Puts the aircraft where it was at `ms`, in Cesium and on the test hook element. */
  const apply = useCallback((ms: number) => {
    const d = dataRef.current;
    if (!d) return;
    const s = sampleAt(d.track, ms);
    layer.current?.setAircraft(
      s && { lonDeg: s.lonDeg, latDeg: s.latDeg, heightM: heightOf(s), headingDeg: s.headingDeg },
      s?.index ?? -1,
    );
    const el = vehicleEl.current;
    if (el && s) {
      el.dataset.lon = s.lonDeg.toFixed(7);
      el.dataset.lat = s.latDeg.toFixed(7);
      el.dataset.alt = (s.altRelM ?? s.altAmslM ?? 0).toFixed(2);
      el.dataset.heading = s.headingDeg.toFixed(1);
      el.dataset.atMs = String(Math.round(ms));
    }
  }, []);

  // The readout's position attributes as soon as the data is there, globe or not.
  useEffect(() => {
    if (data) apply(timeRef.current);
  }, [data, apply]);

  // Path and markers once both the globe and the data are there.
  useEffect(() => {
    if (!globeReady || !data || !layer.current) return;
    const { track, items } = data;
    layer.current.setPath(
      track.points.map((p) => ({ lonDeg: p.lonDeg, latDeg: p.latDeg, heightM: heightOf(p) })),
    );
    layer.current.setMarkers(
      items.filter(markedOnPath).flatMap((item) => {
        const s = sampleAt(track, item.atMs);
        return s
          ? [
              {
                id: item.id,
                lonDeg: s.lonDeg,
                latDeg: s.latDeg,
                heightM: heightOf(s),
                color: timelineColor(item),
              },
            ]
          : [];
      }),
    );
    layer.current.frame();
    apply(timeRef.current);
  }, [globeReady, data, apply]);

  const seek = useCallback(
    (ms: number) => {
      const span = dataRef.current?.span;
      if (!span) return;
      timeRef.current = Math.min(span.endMs, Math.max(span.startMs, ms));
      apply(timeRef.current);
      setT(timeRef.current);
    },
    [apply],
  );

  // The clock.
  useEffect(() => {
    if (!playing) return;
    let raf = 0;
    let last = performance.now();
    let lastUi = 0;
    const tick = (now: number) => {
      const span = dataRef.current?.span;
      if (!span) return;
      timeRef.current = Math.min(span.endMs, timeRef.current + (now - last) * speed);
      last = now;
      apply(timeRef.current);
      const atEnd = timeRef.current >= span.endMs;
      if (now - lastUi >= UI_INTERVAL_MS || atEnd) {
        lastUi = now;
        setT(timeRef.current);
      }
      if (atEnd) setPlaying(false);
      else raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing, speed, apply]);

  const togglePlay = () => {
    const span = data?.span;
    if (!span) return;
    if (!playing && timeRef.current >= span.endMs) seek(span.startMs);
    setPlaying((p) => !p);
  };

  const onTlog = async () => {
    setDownloading(true);
    try {
      await downloadTlog(id);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NoTlog') message.warning(t('flightlogs.replay.noTlog'));
      else message.error(t('flightlogs.replay.tlogFailed', { message: errorText(t, err) }));
    } finally {
      setDownloading(false);
    }
  };

  const sample = useMemo(() => (data ? sampleAt(data.track, t0) : null), [data, t0]);
  const current = data ? currentItemIndex(data.items, t0) : -1;
  const hasBattery = useMemo(() => data?.track.points.some((p) => p.batteryPct !== null) ?? false, [data]);
  const eventText = (item: TimelineItem) => t(`flightlogs.events.${item.kind}`, item.params);
  const sortie = data?.sortie;
  const span = data?.span;
  const notFound = error instanceof ApiError && error.status === 404;

  return (
    <div
      className="replay"
      data-testid="sortie-replay"
      data-sortie-id={id}
      data-ready={Boolean(data && globeReady)}
    >
      <div ref={globeEl} className="replay-globe" data-testid="replay-globe" />

      {error !== null && (
        <div className="replay-center">
          <div className="replay-panel" style={{ position: 'static', padding: 8 }}>
            <Result
              status={notFound ? '404' : 'error'}
              title={notFound ? t('flightlogs.replay.notFound') : errorText(t, error)}
              extra={
                <Button type="primary" onClick={() => navigate('/sorties')}>
                  {t('flightlogs.replay.back')}
                </Button>
              }
            />
          </div>
        </div>
      )}
      {error === null && !data && (
        <div className="replay-center">
          <Spin size="large" tip={t('flightlogs.replay.loading')}>
            <div style={{ width: 160, height: 80 }} />
          </Spin>
        </div>
      )}

      {sortie && (
        <div className="replay-panel replay-info">
          <div className="replay-info-title">
            <Tooltip title={t('flightlogs.replay.back')}>
              <Button
                type="text"
                icon={<ArrowLeftOutlined />}
                aria-label={t('flightlogs.replay.back')}
                onClick={() => navigate(-1)}
                data-testid="replay-back"
              />
            </Tooltip>
            <Typography.Title level={4}>
              {names.vehicleName.get(sortie.vehicleId) ?? sortie.vehicleId.slice(0, 8)}
            </Typography.Title>
            <KindTag kind={sortie.kind} />
            <StatusTag status={sortie.status} />
          </div>
          <div className="fl-muted">
            {t('flightlogs.columns.dock')}:{' '}
            {sortie.dockId
              ? (names.dockName.get(sortie.dockId) ?? sortie.dockId.slice(0, 8))
              : t('flightlogs.noDock')}
          </div>
          <div className="replay-figures">
            <Figure label={t('flightlogs.replay.startedAt')} value={formatAt(sortie.startedAt)} />
            <Figure label={t('flightlogs.replay.duration')} value={formatDuration(sortie.durationS)} />
            <Figure label={t('flightlogs.replay.distance')} value={`${formatKm(sortie.distanceM)} km`} />
            <Figure label={t('flightlogs.replay.maxAlt')} value={`${formatNumber(sortie.maxAltRelM, 1)} m`} />
          </div>
          {canTlog && (
            <Tooltip title={sortie.hasTlog ? undefined : t('flightlogs.replay.noTlog')}>
              <Button
                block
                icon={<DownloadOutlined />}
                loading={downloading}
                disabled={!sortie.hasTlog}
                onClick={() => void onTlog()}
                data-testid="tlog-download"
                data-has-tlog={sortie.hasTlog}
              >
                {t('flightlogs.replay.tlog')}
              </Button>
            </Tooltip>
          )}
          {data && !data.track.points.length && (
            <Alert style={{ marginTop: 10 }} type="warning" showIcon title={t('flightlogs.replay.noTrack')} />
          )}
        </div>
      )}

      {data && (
        <div className="replay-panel replay-telemetry" ref={vehicleEl} data-testid="replay-vehicle">
          <div className="replay-telemetry-title">{t('flightlogs.replay.telemetry')}</div>
          <div className="replay-figures" style={{ margin: 0 }}>
            <Figure label={t('flightlogs.replay.time')} value={formatAt(t0, 'HH:mm:ss')} />
            <Figure label={t('flightlogs.replay.altRel')} value={`${formatNumber(sample?.altRelM, 1)} m`} />
            <Figure
              label={t('flightlogs.replay.groundSpeed')}
              value={`${formatNumber(sample?.groundSpeedMps, 1)} m/s`}
            />
            <Figure
              label={t('flightlogs.replay.heading')}
              value={`${formatNumber(sample?.headingDeg, 0)}°`}
            />
            <Figure label={t('flightlogs.replay.altAmsl')} value={`${formatNumber(sample?.altAmslM, 1)} m`} />
            {hasBattery && (
              <Figure
                label={t('flightlogs.replay.battery')}
                value={`${formatNumber(sample?.batteryPct, 0)} %`}
              />
            )}
          </div>
        </div>
      )}

      {data && (
        <div className="replay-panel replay-events">
          <div className="replay-events-title">
            {t('flightlogs.replay.events')} ({data.items.length})
          </div>
          <div className="replay-events-list" data-testid="replay-timeline" data-count={data.items.length}>
            {data.items.length === 0 && (
              <div className="replay-event fl-muted">{t('flightlogs.replay.noEvents')}</div>
            )}
            {data.items.map((item, i) => (
              <button
                type="button"
                key={item.id}
                className="replay-event"
                data-testid="replay-event"
                data-kind={item.kind}
                data-at-ms={item.atMs}
                data-current={i === current}
                data-passed={i <= current}
                onClick={() => seek(item.atMs)}
              >
                <span className="replay-dot" style={{ background: timelineColor(item) }} />
                <span className="replay-event-time">{formatAt(item.atMs, 'HH:mm:ss')}</span>
                <span className="replay-event-text">{eventText(item)}</span>
              </button>
            ))}
          </div>
        </div>
      )}

      {span && (
        <div className="replay-panel replay-controls">
          <div className="replay-controls-row">
            <Tooltip title={playing ? t('flightlogs.replay.pause') : t('flightlogs.replay.play')}>
              <Button
                type="text"
                shape="circle"
                size="large"
                aria-label={playing ? t('flightlogs.replay.pause') : t('flightlogs.replay.play')}
                icon={
                  playing ? (
                    <PauseCircleFilled style={{ fontSize: 30, color: '#3fa7ff' }} />
                  ) : (
                    <PlayCircleFilled style={{ fontSize: 30, color: '#3fa7ff' }} />
                  )
                }
                onClick={togglePlay}
                data-testid="replay-play"
                data-playing={playing}
              />
            </Tooltip>
            <div className="replay-clock">
              <div>{formatAt(t0, 'HH:mm:ss')}</div>
              <div className="fl-muted">
                {formatOffset(t0 - span.startMs)} / {formatDuration((span.endMs - span.startMs) / 1000)}
              </div>
            </div>
            <div className="replay-slider-wrap">
              <div className="replay-marks">
                {data.items.map((item) => (
                  <Tooltip key={item.id} title={`${formatAt(item.atMs, 'HH:mm:ss')} ${eventText(item)}`}>
                    <button
                      type="button"
                      className="replay-mark"
                      aria-label={eventText(item)}
                      style={{
                        left: `${item.fraction * 100}%`,
                        ['--mark-color' as string]: timelineColor(item),
                      }}
                      onClick={() => seek(item.atMs)}
                    />
                  </Tooltip>
                ))}
              </div>
              <div
                data-testid="replay-slider"
                data-value={Math.round(t0)}
                data-min={span.startMs}
                data-max={span.endMs}
              >
                <Slider
                  min={span.startMs}
                  max={span.endMs}
                  step={100}
                  value={t0}
                  onChange={(v: number) => seek(v)}
                  tooltip={{ formatter: (v) => (v === undefined ? '' : formatOffset(v - span.startMs)) }}
                  style={{ margin: '4px 6px 10px' }}
                />
              </div>
            </div>
            <span className="fl-muted">{t('flightlogs.replay.speed')}</span>
            <Segmented
              data-testid="replay-speed"
              value={speed}
              options={SPEEDS.map((s) => ({ value: s, label: `${s}x` }))}
              onChange={(v) => setSpeed(v as (typeof SPEEDS)[number])}
            />
          </div>
        </div>
      )}
    </div>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <div className="replay-figure-label">{label}</div>
      <div className="replay-figure-value">{value}</div>
    </div>
  );
}
