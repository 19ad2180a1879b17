/**
 * The answer to a vehicle or dock command, in words, under the command buttons: green when
 * accepted, red with the result code in words (and the vehicle's own text) in the tooltip when
 * refused or not delivered.
 */
import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { type CommandOutcome, outcomeDetail, outcomeText } from './command-outcome.ts';

export function CommandResult(p: {
  /** The command, already translated ("开舱盖", "Return"). */
  command: string;
  outcome: CommandOutcome;
  device?: 'vehicle' | 'dock';
  /** The answer's `data-testid` ("cmd-result", "dock-cmd-result"). */
  testId: string;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { outcome } = p;
  return (
    <Alert
      type={outcome.kind === 'ok' ? 'success' : 'error'}
      showIcon
      closable
      onClose={p.onClose}
      title={
        <span
          data-testid={p.testId}
          data-ok={String(outcome.kind === 'ok')}
          title={outcomeDetail(t, outcome)}
        >
          {outcomeText(t, p.command, outcome, p.device)}
        </span>
      }
    />
  );
}
