/** The planner's figures for the route being drawn: distance, time, battery, altitude, items, photos. */
import type { Route } from '@aerie/missions';
import { useTranslation } from 'react-i18next';
import { captureEvery } from './capture-form.ts';
import type { checkRoute } from './checks.ts';
import type { buildRoute, Draft } from './draft.ts';
import { formatDistance, formatDuration, formatPct } from './format.ts';

type Built = ReturnType<typeof buildRoute>;
type Check = ReturnType<typeof checkRoute> | null;

export function RouteSummary({ built, check, active }: { built: Built; check: Check; active: Draft }) {
  const { t } = useTranslation();
  return (
    <section data-testid="planner-summary" data-ok={check ? String(check.flyable) : 'false'}>
      <h4>{t('planner.summary.title')}</h4>
      {!built.ok ? (
        <div className="planner-muted">
          {built.reason === 'incomplete'
            ? active.points.length === 0 && !active.center
              ? t('planner.summary.empty')
              : t('planner.summary.incomplete', { count: built.need })
            : t('planner.summary.invalid', { message: built.message })}
        </div>
      ) : check ? (
        <div className="planner-figures">
          <Figure
            label={t('planner.summary.distance')}
            value={formatDistance(check.summary.distanceM)}
            id="distance"
          />
          <Figure
            label={t('planner.summary.duration')}
            value={formatDuration(check.summary.durationS)}
            id="duration"
          />
          <Figure label={t('planner.summary.battery')} value={formatPct(check.batteryUsePct)} id="battery" />
          <Figure
            label={t('planner.summary.batteryLeft')}
            value={formatPct(check.batteryLeftPct)}
            id="battery-left"
          />
          <Figure
            label={t('planner.summary.maxAlt')}
            value={`${Math.round(check.summary.maxAltM)} m`}
            id="max-alt"
          />
          <Figure
            label={t('planner.summary.items')}
            value={String(check.summary.missionItemCount)}
            id="items"
          />
          {built.ok ? <CaptureFigure capture={built.route.capture} /> : null}
        </div>
      ) : null}
    </section>
  );
}

/**
 * How often the route takes stills over the whole patrol (its capture setting); shown only with
 * one, since a route without one may still take photos of its own (a survey's, a photo action).
 */
function CaptureFigure({ capture }: { capture: Route['capture'] }) {
  const { t } = useTranslation();
  if (!capture) return null;
  const every = captureEvery(capture);
  return (
    <Figure
      label={t('planner.summary.capture')}
      value={t(`planner.captureEvery.${every.kind}`, { n: every.n })}
      id="capture"
    />
  );
}

function Figure({ label, value, id }: { label: string; value: string; id: string }) {
  return (
    <div className="planner-figure" data-testid={`planner-summary-${id}`}>
      <div className="planner-figure-value">{value}</div>
      <div className="planner-figure-label">{label}</div>
    </div>
  );
}
