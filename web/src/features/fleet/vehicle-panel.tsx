/**
 * The focused vehicle: telemetry, mode, battery, GPS, link, mission progress, recent status
 * texts, and for pilots the commands. Renders from the throttled fleet snapshot (4 Hz).
 */
import { AimOutlined, CloseOutlined, RocketOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Progress, Switch, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type FleetVehicleSnapshot, setFocus } from '../../live/fleet-model.ts';
import { useCan } from '../auth/session.ts';
import { VideoPanel } from '../video/video-panel.tsx';
import { linkQualityPct, num } from './fleet-list.ts';
import { modeLabel } from './mode-names.ts';
import { statusTextLabel } from './status-text.ts';
import { useAgo, useNow } from './use-now.ts';
import { type GotoTarget, VehicleCommands } from './vehicle-commands.tsx';
import { VehicleDock } from './vehicle-dock.tsx';

interface Props {
  v: FleetVehicleSnapshot;
  follow: boolean;
  onFollow(follow: boolean): void;
  picking: boolean;
  gotoTarget: GotoTarget | null;
  onPickStart(): void;
  onPickEnd(): void;
}

function Row({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="panel-row">
      <span className="panel-label">{label}</span>
      <span className="panel-value" data-testid={testId}>
        {children}
      </span>
    </div>
  );
}

const SEVERITY_COLORS = [
  '#ff4d4f',
  '#ff4d4f',
  '#ff4d4f',
  '#ff7a45',
  '#faad14',
  '#8aa1b8',
  '#8aa1b8',
  '#5c6f82',
];

export function VehiclePanel({ v, follow, onFollow, picking, gotoTarget, onPickStart, onPickEnd }: Props) {
  const { t } = useTranslation();
  const canCommand = useCan('vehicles.command');
  const canLaunch = useCan('sorties.launch');
  const now = useNow(1000);
  const ago = useAgo();
  const s = v.state;
  const m = t('fleet.units.m');
  const mps = t('fleet.units.mps');
  const link = linkQualityPct(v);
  const battery = s?.batteryPct;
  const mission = s?.mission;
  const texts = (s?.statusTexts ?? []).slice(-6).reverse();
  const fix = s?.gpsFixType;

  return (
    <aside className="floating-panel vehicle-panel" data-testid="vehicle-panel" data-vehicle-id={v.vehicleId}>
      <header className="vehicle-panel-head">
        <div>
          <div className="vehicle-panel-name">
            <Badge status={v.online ? 'success' : 'default'} />
            {v.name}
          </div>
          <div className="fleet-muted">
            {v.online
              ? t('fleet.status.online')
              : v.offlineSinceMs !== null
                ? t('fleet.status.offlineSince', { ago: ago(v.offlineSinceMs, now) })
                : t('fleet.status.never')}
          </div>
        </div>
        <div className="vehicle-panel-tools">
          <Tooltip title={t('fleet.panel.follow')}>
            <Switch
              size="small"
              checked={follow}
              onChange={onFollow}
              checkedChildren={<AimOutlined />}
              unCheckedChildren={<AimOutlined />}
            />
          </Tooltip>
          <Button
            type="text"
            size="small"
            icon={<CloseOutlined />}
            aria-label={t('fleet.panel.close')}
            onClick={() => void setFocus(null)}
          />
        </div>
      </header>
      {!v.online && <Alert type="warning" showIcon banner title={t('fleet.panel.offlineWarning')} />}
      {v.online && !v.full && <div className="fleet-muted panel-waiting">{t('fleet.panel.waiting')}</div>}

      <div className="panel-big">
        <div>
          <div className="panel-big-value">
            <span data-testid="vehicle-alt">{num(s?.altRelM, 1)}</span> <small>{m}</small>
          </div>
          <div className="panel-label">{t('fleet.panel.altRel')}</div>
        </div>
        <div>
          <div className="panel-big-value">
            {num(s?.groundSpeedMps, 1)} <small>{mps}</small>
          </div>
          <div className="panel-label">{t('fleet.panel.groundSpeed')}</div>
        </div>
        <div>
          <div
            className="panel-big-value"
            data-testid="vehicle-mode"
            data-mode={s?.mode ?? ''}
            title={s?.mode}
          >
            {modeLabel(t, s?.mode)}
          </div>
          <div className="panel-label">
            {s?.armed ? t('fleet.status.armed') : t('fleet.status.disarmed')} ·{' '}
            {s?.landed === false ? t('fleet.status.inAir') : t('fleet.status.onGround')}
          </div>
        </div>
      </div>

      <VideoPanel v={v} />

      <div className="panel-section-title">{t('fleet.panel.telemetry')}</div>
      <Row label={t('fleet.panel.altMsl')}>
        {num(s?.altMslM, 1)} {m}
      </Row>
      <Row label={t('fleet.panel.airSpeed')}>
        {num(s?.airSpeedMps, 1)} {mps}
      </Row>
      <Row label={t('fleet.panel.climb')}>
        {num(s?.climbMps, 1)} {mps}
      </Row>
      <Row label={t('fleet.panel.heading')}>
        {num(s?.headingDeg)}
        {t('fleet.units.deg')}
      </Row>
      <Row label={t('fleet.panel.attitude')}>
        {num(s?.rollDeg, 1)}° / {num(s?.pitchDeg, 1)}°
      </Row>
      <Row label={t('fleet.panel.position')}>
        {num(s?.lat, 6)}, {num(s?.lon, 6)}
      </Row>

      <div className="panel-section-title">{t('fleet.panel.battery')}</div>
      <Progress
        percent={typeof battery === 'number' ? Math.round(battery) : 0}
        size="small"
        status={typeof battery === 'number' && battery < 30 ? 'exception' : 'normal'}
        format={() => (typeof battery === 'number' ? `${Math.round(battery)}%` : '—')}
      />
      <Row label={t('fleet.panel.battery')}>
        {num(s?.batteryV, 2)} {t('fleet.units.v')} · {num(s?.batteryA, 1)} {t('fleet.units.a')}
      </Row>

      <div className="panel-section-title">{t('fleet.panel.gps')}</div>
      <Row label={t('fleet.panel.fix')}>
        {typeof fix === 'number' ? t(`fleet.fix.${Math.min(fix, 6)}`) : '—'}
      </Row>
      <Row label={t('fleet.panel.sats')}>
        {num(s?.satellites)} · {t('fleet.panel.hdop')} {num(s?.hdop, 2)}
      </Row>
      <Row label={t('fleet.panel.link')}>
        {link === null ? '—' : `${Math.round(link)}%`}
        {s?.link?.id ? <span className="fleet-muted"> · {s.link.id}</span> : null}
      </Row>
      <Row label={t('fleet.panel.mission')}>
        {mission?.total && mission.total > 0 && mission.total !== 65535
          ? t('fleet.panel.missionItem', { current: (mission.currentSeq ?? 0) + 1, total: mission.total })
          : t('fleet.panel.noMission')}
      </Row>

      {v.dockId ? <VehicleDock dockId={v.dockId} /> : null}
      {/* A dock-less aircraft has no dock to launch from: the planner launches a route on it, checked from where it stands. */}
      {!v.dockId && canLaunch ? (
        <Link to={`/planner?vehicle=${encodeURIComponent(v.vehicleId)}`} data-testid="vehicle-launch-route">
          <Button size="small" icon={<RocketOutlined />} block style={{ marginTop: 8 }}>
            {t('fleet.panel.launchRoute')}
          </Button>
        </Link>
      ) : null}

      {canCommand && (
        <VehicleCommands
          vehicleId={v.vehicleId}
          vehicleName={v.name}
          online={v.online}
          currentAltM={s?.altRelM ?? null}
          picking={picking}
          gotoTarget={gotoTarget}
          onPickStart={onPickStart}
          onPickEnd={onPickEnd}
        />
      )}

      <div className="panel-section-title">{t('fleet.panel.statusTexts')}</div>
      <div className="panel-texts">
        {texts.length === 0 ? (
          <span className="fleet-muted">{t('fleet.panel.noStatusTexts')}</span>
        ) : (
          texts.map((x) => (
            <div key={`${x.atMs}-${x.text}`} className="panel-text">
              <span className="fleet-muted">{new Date(x.atMs).toLocaleTimeString()}</span>{' '}
              <span style={{ color: SEVERITY_COLORS[x.severity] ?? undefined }} title={x.text.trim()}>
                {statusTextLabel(t, x.text)}
              </span>
            </div>
          ))
        )}
      </div>
    </aside>
  );
}
