/**
 * Pure helpers of the ticket centre: the deadline countdown of a list row and its colour, and
 * how a refused action reads. No I/O; see format.test.ts.
 */
import type { Ticket } from './types.ts';

export type CountdownLevel = 'none' | 'ok' | 'warning' | 'overdue';

export interface Countdown {
  level: CountdownLevel;
  /** Milliseconds left until the deadline; negative when overdue; null without a running clock. */
  remainingMs: number | null;
}

/** Warning from this share of the time limit on (the 80 %). */
export const WARNING_FRACTION = 0.8;

/**
 * The running clock of a list row. The list carries the deadline but not the working-time
 * fraction the ticket page has (`sla.usedFraction`), so the share used is measured in wall-clock
 * time from when the clock started (dispatch for signing, signing for handling).
 */
export function rowCountdown(
  t: Pick<Ticket, 'dueAt' | 'overdue' | 'status' | 'dispatchedAt' | 'signedAt'>,
  now: number,
): Countdown {
  if (!t.dueAt) return { level: 'none', remainingMs: null };
  const due = Date.parse(t.dueAt);
  const remainingMs = due - now;
  if (t.overdue || remainingMs <= 0) return { level: 'overdue', remainingMs };
  const started = t.status === 'signed' || t.status === 'in_progress' ? t.signedAt : (t.dispatchedAt ?? null);
  if (started) {
    const start = Date.parse(started);
    const span = due - start;
    if (span > 0 && (now - start) / span >= WARNING_FRACTION) return { level: 'warning', remainingMs };
  }
  return { level: 'ok', remainingMs };
}

/** A duration as days, hours and minutes: { d, h, m } of its absolute value. */
export function splitDuration(ms: number): { d: number; h: number; m: number } {
  const total = Math.floor(Math.abs(ms) / 60_000);
  return { d: Math.floor(total / 1440), h: Math.floor((total % 1440) / 60), m: total % 60 };
}

export const LEVEL_COLOURS: Record<CountdownLevel, string | undefined> = {
  none: undefined,
  ok: undefined,
  warning: '#faad14',
  overdue: '#ff4d4f',
};

/** Error codes of a refused transition the console says in words; others fall back to the generic text. */
export const TRANSITION_ERRORS = [
  'Conflict',
  'Forbidden',
  'InvalidTransition',
  'ProofRequired',
  'ExtensionNotAllowed',
  'ValidationFailed',
  'NotFound',
] as const;

export function transitionErrorKey(code: string): string {
  return (TRANSITION_ERRORS as readonly string[]).includes(code)
    ? `tickets.errors.${code}`
    : 'tickets.errors.other';
}
