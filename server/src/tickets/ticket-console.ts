/**
 * `ticket.changed` on the `/console` namespace: every ticket event of the desk (created,
 * transition, occurrence, alert, evidence) as the small change the globe's ticket layer draws,
 * to the signed-in consoles that may see the ticket (department officers: their department's;
 * the rule is `live/visibility.ts`). Tickets change a few times an hour each, so one emit to the
 * viewers' rooms, which the Socket.IO adapter carries to every server node.
 */

import { CONSOLE_NAMESPACE, type ConsoleTicketChange, ticketPlace } from '@aerie/contracts';
import type { Server } from 'socket.io';
import type { ConsoleNamespace } from '../live/console-fanout.ts';
import { audienceRooms } from '../live/visibility.ts';
import type { TicketEvent } from './desk.ts';

/** The console's view of a ticket event; null for events that are not about one ticket (triage). */
export function ticketChangeOf(e: TicketEvent): ConsoleTicketChange | null {
  if (e.type === 'triage.created') return null;
  const t = e.ticket;
  return {
    ticketId: t.id,
    ...ticketPlace(t),
    departmentId: t.departmentId,
    event: e.type,
    atMs: e.at,
  };
}

/** A desk listener that publishes ticket changes to the consoles allowed to see them. */
export function ticketChangePublisher(io: Server): (e: TicketEvent) => void {
  const ns = io.of(CONSOLE_NAMESPACE) as unknown as ConsoleNamespace;
  return (e) => {
    const change = ticketChangeOf(e);
    if (!change) return;
    ns.to(audienceRooms(change.departmentId)).emit('ticket.changed', change);
  };
}
