/**
 * Issue 15: fire and smoke are urgent. Every fire/smoke ticket filed, and every recurrence of
 * one, alerts the command centre at once (a critical `fire_smoke` console alert, which the
 * console chimes for), whatever filed it: the detection loop, `POST /api/findings`, a triage
 * item confirmed, a citizen's report. This is the one place that raises it; the alert names the
 * ticket number and goes to whoever may see the ticket's department.
 */
import type { ConsoleVehicleAlert } from '@aerie/contracts';
import type { TicketEvent } from './desk.ts';

export const FIRE_CATEGORY = 'fire_smoke';

/**
 * The console alert a ticket event raises, or null. Pure: `departmentOf` answers the ticket's
 * department now (a new ticket's event carries it as filed, before routing dispatched it).
 */
export function fireAlertOf(
  e: TicketEvent,
  departmentOf: (ticketId: string) => string | null,
): Omit<ConsoleVehicleAlert, 'id'> | null {
  if (e.type !== 'ticket.created' && e.type !== 'ticket.occurrence') return null;
  if (e.ticket.category !== FIRE_CATEGORY) return null;
  return {
    vehicleId: e.vehicleId,
    atMs: e.at,
    kind: 'fire_smoke',
    level: 'critical',
    // The ticket number (GC-...); the console words it through its translations.
    text: e.ticket.number,
    ticket: { id: e.ticket.id, number: e.ticket.number, departmentId: departmentOf(e.ticket.id) },
  };
}

/**
 * The desk listener that raises fire alerts through `alert` (the console fan-out's), once the
 * ticket's department is read. Should that read fail, the alert still goes out, without a
 * department: an unseen fire is worse than one shown too widely.
 */
export function fireAlertPublisher(
  departmentOf: (ticketId: string) => Promise<string | null>,
  alert: (a: Omit<ConsoleVehicleAlert, 'id'>) => void,
): (e: TicketEvent) => void {
  return (e) => {
    if (fireAlertOf(e, () => null) === null || !('ticket' in e)) return;
    const raise = (dep: string | null) => {
      const a = fireAlertOf(e, () => dep);
      if (a) alert(a);
    };
    departmentOf(e.ticket.id).then(raise, () => raise(null));
  };
}
