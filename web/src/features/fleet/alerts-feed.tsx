/** The live alerts feed: newest first; a click focuses the vehicle. */

import type { ConsoleVehicleAlert } from '@aerie/contracts';
import { BellOutlined } from '@ant-design/icons';
import { Empty } from 'antd';
import { useTranslation } from 'react-i18next';
import { setFocus, useFleet } from '../../live/fleet-model.ts';
import { statusTextLabel } from './status-text.ts';

const SHOWN = 50;

export function AlertsFeed() {
  const { t } = useTranslation();
  const fleet = useFleet();
  const text = (a: ConsoleVehicleAlert) =>
    t(`fleet.alerts.${a.kind}`, {
      pct: Math.round(a.batteryPct ?? 0),
      text: a.text ? statusTextLabel(t, a.text) : '',
    });
  return (
    <section className="alerts-feed" data-testid="alerts-feed">
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
              data-vehicle-id={a.vehicleId}
              onClick={() => void setFocus(a.vehicleId)}
            >
              <span className="alert-time">{new Date(a.atMs).toLocaleTimeString()}</span>
              <span className="alert-vehicle">
                {fleet.byId.get(a.vehicleId)?.name ?? a.vehicleId.slice(0, 8)}
              </span>
              <span className="alert-text">{text(a)}</span>
            </button>
          ))
        )}
      </div>
    </section>
  );
}
