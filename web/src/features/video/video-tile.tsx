/**
 * One live video: a `<video>` fed by a LivePlayer, with the vehicle's name, mode and altitude
 * over it, a "no signal" state instead of a frozen picture, and a snapshot button: the server
 * stores a Motion-JPEG stream's frame as evidence with its pose; an H.264 stream's frame is
 * saved by the browser (PNG named with the vehicle, capture time and pose).
 */
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
}

function snapshotName(v: FleetVehicleSnapshot, atMs: number | null): string {
  const s = v.state;
  const when = new Date(atMs ?? Date.now()).toISOString().replace(/[:.]/g, '-');
  const pose =
    s?.lat != null && s?.lon != null
      ? `_${s.lat.toFixed(6)}_${s.lon.toFixed(6)}_${(s.altRelM ?? 0).toFixed(1)}m_yaw${Math.round(s.headingDeg ?? 0)}`
      : '';
  return `${v.name}_${when}${pose}.png`.replace(/\s+/g, '-');
}

export function VideoTile({ vehicle, compact }: Props) {
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
    const player = new LivePlayer(hostRef.current!, videoRef.current!, canvasRef.current!, id, (next) => {
      // The overlay needs the signal at once, the capture time a few times a second.
      const now = performance.now();
      if (next.signal !== signalRef.current || now - last > 250) {
        last = now;
        signalRef.current = next.signal;
        setStatus(next);
      }
    });
    playerRef.current = player;
    return () => {
      player.close();
      playerRef.current = null;
    };
  }, [id]);

  const snapshot = () => {
    // Motion-JPEG streams: the server stores the camera's own frame as evidence with the pose.
    if (playerRef.current?.onCanvas) {
      api
        .post<{ sha256: string }>(`/api/video/${encodeURIComponent(id)}/snapshots`)
        .then((r) => message.success(t('video.tile.evidenceSaved', { id: r.sha256.slice(0, 12) })))
        .catch((err: unknown) => message.error(errorText(t, err)));
      return;
    }
    const v = videoRef.current;
    let c = canvasRef.current;
    if (!playerRef.current?.onCanvas) {
      if (!v?.videoWidth) return;
      c = document.createElement('canvas');
      c.width = v.videoWidth;
      c.height = v.videoHeight;
      c.getContext('2d')!.drawImage(v, 0, 0);
    }
    if (!c) return;
    const name = snapshotName(vehicle, status.lastCapturedAtMs);
    c.toBlob((blob) => {
      if (!blob) return;
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      void message.success(t('video.tile.snapshotSaved', { name }));
    }, 'image/png');
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
