/**
 * Time limits in working time. Two clocks run on a ticket: time to sign (from dispatch) and
 * time to handle (from signing, plus a granted extension). For the clock that is running,
 * `slaState` says how much of the limit is used, whether the warning (default 80%) is due,
 * and the escalation level (督办): 1 when the limit is reached, one more for every N working
 * days overdue after that. The sweep compares that level with the one already raised.
 */
import type { WorkingCalendar } from './calendar.ts';
import type { TicketLifecycle } from './lifecycle.ts';
import type { CategoryPolicy } from './policy.ts';

export type SlaPhase = 'sign' | 'handle';

export interface SlaState {
  phase: SlaPhase;
  startedAt: number;
  deadlineAt: number;
  /** Working time used over working time allowed (may exceed 1). */
  usedFraction: number;
  /** Working ms left before the deadline (negative when overdue). */
  remainingWorkingMs: number;
  level: 'ok' | 'warning' | 'overdue';
  /** Whole working days past the deadline. */
  overdueWorkingDays: number;
  /** 0 before the deadline; 1 at it; +1 every `reEscalateEvery` overdue working days. */
  escalationLevel: number;
}

/** The deadlines the lifecycle implies: to sign after dispatch, to handle after signing. */
export function deadlines(
  t: Pick<TicketLifecycle, 'dispatchedAt' | 'signedAt' | 'extension' | 'extensionMinutes'>,
  p: Pick<CategoryPolicy, 'signMinutes' | 'handleMinutes'>,
  cal: WorkingCalendar,
): { signDeadlineAt: number | null; handleDeadlineAt: number | null } {
  const ext = t.extension === 'granted' ? t.extensionMinutes : 0;
  return {
    signDeadlineAt: t.dispatchedAt === null ? null : cal.addWorkingMinutes(t.dispatchedAt, p.signMinutes),
    handleDeadlineAt: t.signedAt === null ? null : cal.addWorkingMinutes(t.signedAt, p.handleMinutes + ext),
  };
}

/** The running clock of a ticket at `now`, or null when none runs (not dispatched, or handled). */
export function slaState(
  t: Pick<TicketLifecycle, 'status' | 'dispatchedAt' | 'signedAt' | 'extension' | 'extensionMinutes'>,
  p: Pick<CategoryPolicy, 'signMinutes' | 'handleMinutes'>,
  cal: WorkingCalendar,
  now: number,
  opts: { warnAt: number; reEscalateEveryWorkingDays: number },
): SlaState | null {
  let phase: SlaPhase;
  let startedAt: number;
  let allowedMin: number;
  if (t.status === 'dispatched' && t.dispatchedAt !== null) {
    phase = 'sign';
    startedAt = t.dispatchedAt;
    allowedMin = p.signMinutes;
  } else if ((t.status === 'signed' || t.status === 'in_progress') && t.signedAt !== null) {
    phase = 'handle';
    startedAt = t.signedAt;
    allowedMin = p.handleMinutes + (t.extension === 'granted' ? t.extensionMinutes : 0);
  } else return null;
  const deadlineAt = cal.addWorkingMinutes(startedAt, allowedMin);
  const allowedMs = allowedMin * 60_000;
  let usedMs: number;
  let remainingWorkingMs: number;
  let overdueWorkingDays = 0;
  if (now < deadlineAt) {
    usedMs = cal.workingMsBetween(startedAt, now);
    remainingWorkingMs = allowedMs - usedMs;
  } else {
    const over = cal.workingMsBetween(deadlineAt, now);
    usedMs = allowedMs + over;
    remainingWorkingMs = -over;
    // Whole working days in `over` (what workingDaysBetween counts, without walking the days again).
    overdueWorkingDays = cal.minutesPerDay > 0 ? Math.floor(over / (cal.minutesPerDay * 60_000)) : 0;
  }
  const usedFraction = usedMs / allowedMs;
  const overdue = now >= deadlineAt;
  return {
    phase,
    startedAt,
    deadlineAt,
    usedFraction,
    remainingWorkingMs,
    level: overdue ? 'overdue' : usedFraction >= opts.warnAt ? 'warning' : 'ok',
    overdueWorkingDays,
    escalationLevel: overdue ? 1 + Math.floor(overdueWorkingDays / opts.reEscalateEveryWorkingDays) : 0,
  };
}

/** What a sweep should raise for one ticket, given what was already raised in this phase. */
export function sweepDecision(
  state: SlaState | null,
  raised: { warned: boolean; escalationLevel: number },
): { warn: boolean; escalateTo: number | null } {
  if (!state) return { warn: false, escalateTo: null };
  const warn = !raised.warned && state.level !== 'ok';
  const escalateTo = state.escalationLevel > raised.escalationLevel ? state.escalationLevel : null;
  return { warn, escalateTo };
}
