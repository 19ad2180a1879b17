/**
 * One live video: a `<video>` fed by a LivePlayer, with the vehicle's name, mode and altitude
 * over it, a "no signal" state instead of a frozen picture, and a snapshot button: the server
 * stores a Motion-JPEG stream's frame as evidence with its pose; an H.264 stream's frame is
 * saved by the browser (PNG named with the vehicle, capture time and pose).
 */

import type { VideoRendition } from '@aerie/contracts';
import { CameraOutlined } from '@ant-design/icons';
import { Button, message, Tooltip } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import type { FleetVehicleSnapshot } from '../../live/fleet-model.ts';
import { modeLabel } from '../fleet/mode-names.ts';
import { LivePlayer, type PlayerStatus } from './live-player.ts';

interface Props {
  vehicle: FleetVehicleSnapshot;
  /** Smaller overlay for dense walls. */
  compact?: boolean;
  /** Which rendition to play: `sub` for wall tiles of 4+ (default `main`, full resolution). */
  rendition?: VideoRendition;
}

export function VideoTile({ vehicle, compact, rendition = 'main' }: Props) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const playerRef = useRef<LivePlayer | null>(null);
  const [status, setStatus] = useState<PlayerStatus>({ signal: 'connecting', lastCapturedAtMs: null });
  const id = vehicle.vehicleId;

  const signalRef = useRef(status.signal);
  useEffect(() => {
    let last = 0;
    const player = new LivePlayer(
      hostRef.current!,
      videoRef.current!,
      canvasRef.current!,
      id,
      (next) => {
        // The overlay needs the signal at once, the capture time a few times a second.
        const now = performance.now();
        if (next.signal !== signalRef.current || now - last > 250) {
          last = now;
          signalRef.current = next.signal;
          setStatus(next);
        }
      },
      rendition,
    );
    playerRef.current = player;
    return () => {
      player.close();
      playerRef.current = null;
    };
  }, [id, rendition]);

  const snapshot = () => {
    // The server stores the camera's own frame (Motion-JPEG) or its newest key frame (H.264,
    // decoded there) as evidence with the pose.
    api
      .post<{ sha256: string }>(`/api/video/${encodeURIComponent(id)}/snapshots`)
      .then((r) => message.success(t('video.tile.evidenceSaved', { id: r.sha256.slice(0, 12) })))
      .catch((err: unknown) => message.error(errorText(t, err)));
  };

  const s = vehicle.state;
  const overlay =
    status.signal === 'live'
      ? null
      : status.signal === 'no-signal'
        ? t('video.tile.noSignal')
        : status.signal === 'unavailable'
          ? t('video.tile.unavailable')
          : status.signal === 'starting'
            ? t('video.tile.starting')
            : t('video.tile.connecting');

  return (
    <div
      ref={hostRef}
      className={`video-tile${compact ? ' video-tile-compact' : ''}`}
      data-testid="video-tile"
      data-vehicle-id={id}
    >
      <video ref={videoRef} muted playsInline autoPlay data-testid="video-element" />
      <canvas ref={canvasRef} data-testid="video-canvas" />
      {overlay && (
        <div className={`video-tile-state video-tile-${status.signal}`} data-testid="video-state">
          {overlay}
        </div>
      )}
      <div className="video-tile-info">
        <span className="video-tile-name">{vehicle.name}</span>
        <span title={s?.mode ?? undefined}>{modeLabel(t, s?.mode)}</span>
        <span>{t('video.tile.alt', { alt: s?.altRelM != null ? s.altRelM.toFixed(1) : '—' })}</span>
      </div>
      <Tooltip title={t('video.tile.snapshot')}>
        <Button
          className="video-tile-snapshot"
          size="small"
          icon={<CameraOutlined />}
          aria-label={t('video.tile.snapshot')}
          data-testid="video-snapshot"
          disabled={status.signal !== 'live'}
          onClick={snapshot}
        />
      </Tooltip>
    </div>
  );
}
