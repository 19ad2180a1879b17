/** The replayed sortie: aircraft, kind, status, dock, its figures and the .tlog download. */
import { ArrowLeftOutlined, DownloadOutlined, FileTextOutlined } from '@ant-design/icons';
import { Alert, App, Button, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { useCan } from '../auth/session.ts';
import { downloadTlog } from './api.ts';
import { formatAt } from './display-time.ts';
import { formatDuration, formatKm, formatNumber, formatPercent } from './format.ts';
import { Figure } from './replay-figure.tsx';
import { KindTag, StatusTag } from './sortie-tags.tsx';
import type { Names } from './use-names.ts';
import type { ReplayData } from './use-replay-data.ts';

export function ReplayInfo({ data, names }: { data: ReplayData; names: Names }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const canTlog = useCan('sorties.tlog');
  const [downloading, setDownloading] = useState(false);
  const { sortie } = data;

  const onTlog = async () => {
    setDownloading(true);
    try {
      await downloadTlog(sortie.id);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NoTlog') message.warning(t('flightlogs.replay.noTlog'));
      else message.error(t('flightlogs.replay.tlogFailed', { message: errorText(t, err) }));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <div className="floating-panel replay-panel replay-info">
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
        <Figure label={t('flightlogs.columns.coverage')} value={formatPercent(sortie.coverageShare)} />
      </div>
      <Button
        block
        style={{ marginBottom: 8 }}
        icon={<FileTextOutlined />}
        onClick={() => navigate(`/sorties/${encodeURIComponent(sortie.id)}/report`)}
        data-testid="sortie-report-open"
      >
        {t('flightlogs.report.open')}
      </Button>
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
      {!data.track.points.length && (
        <Alert style={{ marginTop: 10 }} type="warning" showIcon title={t('flightlogs.replay.noTrack')} />
      )}
    </div>
  );
}
