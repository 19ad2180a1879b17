/**
 * Expected failures are values with stable codes, never exceptions (only bugs throw): the one
 * `Result` of every Aerie package. `code` is a machine-readable identifier; `message` is for
 * people and names what went wrong.
 */
export type Result<T, C extends string = string> =
  | { ok: true; value: T }
  | { ok: false; error: ResultError<C> };

export interface ResultError<C extends string = string> {
  code: C;
  message: string;
  /** Extra machine-readable facts (the vehicle's MAV_RESULT, the NACK'd item, ...). */
  detail?: Record<string, unknown>;
}

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <C extends string>(
  code: C,
  message: string,
  detail?: Record<string, unknown>,
): { ok: false; error: ResultError<C> } => ({
  ok: false,
  error: detail ? { code, message, detail } : { code, message },
});
