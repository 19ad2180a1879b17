import type { TFunction } from 'i18next';
import { ApiError } from './api.ts';

const KNOWN = new Set(['Unreachable', 'Unauthorized', 'Forbidden', 'NotFound', 'RateLimited']);

/** A failure as a sentence in the user's language, keeping the server's detail where it helps. */
export function errorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError) {
    if (KNOWN.has(err.code)) return t(`common.errors.${err.code}`);
    if (err.code === 'ValidationFailed') return t('common.errors.ValidationFailed', { message: err.message });
    return t('common.errors.generic', { message: err.message });
  }
  return t('common.errors.generic', { message: err instanceof Error ? err.message : String(err) });
}
