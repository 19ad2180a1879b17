/** The aircraft's telemetry at the replay's time. */
import { forwardRef, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatAt } from './display-time.ts';
import { formatNumber } from './format.ts';
import { Figure } from './replay-figure.tsx';
import { sampleAt } from './replay-track.ts';
import type { ReplayData } from './use-replay-data.ts';

export const ReplayTelemetry = forwardRef<HTMLDivElement, { data: ReplayData; time: number }>(
  function ReplayTelemetry({ data, time }, ref) {
    const { t } = useTranslation();
    const sample = useMemo(() => sampleAt(data.track, time), [data, time]);
    const hasBattery = useMemo(() => data.track.points.some((p) => p.batteryPct !== null), [data]);
    return (
      <div className="floating-panel replay-panel replay-telemetry" ref={ref} data-testid="replay-vehicle">
        <div className="replay-telemetry-title">{t('flightlogs.replay.telemetry')}</div>
        <div className="replay-figures" style={{ margin: 0 }}>
          <Figure label={t('flightlogs.replay.time')} value={formatAt(time, 'HH:mm:ss')} />
          <Figure label={t('flightlogs.replay.altRel')} value={`${formatNumber(sample?.altRelM, 1)} m`} />
          <Figure
            label={t('flightlogs.replay.groundSpeed')}
            value={`${formatNumber(sample?.groundSpeedMps, 1)} m/s`}
          />
          <Figure label={t('flightlogs.replay.heading')} value={`${formatNumber(sample?.headingDeg, 0)}°`} />
          <Figure label={t('flightlogs.replay.altAmsl')} value={`${formatNumber(sample?.altAmslM, 1)} m`} />
          {hasBattery && (
            <Figure
              label={t('flightlogs.replay.battery')}
              value={`${formatNumber(sample?.batteryPct, 0)} %`}
            />
          )}
        </div>
      </div>
    );
  },
);
