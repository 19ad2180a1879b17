/**
 * The video wall (`/video`): 1, 4, 9 or 16 live tiles. Online aircraft come first, then the
 * rest, in name order; the layout is remembered in the browser. From 4 tiles on the tiles play
 * the sub-stream (640x360, `wallRendition`): 16 full-resolution decodes do not fit a console PC.
 */
import { wallRendition } from '@aerie/contracts';
import { Empty, Segmented } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { startFleetModel, useFleet } from '../../live/fleet-model.ts';
import { VideoTile } from './video-tile.tsx';
import './video.css';

const LAYOUTS = [1, 4, 9, 16] as const;
type Layout = (typeof LAYOUTS)[number];
const KEY = 'aerie.video.layout';

function savedLayout(): Layout {
  const n = Number(localStorage.getItem(KEY));
  return (LAYOUTS as readonly number[]).includes(n) ? (n as Layout) : 9;
}

export default function VideoWallPage() {
  const { t } = useTranslation();
  const fleet = useFleet();
  const [layout, setLayout] = useState<Layout>(savedLayout);
  useEffect(() => startFleetModel(), []);
  useEffect(() => localStorage.setItem(KEY, String(layout)), [layout]);

  const shown = useMemo(
    () =>
      [...fleet.vehicles]
        .sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name))
        .slice(0, layout),
    [fleet.vehicles, layout],
  );
  const cols = Math.sqrt(layout);

  return (
    <div className="video-wall-page" data-testid="video-wall">
      <header className="video-wall-head">
        <h2>{t('video.wall.title')}</h2>
        <span className="video-wall-layout">
          {t('video.wall.layout')}{' '}
          <Segmented
            data-testid="video-layout"
            value={layout}
            options={LAYOUTS.map((n) => ({ value: n, label: String(n) }))}
            onChange={(v) => setLayout(v as Layout)}
          />
        </span>
      </header>
      {fleet.loaded && shown.length === 0 ? (
        <Empty description={t('video.wall.empty')} />
      ) : (
        <div className="video-wall-grid" style={{ gridTemplateColumns: `repeat(${cols}, 1fr)` }}>
          {shown.map((v) => (
            <VideoTile
              key={v.vehicleId}
              vehicle={v}
              compact={layout >= 9}
              rendition={wallRendition(layout)}
            />
          ))}
        </div>
      )}
    </div>
  );
}
