/**
 * Expected failures as values with stable codes, the same shape as `@aerie/gcs-bridge`'s
 * Result (kept local so the server does not depend on the bridge package to start).
 */
export type Result<T, C extends string = string> =
  | { ok: true; value: T }
  | { ok: false; error: ResultError<C> };

export interface ResultError<C extends string = string> {
  code: C;
  message: string;
}

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <C extends string>(code: C, message: string): { ok: false; error: ResultError<C> } => ({
  ok: false,
  error: { code, message },
});
