/** The focused vehicle's live video, in the vehicle panel. */
import { useTranslation } from 'react-i18next';
import type { FleetVehicleSnapshot } from '../../live/fleet-model.ts';
import { useCan } from '../auth/session.ts';
import { CameraPanel } from './camera-panel.tsx';
import { VideoTile } from './video-tile.tsx';
import './video.css';

export function VideoPanel({ v }: { v: FleetVehicleSnapshot }) {
  const { t } = useTranslation();
  if (!useCan('video.read')) return null;
  return (
    <div className="video-panel" data-testid="vehicle-video">
      <div className="panel-section-title">{t('video.panel.title')}</div>
      <VideoTile vehicle={v} compact />
      <CameraPanel vehicleId={v.vehicleId} />
    </div>
  );
}
