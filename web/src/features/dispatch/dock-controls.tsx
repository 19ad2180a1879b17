/**
 * A dock's commands (open/close lid, charge, prepare take-off), each behind a confirmation, with
 * the dock's answer underneath in words. Roles holding 'docks.command' (dispatchers) see them
 * all; 'docks.prepare' (pilots) the commands of a flight's cycle (`DOCK_FLIGHT_ACTIONS`).
 * Used by the dock cards of the dispatch board and by the vehicle panel for its dock.
 */
import { Button, Popconfirm } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { useCan } from '../auth/session.ts';
import {
  type CommandAnswer,
  type CommandOutcome,
  outcomeOfAnswer,
  outcomeOfError,
} from '../fleet/command-outcome.ts';
import { CommandResult } from '../fleet/command-result.tsx';
import { type DockAction, dockActionsFor } from './dock-actions.ts';
import './dock-controls.css';

export function DockControls({
  dockId,
  dockName,
  online,
}: {
  dockId: string;
  dockName: string;
  online: boolean;
}) {
  const { t } = useTranslation();
  const actions = dockActionsFor({ command: useCan('docks.command'), prepare: useCan('docks.prepare') });
  const [busy, setBusy] = useState<DockAction | null>(null);
  const [result, setResult] = useState<{ action: DockAction; outcome: CommandOutcome } | null>(null);
  if (actions.length === 0) return null;

  async function send(action: DockAction): Promise<void> {
    setBusy(action);
    setResult(null);
    let outcome: CommandOutcome;
    try {
      outcome = outcomeOfAnswer(await api.post<CommandAnswer>(`/api/docks/${dockId}/commands`, { action }));
    } catch (err) {
      outcome = outcomeOfError(err);
    }
    setResult({ action, outcome });
    setBusy(null);
  }

  return (
    <div className="dock-controls" data-testid={`dock-controls-${dockId}`}>
      <div className="dock-controls-buttons">
        {actions.map((a) => (
          <Popconfirm
            key={a}
            title={t('fleet.dock.confirm', { dock: dockName, command: t(`fleet.dock.actions.${a}`) })}
            okText={t('common.actions.confirm')}
            cancelText={t('common.actions.cancel')}
            okButtonProps={{ 'data-testid': 'dock-cmd-confirm' } as never}
            onConfirm={() => void send(a)}
            disabled={!online || busy !== null}
          >
            <Button
              size="small"
              disabled={!online || busy !== null}
              loading={busy === a}
              data-testid={`dock-cmd-${a}`}
            >
              {t(`fleet.dock.actions.${a}`)}
            </Button>
          </Popconfirm>
        ))}
      </div>
      {result && (
        <CommandResult
          command={t(`fleet.dock.actions.${result.action}`)}
          outcome={result.outcome}
          device="dock"
          testId="dock-cmd-result"
          onClose={() => setResult(null)}
        />
      )}
    </div>
  );
}
