/**
 * The focused vehicle's announced cameras, in the vehicle panel: each camera's name, its
 * announced streams (kind and host only: a URI may carry credentials) and the newest stills of
 * its latest sortie, with when and how high each was taken. Refreshed every few seconds.
 */
import type { CameraStreamsPayload } from '@aerie/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { useCan } from '../auth/session.ts';
import { streamHost, streamKind } from './camera-view.ts';

interface Still {
  id: string;
  capturedAtMs: number;
  altRelM: number;
  url: string | null;
  fetchError: string | null;
}

const REFRESH_MS = 5000;
const STILLS_SHOWN = 6;

export function CameraPanel({ vehicleId }: { vehicleId: string }) {
  const { t } = useTranslation();
  const canWatch = useCan('video.read');
  const [cameras, setCameras] = useState<CameraStreamsPayload[] | null>(null);
  const [stills, setStills] = useState<Still[]>([]);

  useEffect(() => {
    if (!canWatch) return;
    let stopped = false;
    const id = encodeURIComponent(vehicleId);
    const load = () => {
      api
        .get<{ cameras: CameraStreamsPayload[] }>(`/api/video/${id}/source`)
        .then((r) => !stopped && setCameras(r.cameras))
        .catch(() => !stopped && setCameras([]));
      api
        .get<{ items: Still[] }>(`/api/video/${id}/stills`, { limit: STILLS_SHOWN })
        .then((r) => !stopped && setStills(r.items))
        .catch(() => {});
    };
    load();
    const timer = window.setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [vehicleId, canWatch]);

  if (!canWatch || cameras === null) return null;
  return (
    <div className="camera-panel" data-testid="vehicle-cameras">
      <div className="panel-section-title">{t('video.camera.title')}</div>
      {cameras.length === 0 && <div className="camera-panel-empty">{t('video.camera.none')}</div>}
      {cameras.map((c) => (
        <div key={c.compid} className="camera-panel-camera" data-testid="camera-card">
          <div className="camera-panel-name" data-testid="camera-name">
            {[c.vendor, c.model].filter(Boolean).join(' ') || t('video.camera.unnamed')}
            <span className="camera-panel-compid">{t('video.camera.component', { id: c.compid })}</span>
          </div>
          {c.streams.length === 0 ? (
            <div className="camera-panel-empty">{t('video.camera.noStreams')}</div>
          ) : (
            <ul className="camera-panel-streams">
              {c.streams.map((s) => (
                <li key={s.streamId} data-testid="camera-stream">
                  <span className="camera-panel-kind">{streamKind(s.type, s.encoding, s.uri)}</span>
                  <span className="camera-panel-host">{streamHost(s.uri)}</span>
                  <span className="camera-panel-size">
                    {s.widthPx}×{s.heightPx} · {t('video.camera.fps', { fps: s.fps })}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
      <div className="camera-panel-subtitle">{t('video.camera.stills')}</div>
      {stills.length === 0 ? (
        <div className="camera-panel-empty" data-testid="camera-no-stills">
          {t('video.camera.noStills')}
        </div>
      ) : (
        <div className="camera-panel-stills">
          {stills.map((s) => (
            <figure key={s.id} className="camera-panel-still" data-testid="camera-still">
              {s.url ? (
                <img
                  src={s.url}
                  alt={t('video.camera.stillAlt', { alt: s.altRelM.toFixed(0) })}
                  loading="lazy"
                />
              ) : (
                <div className="camera-panel-missing" title={s.fetchError ?? undefined}>
                  {s.fetchError ? t('video.camera.notFetched') : t('video.camera.fetching')}
                </div>
              )}
              <figcaption>
                {new Date(s.capturedAtMs).toLocaleTimeString()} ·{' '}
                {t('video.tile.alt', { alt: s.altRelM.toFixed(0) })}
              </figcaption>
            </figure>
          ))}
        </div>
      )}
    </div>
  );
}
