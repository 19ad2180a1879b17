import { API_ERROR_CODES } from '@aerie/contracts';
import type { TFunction } from 'i18next';
import { ApiError } from './api.ts';

/**
 * Every error code the server answers with (`API_ERROR_CODES`) plus the
 * console's own `Unreachable`: each has words in `common.errors`. An unknown code shows the
 * server's message.
 */
export const KNOWN_ERROR_CODES: readonly string[] = ['Unreachable', ...API_ERROR_CODES];

/** `detail`s the console words more precisely than their code (`common.errorDetails.<Code>_<detail>`). */
const DETAILS = new Set([
  'Forbidden_RoleMayNot',
  'Forbidden_WrongPassword',
  'NotFound_NoSuchRecord',
  'NotFound_NoVideoSource',
  'Conflict_Duplicate',
  'Conflict_StillReferenced',
  'Conflict_LastAdministrator',
  'Conflict_UsernameTaken',
  'Conflict_VideoNotLive',
  'ValidationFailed_Required',
  'ValidationFailed_UnknownField',
  'ValidationFailed_OneOf',
  'ValidationFailed_Invalid',
]);

/** Parameters whose values are words to translate: a role, a kind of record. */
function worded(t: TFunction, params: Record<string, string | number>): Record<string, string | number> {
  const out = { ...params };
  if (typeof params.role === 'string')
    out.role = t(`common.roles.${params.role}`, { defaultValue: params.role });
  if (typeof params.what === 'string')
    out.what = t(`common.things.${params.what}`, { defaultValue: params.what });
  return out;
}

/**
 * A failure as a sentence in the user's language: the server's code (and its figures in
 * `params`) picks the words; only a code the console does not know shows the server's message.
 */
export function errorText(t: TFunction, err: unknown): string {
  if (!(err instanceof ApiError))
    return t('common.errors.generic', { message: err instanceof Error ? err.message : String(err) });
  const params = err.params ?? {};
  const detail = typeof params.detail === 'string' ? `${err.code}_${params.detail}` : null;
  if (detail && DETAILS.has(detail)) return t(`common.errorDetails.${detail}`, worded(t, params));
  if (KNOWN_ERROR_CODES.includes(err.code))
    return t(`common.errors.${err.code}`, { ...worded(t, params), message: err.message });
  return t('common.errors.generic', { message: err.message });
}
