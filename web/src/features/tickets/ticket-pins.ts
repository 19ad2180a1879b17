/**
 * Which tickets the command view's globe shows and how: open tickets only (a ticket leaves
 * the globe when it is closed or voided), coloured by category, urgent fire and smoke in its
 * own red. Kept current from the ticket list and then from `ticket.changed` events. Pure; see
 * ticket-pins.test.ts.
 */
import {
  type ConsoleTicketChange,
  OPEN_STATUSES,
  type TicketPlace,
  type TicketStatus,
  ticketPlace,
} from '@aerie/contracts';
import { categoryColour, URGENT_FIRE_COLOUR } from './category-colours.ts';

export interface TicketPin extends TicketPlace {
  id: string;
}

export const isOpenStatus = (status: string): boolean => OPEN_STATUSES.includes(status as TicketStatus);

/** Urgent fire or smoke: the one case drawn in its own colour, larger. */
export const isUrgentFire = (p: Pick<TicketPin, 'category' | 'urgent'>): boolean =>
  p.urgent && p.category === 'fire_smoke';

export function pinColour(p: Pick<TicketPin, 'category' | 'urgent'>): string {
  return isUrgentFire(p) ? URGENT_FIRE_COLOUR : categoryColour(p.category);
}

/** Open tickets by id from a list of tickets (closed and voided ones are left out). */
export function pinsFrom(tickets: readonly TicketPin[]): Map<string, TicketPin> {
  const out = new Map<string, TicketPin>();
  for (const t of tickets) if (isOpenStatus(t.status)) out.set(t.id, pinOf(t));
  return out;
}

const pinOf = (t: TicketPin): TicketPin => ({ id: t.id, ...ticketPlace(t) });

/**
 * Applies a change to the pins in place: an open ticket is added or updated, one that is no
 * longer open is removed. Answers whether anything the globe draws changed.
 */
export function applyTicketChange(pins: Map<string, TicketPin>, c: ConsoleTicketChange): boolean {
  const before = pins.get(c.ticketId);
  if (!isOpenStatus(c.status)) return pins.delete(c.ticketId);
  const next = pinOf({ ...c, id: c.ticketId });
  pins.set(c.ticketId, next);
  return (
    !before ||
    before.lat !== next.lat ||
    before.lon !== next.lon ||
    before.category !== next.category ||
    before.urgent !== next.urgent ||
    before.status !== next.status
  );
}

/** The globe's markers for the pins. */
export function markersOf(pins: Map<string, TicketPin>) {
  return [...pins.values()].map((p) => ({
    id: p.id,
    lon: p.lon,
    lat: p.lat,
    colour: pinColour(p),
    urgent: isUrgentFire(p),
  }));
}
