/**
 * A dock's commands (open/close lid, charge, prepare take-off) for roles holding
 * 'docks.command', each behind a confirmation, with the dock's answer underneath in words.
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
import './dock-controls.css';

export const DOCK_ACTIONS = [
  'open_lid',
  'close_lid',
  'start_charging',
  'stop_charging',
  'prepare_takeoff',
] as const;
export type DockAction = (typeof DOCK_ACTIONS)[number];

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
  const canCommand = useCan('docks.command');
  const [busy, setBusy] = useState<DockAction | null>(null);
  const [result, setResult] = useState<{ action: DockAction; outcome: CommandOutcome } | null>(null);
  if (!canCommand) return null;

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
        {DOCK_ACTIONS.map((a) => (
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
