/**
 * The rate limit of a focused vehicle on one console socket (`console-fanout.ts`): at most one
 * state per `intervalMs` on average (10 Hz by default), on a schedule with half an interval of
 * slack either way. A vehicle that reports at the limit's own rate goes out as each state
 * arrives, whatever the jitter of its arrival (with a plain minimum gap, a state arriving 99 ms
 * after the last one sent waited for a retry); over any window of T ms a socket still gets at
 * most T / intervalMs + 2 states of one vehicle. Pure: the caller keeps `slotMs` per socket and
 * vehicle (null before the first state).
 */

/** How long (ms) a state must wait before it may go out now; 0: at once. */
export function focusWait(slotMs: number | null, nowMs: number, intervalMs: number): number {
  if (slotMs === null) return 0;
  return Math.max(0, slotMs + intervalMs / 2 - nowMs);
}

/** The socket's slot after a state went out at `nowMs` (call only when `focusWait` said 0). */
export function focusSlotAfterSend(slotMs: number | null, nowMs: number, intervalMs: number): number {
  if (slotMs === null) return nowMs;
  return Math.max(slotMs + intervalMs, nowMs - intervalMs / 2);
}
