/**
 * The sortie's recorded video beside its track: plays the segment covering the replay clock's
 * time and follows the clock when it seeks, plays, pauses or changes speed. Hidden for users
 * without `video.read`; "no video recorded" when the sortie has none.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import {
  MAX_PLAYBACK_RATE,
  needsSeek,
  offsetS,
  segmentAt,
  type TimedSegment,
  timedSegments,
  type VideoList,
} from './replay-video.ts';

type Load =
  | { status: 'loading' }
  | { status: 'ready'; segments: TimedSegment[] }
  | { status: 'forbidden' }
  | { status: 'failed'; error: unknown };

export function ReplayVideo(props: { sortieId: string; time: number; playing: boolean; speed: number }) {
  const { sortieId, time, playing, speed } = props;
  const { t } = useTranslation();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const videoEl = useRef<HTMLVideoElement>(null);
  const clock = useRef({ time, playing, speed });
  clock.current = { time, playing, speed };

  useEffect(() => {
    let cancelled = false;
    setLoad({ status: 'loading' });
    api
      .get<VideoList>(`/api/sorties/${encodeURIComponent(sortieId)}/video`)
      .then((list) => !cancelled && setLoad({ status: 'ready', segments: timedSegments(list.segments) }))
      .catch((err: unknown) => {
        if (cancelled) return;
        if (err instanceof ApiError && err.status === 403) setLoad({ status: 'forbidden' });
        else setLoad({ status: 'failed', error: err });
      });
    return () => {
      cancelled = true;
    };
  }, [sortieId]);

  const segments = load.status === 'ready' ? load.segments : [];
  const segment = useMemo(() => segmentAt(segments, time), [segments, time]);

  /** Brings the player to the clock: position, rate, playing or paused. */
  const follow = () => {
    const v = videoEl.current;
    if (!v || !segment) return;
    const c = clock.current;
    v.playbackRate = Math.min(c.speed, MAX_PLAYBACK_RATE);
    if (v.readyState >= 1) {
      const want = Math.min(offsetS(segment, c.time), Number.isFinite(v.duration) ? v.duration : Infinity);
      if (needsSeek(v.currentTime, want, c.playing, c.speed)) v.currentTime = want;
    }
    if (c.playing && v.paused) v.play().catch(() => {});
    if (!c.playing && !v.paused) v.pause();
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow reads the clock through a ref
  useEffect(follow, [segment, time, playing, speed]);

  if (load.status === 'forbidden') return null;
  const state =
    load.status !== 'ready' ? load.status : segments.length === 0 ? 'none' : segment ? 'video' : 'gap';
  return (
    <div
      className="replay-panel replay-video"
      data-testid="replay-video"
      data-state={state}
      data-segment-id={segment?.id ?? ''}
    >
      <div className="replay-telemetry-title">{t('flightlogs.replay.video')}</div>
      <div className="replay-video-frame">
        {segment && (
          <video
            ref={videoEl}
            data-testid="replay-video-player"
            src={segment.url}
            muted
            playsInline
            preload="auto"
            onLoadedMetadata={follow}
          />
        )}
        {!segment && (
          <div className="replay-video-empty">
            {state === 'loading' && t('flightlogs.replay.videoLoading')}
            {state === 'none' && t('flightlogs.replay.noVideo')}
            {state === 'gap' && t('flightlogs.replay.videoGap')}
            {load.status === 'failed' &&
              t('flightlogs.replay.videoFailed', {
                message:
                  load.error instanceof ApiError
                    ? errorText(t, load.error)
                    : load.error instanceof Error
                      ? load.error.message
                      : String(load.error),
              })}
          </div>
        )}
      </div>
    </div>
  );
}
