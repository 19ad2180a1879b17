/**
 * What became of a command to a vehicle or a dock, for the pilot to read: accepted; refused by
 * the device — with the vehicle's own words when it said why (its STATUSTEXT, e.g. "Arming
 * denied: dock lid is not open"), else the coded result in the user's language; or not
 * delivered (no bridge, offline, no answer). Pure: the panels turn it into text.
 */
import type { TFunction } from 'i18next';
import { ApiError } from '../../lib/api.ts';
import { statusTextLabel } from './status-text.ts';

/** The 200 answer of `POST /api/vehicles/:id/commands` and `POST /api/docks/:id/commands`. */
export interface CommandAnswer {
  commandId: string;
  ok: boolean;
  error?: { code: string; message: string; detail?: Record<string, unknown> };
}

export type CommandOutcome =
  | { kind: 'ok' }
  | { kind: 'refused'; code: string; message: string; statusText: string | null }
  | { kind: 'undelivered'; code: string; message: string };

export function outcomeOfAnswer(answer: CommandAnswer): CommandOutcome {
  if (answer.ok) return { kind: 'ok' };
  const said = answer.error?.detail?.statusText;
  return {
    kind: 'refused',
    code: answer.error?.code ?? 'Failed',
    message: answer.error?.message ?? '',
    statusText: typeof said === 'string' && said.trim() ? said.trim() : null,
  };
}

export function outcomeOfError(err: unknown): CommandOutcome {
  if (err instanceof ApiError) return { kind: 'undelivered', code: err.code, message: err.message };
  return { kind: 'undelivered', code: 'Error', message: err instanceof Error ? err.message : String(err) };
}

/** The codes the console has words for; others show the server's message. */
export const KNOWN_CODES = [
  'Denied',
  'Failed',
  'TemporarilyRejected',
  'Unsupported',
  'VehicleCancelled',
  'Timeout',
  'NotBound',
  'BridgeOffline',
  'VehicleOffline',
  'Conflict',
  'Unreachable',
  'Forbidden',
  'ValidationFailed',
] as const;

/** The outcome as one sentence: "起飞 被拒绝：Arming denied: dock lid is not open". */
export function outcomeText(
  t: TFunction,
  command: string,
  o: CommandOutcome,
  device: 'vehicle' | 'dock' = 'vehicle',
): string {
  if (o.kind === 'ok')
    return t(device === 'dock' ? 'fleet.commands.dockOk' : 'fleet.commands.ok', { command });
  const reason = o.kind === 'refused' && o.statusText ? statusTextLabel(t, o.statusText) : codeWords(t, o);
  return t(o.kind === 'refused' ? 'fleet.commands.failed' : 'fleet.commands.unreachable', {
    command,
    reason,
  });
}

/** The result code in words; an unknown code keeps the server's message, labelled as such. */
function codeWords(t: TFunction, o: Exclude<CommandOutcome, { kind: 'ok' }>): string {
  if ((KNOWN_CODES as readonly string[]).includes(o.code)) return t(`fleet.commands.codes.${o.code}`);
  return o.message ? t('fleet.commands.serverSaid', { message: o.message }) : o.code;
}

/**
 * The tooltip under a refused or undelivered command, for the pilot who wants the detail: the
 * result code with its words, and the vehicle's own text (labelled) when it sent one.
 */
export function outcomeDetail(t: TFunction, o: CommandOutcome): string | undefined {
  if (o.kind === 'ok') return undefined;
  const coded = t('fleet.commands.resultCode', { code: o.code, words: codeWords(t, o) });
  if (o.kind === 'refused' && o.statusText)
    return `${coded}${t('fleet.commands.detailSep')}${t('fleet.statusTexts.asSent', { text: o.statusText })}`;
  return coded;
}
