/**
 * The live alerts feed: newest first. A click on a ticket alert (fire/smoke) opens that ticket's
 * page, where the dispatcher acts on it; a click on any other alert focuses its vehicle. A fire
 * ticket no vehicle saw (a citizen's report) shows the ticket number where the vehicle would be.
 */

import type { ConsoleVehicleAlert } from '@aerie/contracts';
import { BellOutlined } from '@ant-design/icons';
import { Empty } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { setFocus, useFleet } from '../../live/fleet-model.ts';
import { statusTextLabel } from './status-text.ts';

const SHOWN = 50;

/** A short two-tone chime for an urgent alert (fire or smoke): the command centre must not miss it. */
function chime(): void {
  try {
    const ctx = new AudioContext();
    for (const [i, hz] of [880, 660, 880].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = hz;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.25);
      osc.stop(ctx.currentTime + i * 0.25 + 0.2);
    }
    setTimeout(() => void ctx.close(), 1200);
  } catch {
    // No audio output (or the browser refuses it before any click): the red alert still shows.
  }
}

export function AlertsFeed() {
  const { t } = useTranslation();
  const fleet = useFleet();
  const navigate = useNavigate();
  const text = (a: ConsoleVehicleAlert) =>
    t(`fleet.alerts.${a.kind}`, {
      pct: Math.round(a.batteryPct ?? 0),
      text: a.text ? statusTextLabel(t, a.text) : '',
    }) +
    (a.repeat
      ? t('fleet.alerts.repeat', { count: a.repeat.count, seconds: Math.round(a.repeat.windowMs / 1000) })
      : '');
  // Chime once for each fire/smoke alert that arrives while the page is open (not for the
  // recent ones replayed on connect).
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    const ids = fleet.alerts.map((a) => a.id);
    if (seen.current === null) {
      seen.current = new Set(ids);
      return;
    }
    const fresh = fleet.alerts.filter((a) => !seen.current!.has(a.id));
    for (const id of ids) seen.current.add(id);
    if (fresh.some((a) => a.kind === 'fire_smoke')) chime();
  }, [fleet.alerts]);
  return (
    <section className="floating-panel alerts-feed" data-testid="alerts-feed">
      <header className="fleet-sidebar-head">
        <span className="fleet-title">
          <BellOutlined /> {t('fleet.alerts.title')}
        </span>
        <span className="fleet-muted">{fleet.alerts.length}</span>
      </header>
      <div className="alerts-list">
        {fleet.alerts.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('fleet.alerts.empty')} />
        ) : (
          fleet.alerts.slice(0, SHOWN).map((a) => (
            <button
              type="button"
              key={a.id}
              className={`alert-item alert-${a.level}`}
              data-testid="alert-item"
              data-kind={a.kind}
              data-vehicle-id={a.vehicleId ?? undefined}
              data-ticket-number={a.ticket?.number}
              title={a.ticket ? t('fleet.alerts.openTicket', { number: a.ticket.number }) : undefined}
              onClick={() => {
                if (a.ticket) void navigate(`/tickets/${a.ticket.id}`);
                else if (a.vehicleId !== null) void setFocus(a.vehicleId);
              }}
            >
              <span className="alert-time">{new Date(a.atMs).toLocaleTimeString()}</span>
              <span className="alert-vehicle">
                {a.vehicleId === null
                  ? `${t('fleet.alerts.noVehicle')} ${a.ticket?.number ?? ''}`
                  : (fleet.byId.get(a.vehicleId)?.name ?? a.vehicleId.slice(0, 8))}
              </span>
              <span className="alert-text">{text(a)}</span>
            </button>
          ))
        )}
      </div>
    </section>
  );
}
