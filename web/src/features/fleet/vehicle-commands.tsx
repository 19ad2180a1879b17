/**
 * The pilot's commands for the focused vehicle, each behind a confirmation, with the
 * vehicle's coded answer shown underneath. Only rendered for roles holding 'vehicles.command'.
 */
import { Alert, Button, InputNumber, Modal, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import {
  type CommandAnswer,
  type CommandOutcome,
  outcomeOfAnswer,
  outcomeOfError,
} from './command-outcome.ts';
import { CommandResult } from './command-result.tsx';

export type CommandAction = 'takeoff' | 'hold' | 'resume' | 'return' | 'land' | 'goto';

export interface GotoTarget {
  lat: number;
  lon: number;
}

interface Props {
  vehicleId: string;
  vehicleName: string;
  online: boolean;
  currentAltM: number | null;
  /** Set while the user picks a go-to point on the globe; the view passes the picked point. */
  picking: boolean;
  gotoTarget: GotoTarget | null;
  onPickStart(): void;
  onPickEnd(): void;
}

const ACTIONS: CommandAction[] = ['takeoff', 'hold', 'resume', 'return', 'land', 'goto'];

export function VehicleCommands(p: Props) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState<CommandAction | null>(null);
  const [altM, setAltM] = useState<number>(30);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ action: CommandAction; outcome: CommandOutcome } | null>(null);

  // A picked point opens the go-to confirmation.
  const gotoOpen = p.gotoTarget !== null && !busy;
  const open = confirming ?? (gotoOpen ? 'goto' : null);

  function ask(action: CommandAction) {
    setResult(null);
    if (action === 'goto') {
      setAltM(Math.max(10, Math.round(p.currentAltM ?? 30)));
      p.onPickStart();
      return;
    }
    if (action === 'takeoff') setAltM(30);
    setConfirming(action);
  }

  function close() {
    setConfirming(null);
    if (p.gotoTarget || p.picking) p.onPickEnd();
  }

  async function send(action: CommandAction) {
    const body =
      action === 'takeoff'
        ? { action, altRelM: altM }
        : action === 'goto' && p.gotoTarget
          ? { action, lat: p.gotoTarget.lat, lon: p.gotoTarget.lon, altRelM: altM }
          : { action };
    setBusy(true);
    setConfirming(null);
    try {
      const answer = await api.post<CommandAnswer>(`/api/vehicles/${p.vehicleId}/commands`, body);
      setResult({ action, outcome: outcomeOfAnswer(answer) });
    } catch (err) {
      setResult({ action, outcome: outcomeOfError(err) });
    } finally {
      setBusy(false);
      if (action === 'goto') p.onPickEnd();
    }
  }

  return (
    <div className="vehicle-commands">
      <div className="panel-section-title">{t('fleet.commands.title')}</div>
      {!p.online && <Alert type="warning" showIcon title={t('fleet.commands.offline')} />}
      <div className="vehicle-command-grid">
        {ACTIONS.map((a) => (
          <Button
            key={a}
            size="small"
            danger={a === 'land'}
            type={a === 'return' ? 'primary' : 'default'}
            disabled={!p.online || busy}
            loading={busy && (confirming === a || (a === 'goto' && p.gotoTarget !== null))}
            data-testid={`cmd-${a}`}
            onClick={() => ask(a)}
          >
            {t(`fleet.commands.${a}`)}
          </Button>
        ))}
      </div>
      {p.picking && !p.gotoTarget && (
        <Alert
          type="info"
          showIcon
          title={t('fleet.commands.pickPoint')}
          action={
            <Button size="small" onClick={p.onPickEnd}>
              {t('fleet.commands.cancelPick')}
            </Button>
          }
        />
      )}
      {busy && <div className="fleet-muted">{t('fleet.commands.sending')}</div>}
      {result && (
        <CommandResult
          command={t(`fleet.commands.${result.action}`)}
          outcome={result.outcome}
          testId="cmd-result"
          onClose={() => setResult(null)}
        />
      )}
      <Modal
        open={open !== null}
        title={open ? t('fleet.commands.confirmTitle', { command: t(`fleet.commands.${open}`) }) : ''}
        okText={t('common.actions.confirm')}
        cancelText={t('common.actions.cancel')}
        okButtonProps={{ 'data-testid': 'cmd-confirm', danger: open === 'land' } as never}
        onOk={() => open && void send(open)}
        onCancel={close}
        destroyOnHidden
      >
        {open && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <span>
              {t('fleet.commands.confirmBody', {
                command: t(`fleet.commands.${open}`),
                vehicle: p.vehicleName,
              })}
            </span>
            {open === 'goto' && p.gotoTarget && (
              <span className="fleet-muted" data-testid="cmd-goto-target">
                {t('fleet.commands.gotoTarget', {
                  lat: p.gotoTarget.lat.toFixed(6),
                  lon: p.gotoTarget.lon.toFixed(6),
                })}
              </span>
            )}
            {(open === 'takeoff' || open === 'goto') && (
              <label className="cmd-alt" htmlFor="cmd-alt-input">
                {open === 'takeoff' ? t('fleet.commands.takeoffAlt') : t('fleet.commands.gotoAlt')}
                <InputNumber
                  id="cmd-alt-input"
                  min={1}
                  max={500}
                  value={altM}
                  onChange={(v) => setAltM(typeof v === 'number' ? v : 30)}
                  data-testid="cmd-alt"
                />
              </label>
            )}
          </Space>
        )}
      </Modal>
    </div>
  );
}
