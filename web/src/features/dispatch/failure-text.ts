/**
 * Why a sortie failed, in the console's language: the orchestrator stores a code and its figures
 * (`failureParams`, missions' FailureParams) beside the English message, and the words are chosen
 * here. The device's own words (`said`, dock fault names) stay as the device sent them, labelled as
 * such. A failure recorded before params existed shows its English message after the worded code.
 */
import { SORTIE_FAILURE_CODES } from '@aerie/missions';
import type { TFunction } from 'i18next';
import { ApiError } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { statusTextLabel } from '../fleet/status-text.ts';

export type FailureParams = Record<string, string | number>;

export interface FailureView {
  code: string | null;
  message: string | null;
  params?: FailureParams | null;
}

/** Codes whose detail is a device's refusal: its result code and what it said. */
const REFUSALS = new Set([
  'DockPrepareFailed',
  'UploadRefused',
  'MissionIdMismatch',
  'ArmRefused',
  'StartRefused',
]);
/** Codes worded the same with or without params. */
const FIXED = new Set(['WindowMissed', 'Conflict', 'OrchestratorRestarted']);

const str = (v: string | number | undefined): string => (v === undefined ? '' : String(v));

function weatherReasons(t: TFunction, p: FailureParams): string {
  return str(p.reasons)
    .split(',')
    .filter(Boolean)
    .map((code) =>
      t(`dispatch.weatherReasons.${code}`, {
        value: p[`${code}Value`],
        limit: p[`${code}Limit`],
        defaultValue: code,
      }),
    )
    .join(t('dispatch.failureList'));
}

/** The detail sentence from the params, or null when there is nothing to word it from. */
export function failureDetail(t: TFunction, f: FailureView): string | null {
  const code = f.code ?? '';
  if (FIXED.has(code)) return t(`dispatch.failureDetails.${code}`);
  const p = f.params;
  if (!p) return null;
  const d = (key: string, values: Record<string, unknown> = {}) =>
    t(`dispatch.failureDetails.${key}`, values);
  if (REFUSALS.has(code)) {
    const rc = str(p.result);
    const result = t([`dispatch.resultCodes.${rc}`, `fleet.commands.codes.${rc}`], { defaultValue: rc });
    const said = str(p.said).trim();
    return said ? d('refusedSaid', { result, said: statusTextLabel(t, said) }) : d('refused', { result });
  }
  switch (code) {
    case 'LowBatteryReturn':
    case 'LinkLost':
      return d(code, p);
    case 'DockTimeout':
    case 'PhaseTimeout':
      return d(code, {
        seconds: p.seconds,
        step: t(`dispatch.failureSteps.${str(p.step)}`, { defaultValue: str(p.step) }),
      });
    case 'DockFault': {
      const faults = str(p.faults)
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .map((x) => t(`dispatch.faults.${x}`, { defaultValue: statusTextLabel(t, x) }))
        .join(t('dispatch.failureList'));
      return d(p.variant ? `DockFault_${p.variant}` : 'DockFault', { faults });
    }
    case 'WeatherGrounded':
    case 'WeatherAbort':
      return d(p.dock ? 'weatherAt' : 'weather', { dock: p.dock, reasons: weatherReasons(t, p) });
    case 'Preempted':
      return d(code, {
        sortieClass: t(`dispatch.classes.${str(p.sortieClass)}`, { defaultValue: str(p.sortieClass) }),
      });
    case 'OperatorAbort':
      return d(p.reason ? 'OperatorAbort_reason' : 'OperatorAbort', p);
    case 'NoDock': {
      if (!p.docks) return d('NoDock_none');
      const codes = str(p.codes)
        .split(',')
        .filter(Boolean)
        .map((c) => t(`dispatch.rejections.${c}`, { defaultValue: c }))
        .join(t('dispatch.failureList'));
      return d(code, { docks: p.docks, codes });
    }
    case 'VehicleUnavailable':
      return d(`VehicleUnavailable_${str(p.variant)}`, { ...p, defaultValue: f.message ?? '' });
    default:
      return null;
  }
}

/** "无人机拒绝解锁 – 结果：飞控拒绝执行；机载原文：…": the worded code, then the detail. */
export function failureText(t: TFunction, f: FailureView): string {
  const title = f.code ? t(`dispatch.failures.${f.code}`, { defaultValue: f.code }) : '';
  const detail = failureDetail(t, f) ?? f.message ?? '';
  return [title, detail].filter(Boolean).join(' – ');
}

/**
 * A refused launch (`POST /api/sorties` answers 409 with the failure's code and params) worded
 * as a sortie failure; any other error as the console words API errors.
 */
export function launchErrorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError && (SORTIE_FAILURE_CODES as readonly string[]).includes(err.code))
    return failureText(t, { code: err.code, message: err.message, params: err.params ?? null });
  return errorText(t, err);
}
