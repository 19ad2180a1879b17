/**
 * Pure helpers of the ticket centre: the deadline countdown (working time) and its colour, and
 * how a refused action reads. No I/O; see format.test.ts.
 */
import type { Sla } from './types.ts';

export type CountdownLevel = 'none' | 'ok' | 'warning' | 'overdue';

export interface Countdown {
  level: CountdownLevel;
  /** Working milliseconds left until the deadline; negative when overdue; null without a running clock. */
  remainingMs: number | null;
}

/**
 * The countdown of a ticket in working time. The server computes the running clock with the
 * working calendar (working hours, weekends, public holidays, make-up working days) when it
 * answers, for each list row (`ticket.sla`) and for the ticket page (`sla`), so both show the
 * same figure; a wall-clock difference to the deadline would run on through nights, weekends
 * and holidays that do not count.
 */
export function ticketCountdown(sla: Pick<Sla, 'level' | 'remainingWorkingMs'> | null): Countdown {
  if (!sla) return { level: 'none', remainingMs: null };
  return { level: sla.level, remainingMs: sla.remainingWorkingMs };
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
