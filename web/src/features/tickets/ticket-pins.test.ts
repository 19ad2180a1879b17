import type { ConsoleTicketChange } from '@aerie/contracts';
import { describe, expect, it } from 'vitest';
import { CATEGORY_COLOURS, URGENT_FIRE_COLOUR } from './category-colours.ts';
import { applyTicketChange, markersOf, pinColour, pinsFrom, type TicketPin } from './ticket-pins.ts';

const pin = (id: string, status: string, extra: Partial<TicketPin> = {}): TicketPin => ({
  id,
  number: `GC-${id}`,
  category: 'construction',
  status,
  urgent: false,
  lat: 23,
  lon: 113,
  ...extra,
});

const change = (
  id: string,
  status: string,
  extra: Partial<ConsoleTicketChange> = {},
): ConsoleTicketChange => {
  const { id: _id, ...fields } = pin(id, status);
  return { ...fields, ticketId: id, departmentId: null, event: 'ticket.transition', atMs: 1, ...extra };
};

describe('ticket pins', () => {
  it('keeps open tickets only', () => {
    const pins = pinsFrom([pin('a', 'dispatched'), pin('b', 'closed'), pin('c', 'voided'), pin('d', 'new')]);
    expect([...pins.keys()]).toEqual(['a', 'd']);
  });

  it('adds a new open ticket, redraws on a status change, and removes a closed one', () => {
    const pins = pinsFrom([pin('a', 'dispatched')]);
    expect(applyTicketChange(pins, change('b', 'dispatched', { event: 'ticket.created' }))).toBe(true);
    expect(pins.has('b')).toBe(true);
    expect(applyTicketChange(pins, change('b', 'dispatched', { event: 'ticket.evidence' }))).toBe(false);
    expect(applyTicketChange(pins, change('a', 'signed'))).toBe(true);
    expect(pins.get('a')!.status).toBe('signed');
    expect(applyTicketChange(pins, change('a', 'closed'))).toBe(true);
    expect(pins.has('a')).toBe(false);
    // A ticket closed that was never shown changes nothing.
    expect(applyTicketChange(pins, change('zz', 'voided'))).toBe(false);
  });

  it('colours by category, urgent fire and smoke in its own red and larger', () => {
    expect(pinColour({ category: 'river_pollution', urgent: false })).toBe(CATEGORY_COLOURS.river_pollution);
    expect(pinColour({ category: 'fire_smoke', urgent: false })).toBe(CATEGORY_COLOURS.fire_smoke);
    expect(pinColour({ category: 'fire_smoke', urgent: true })).toBe(URGENT_FIRE_COLOUR);
    // Urgent but not a fire: its category's colour, normal size.
    expect(pinColour({ category: 'construction', urgent: true })).toBe(CATEGORY_COLOURS.construction);
    const m = markersOf(pinsFrom([pin('f', 'dispatched', { category: 'fire_smoke', urgent: true })]));
    expect(m).toEqual([{ id: 'f', lon: 113, lat: 23, colour: URGENT_FIRE_COLOUR, urgent: true }]);
    expect(new Set(Object.values(CATEGORY_COLOURS)).has(URGENT_FIRE_COLOUR)).toBe(false);
  });
});
